import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from schools.models import Pupil
from schools.tests.importfiles import csv_text, many_rows, pupil_row, xlsx_file


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "leerlingen.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def import_pupils(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pupils", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_and_prints_the_counts(tmp_path, school_a):
    out, _ = import_pupils(write(tmp_path, csv_text(many_rows(3))), "--school", "vlindertuin")
    assert Pupil.objects.filter(school=school_a).count() == 3
    assert "Pupils created: 3" in out


def test_it_reads_a_windows_1252_file(tmp_path, school_a):
    path = write(tmp_path, csv_text([pupil_row(first="Noë")]), encoding="cp1252")
    import_pupils(path, "--school", "vlindertuin")
    assert Pupil.objects.get(leerlingnummer="3001").first_name == "Noë"


def test_it_fails_with_every_bad_row_on_stderr_and_writes_nothing(tmp_path, school_a):
    rows = [pupil_row(number="3001", born="gisteren"), pupil_row(number="3002", group="")]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Problems found: 2. Nothing was imported."):
        call_command(
            "import_pupils",
            write(tmp_path, csv_text(rows)),
            "--school=vlindertuin",
            stdout=out,
            stderr=err,
        )
    assert err.getvalue().splitlines() == [
        "rij 2: geboortedatum “gisteren” is not a date; use dd-mm-jjjj "
        "(also d-m-jjjj or dd/mm/jjjj) or jjjj-mm-dd",
        "rij 3: groep is empty",
    ]
    assert not Pupil.objects.exists()


def test_it_writes_nothing_in_a_dry_run(tmp_path, school_a, pupil_a):
    path = write(tmp_path, csv_text(many_rows(2)))
    out, _ = import_pupils(path, "--school", "vlindertuin", "--dry-run")
    assert "Pupils created: 2" in out
    assert "Pupils marked as left: 1" in out
    assert "Dry run: nothing was written." in out
    assert list(Pupil.objects.all()) == [pupil_a]
    pupil_a.refresh_from_db()
    assert pupil_a.left_on is None


def test_it_marks_pupils_missing_from_the_file_as_left_today(tmp_path, school_a, pupil_a):
    import_pupils(write(tmp_path, csv_text(many_rows(1))), "--school", "vlindertuin")
    pupil_a.refresh_from_db()
    assert pupil_a.left_on == timezone.localdate()


def test_it_prints_progress_every_500_rows(tmp_path, school_a):
    out, _ = import_pupils(
        write(tmp_path, csv_text(many_rows(1200))), "--school", "vlindertuin", "--dry-run"
    )
    assert [line for line in out.splitlines() if "rows checked" in line] == [
        "500 of 1200 rows checked",
        "1000 of 1200 rows checked",
        "1200 of 1200 rows checked",
    ]


def test_it_says_one_row_checked_in_the_singular(tmp_path, school_a):
    path = write(tmp_path, csv_text(many_rows(1)))
    out, _ = import_pupils(path, "--school", "vlindertuin", "--dry-run")
    assert "1 of 1 row checked" in out.splitlines()
    with translation.override("nl"):
        out, _ = import_pupils(path, "--school", "vlindertuin", "--dry-run")
    assert "1 van 1 rij gecontroleerd" in out.splitlines()


def test_it_refuses_an_unknown_school(tmp_path, db):
    with pytest.raises(CommandError, match="There is no school with code nergens"):
        import_pupils(write(tmp_path, csv_text([pupil_row()])), "--school", "nergens")


def test_it_refuses_a_missing_file(tmp_path, school_a):
    with pytest.raises(CommandError, match="Cannot read"):
        import_pupils(str(tmp_path / "weg.csv"), "--school", "vlindertuin")


def test_it_refuses_a_binary_file(tmp_path, school_a):
    path = tmp_path / "leerlingen.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00")
    with pytest.raises(CommandError, match="is neither a text"):
        import_pupils(str(path), "--school", "vlindertuin")


def test_it_refuses_a_file_that_would_mark_most_pupils_as_left(tmp_path, school_a):
    import_pupils(write(tmp_path, csv_text(many_rows(12))), "--school", "vlindertuin")
    path = write(tmp_path, csv_text(many_rows(12, start=9000)))
    with pytest.raises(CommandError, match="Nothing was imported"):
        import_pupils(path, "--school", "vlindertuin")
    assert Pupil.objects.filter(school=school_a, left_on__isnull=True).count() == 12
    out, _ = import_pupils(path, "--school", "vlindertuin", "--allow-most-leaving")
    assert "Pupils marked as left: 12" in out


def test_it_imports_an_excel_workbook(tmp_path, school_a):
    path = tmp_path / "leerlingen.xlsx"
    path.write_bytes(xlsx_file([pupil_row(number=3001, born=datetime.datetime(2018, 5, 4))]))
    out, _ = import_pupils(str(path), "--school", "vlindertuin")
    assert "Pupils created: 1" in out
    assert Pupil.objects.get(school=school_a).birth_date == datetime.date(2018, 5, 4)


def test_it_names_a_control_character_by_its_code_and_never_prints_it(tmp_path, school_a):
    """An escape sequence in a cell would act on the terminal of whoever runs the command
    (clear it, retitle it); the file was refused as not a CSV file, without a row."""
    rows = [pupil_row(born="\x1b[2J04-05-2018")]
    err = io.StringIO()
    with pytest.raises(CommandError, match="Problems found: 1. Nothing was imported."):
        call_command(
            "import_pupils", write(tmp_path, csv_text(rows)), "--school=vlindertuin", stderr=err
        )
    assert err.getvalue().splitlines() == [
        "rij 2: geboortedatum holds a control character (U+001B), which no name, number, "
        "date or address has; remove it from the cell"
    ]
    assert not Pupil.objects.exists()


def test_it_refuses_a_file_larger_than_the_page_does(tmp_path, school_a, pupil_a, settings):
    """The page's limit (PUPIL_IMPORT_MAX_BYTES): until 2026-12-07 the command read any
    file whole, however large. One line (the CommandError: exit status 1), nothing done."""
    settings.PUPIL_IMPORT_MAX_BYTES = 1024
    text = csv_text(many_rows(30))
    assert len(text.encode()) > 1024
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_pupils", write(tmp_path, text), "--school=vlindertuin", stdout=out, stderr=err
        )
    assert (
        str(refused.value) == "The file is larger than 1 kB. Split it or leave out other columns."
    )
    assert (out.getvalue(), err.getvalue()) == ("", "")
    assert list(Pupil.objects.values_list("leerlingnummer", "left_on")) == [
        (pupil_a.leerlingnummer, None)
    ]


def test_it_imports_a_file_of_exactly_the_limit(tmp_path, school_a, settings):
    text = csv_text(many_rows(3))
    settings.PUPIL_IMPORT_MAX_BYTES = len(text.encode())
    out, _ = import_pupils(write(tmp_path, text), "--school", "vlindertuin")
    assert "Pupils created: 3" in out
