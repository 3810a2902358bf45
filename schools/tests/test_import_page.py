import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from schools import spreadsheet
from schools.models import Pupil
from schools.tabular import XLSX_TYPE
from schools.tests.importfiles import (
    HEADER,
    csv_text,
    header_row,
    many_rows,
    pupil_row,
    sheet_xml,
    workbook_with_parts,
    xlsx_file,
)

URL = reverse("schools:import_pupils")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def upload(text, name="leerlingen.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def post(client, school="vlindertuin", text=None, dry_run=False, file=None):
    data = {"school": school, "file": file or upload(text or csv_text([pupil_row()]))}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(URL, data)


def test_it_sends_anonymous_visitors_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "cast_member", ["parent_a", "teacher_a", "other_teacher", "privacy_officer", "outsider"]
)
def test_it_does_not_exist_for_other_roles(request, login, school_a, cast_member):
    client = login(request.getfixturevalue(cast_member))
    assert client.get(URL).status_code == 404
    assert post(client).status_code == 404
    assert not Pupil.objects.filter(leerlingnummer="3001").exists()


def test_it_offers_a_director_only_their_own_school(login, director_a, school_b):
    response = login(director_a).get(URL)
    assert response.status_code == 200
    options = list(response.context["form"].fields["school"].queryset)
    assert [school.code for school in options] == ["vlindertuin"]
    assert "zwanenhof" not in response.content.decode()


def test_it_hides_another_school_from_a_director(login, director_a, school_b):
    client = login(director_a)
    assert client.get(URL, {"school": "zwanenhof"}).status_code == 404
    assert post(client, school="zwanenhof").status_code == 404
    assert not Pupil.objects.exists()


def test_it_answers_a_school_code_with_a_nul_character_with_404(login, director_a):
    client = login(director_a)
    client.raise_request_exception = False
    assert client.get(URL, {"school": "vlinder\x00tuin"}).status_code == 404
    assert post(client, school="vlinder\x00tuin").status_code == 404
    assert not Pupil.objects.exists()


def test_it_preselects_the_school_from_the_director_home_link(login, director_a):
    response = login(director_a).get(URL, {"school": "vlindertuin"})
    assert 'value="vlindertuin" selected' in response.content.decode()


def test_it_lets_a_director_import_into_their_school(login, director_a):
    response = post(login(director_a), text=csv_text(many_rows(3)))
    assert response.status_code == 200
    assert Pupil.objects.filter(school__code="vlindertuin").count() == 3
    page = response.content.decode()
    assert "Imported" in page
    assert '<th scope="row">Pupils created</th><td>3</td>' in page


def test_it_lets_the_board_import_into_any_school(login, board, school_b):
    post(login(board), school="zwanenhof")
    assert Pupil.objects.filter(school=school_b).count() == 1


def test_it_writes_nothing_in_a_dry_run(login, director_a):
    response = post(login(director_a), dry_run=True)
    assert "Dry run: nothing was saved" in response.content.decode()
    assert not Pupil.objects.exists()


def test_it_shows_every_bad_row_and_writes_nothing(login, director_a):
    rows = [pupil_row(number="3001"), pupil_row(number="3002", born="31-13-2018")]
    response = post(login(director_a), text=csv_text(rows))
    page = response.content.decode()
    assert "Nothing imported: the file has problems" in page
    assert (
        "<li>rij 3: geboortedatum “31-13-2018” is not a date; use dd-mm-jjjj "
        "(also d-m-jjjj or dd/mm/jjjj) or jjjj-mm-dd</li>" in page
    )
    assert not Pupil.objects.exists()


def test_it_shows_formula_text_as_text(login, director_a):
    text = csv_text([pupil_row(born="=HYPERLINK(1)")])
    page = post(login(director_a), text=text).content.decode()
    assert "rij 2: geboortedatum “=HYPERLINK(1)” is not a date" in page


def test_it_refuses_a_file_larger_than_the_limit(login, director_a, settings):
    settings.PUPIL_IMPORT_MAX_BYTES = 1024
    response = post(login(director_a), text=csv_text(many_rows(30)))
    assert response.context["form"].errors["file"] == [
        "The file is larger than 1 kB. Split it or leave out other columns."
    ]
    assert not Pupil.objects.exists()


def test_it_never_writes_the_upload_to_disk(login, director_a, settings, tmp_path):
    # Django would spill any upload over 1 byte to a temporary file in a missing directory.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "missing")
    response = post(login(director_a), text=csv_text(many_rows(3)))
    assert response.status_code == 200
    assert Pupil.objects.filter(school__code="vlindertuin").count() == 3


def test_it_refuses_a_large_file_without_writing_it_to_disk(login, director_a, settings, tmp_path):
    settings.PUPIL_IMPORT_MAX_BYTES = 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "missing")
    response = post(login(director_a), text=csv_text(many_rows(300)))
    assert response.context["form"].errors["file"] == [
        "The file is larger than 1 kB. Split it or leave out other columns."
    ]
    assert not Pupil.objects.exists()


def test_it_checks_the_csrf_token(director_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(director_a)
    assert post(client).status_code == 403
    assert not Pupil.objects.exists()
    client.get(URL)  # the form's page sets the token
    token = client.cookies["csrftoken"].value
    data = {"school": "vlindertuin", "file": upload(csv_text([pupil_row()]))}
    response = client.post(URL, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert Pupil.objects.count() == 1


def test_it_refuses_a_file_that_is_not_text(login, director_a):
    file = SimpleUploadedFile("leerlingen.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
    response = post(login(director_a), file=file)
    assert response.context["form"].errors["file"] == [
        "This is neither a CSV file nor an Excel workbook (.xlsx). In your "
        "spreadsheet, choose Save as… CSV or Excel workbook."
    ]


@pytest.mark.parametrize(
    "header", ["a" * 200_000, '"' + "a" * 200_000], ids=["long header", "unclosed quote"]
)
def test_it_refuses_a_header_cell_beyond_the_csv_field_limit(login, director_a, header):
    """Python's csv module stops at a cell of more than 128 kB: in the header line the
    separator guess raised it, a 500; now the row is reported and nothing is written."""
    response = post(login(director_a), file=upload(header + "\n" + csv_text([pupil_row()])))
    assert response.status_code == 200
    assert response.context["report"].errors == ["rij 1: the row cannot be read as CSV"]
    assert not Pupil.objects.filter(leerlingnummer="3001").exists()


def test_it_shows_the_page_in_a_fixed_number_of_queries(
    login, director_a, django_assert_num_queries
):
    client = login(director_a)
    # (session from the cache, TOTP remembered in it) user (with "any guardianship?" for
    # the menu's roles), memberships (then cached), protocol banner (confirmed the current
    # version?) with the open takedown tasks (menu badge) in one query, schools offered in
    # the form (read once, up to one more than a select holds: schools.search)
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("count", [10, 100])
def test_it_imports_in_a_number_of_queries_that_does_not_grow_with_the_file(
    login, director_a, django_assert_num_queries, count
):
    client = login(director_a)
    text = csv_text(many_rows(count))
    # request: user (with "any guardianship?" for the menu's roles), memberships, school
    # by code, school for the form; import: savepoint, lock school, groups, pupils,
    # users, confirmed addresses of the parents not found, guardianships; insert groups,
    # pupils, users; select new users; insert e-mail addresses, guardianships, the links
    # made (schools.accesslog); release savepoint; page: protocol banner with open
    # takedown tasks (menu badge), schools offered (once)
    with django_assert_num_queries(21):
        response = post(client, text=text)
    assert response.context["report"].created == count


def test_it_addresses_the_director_as_u_in_dutch(login, director_a, settings):
    settings.LANGUAGE_CODE = "nl"
    client = login(director_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    with translation.override("nl"):
        page = client.get(URL).content.decode()
        file = SimpleUploadedFile("leerlingen.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
        refused = post(client, file=file).content.decode()
    assert "uit uw spreadsheet of administratie" in page
    assert "Kies in uw spreadsheet Opslaan als… CSV of Excel-werkmap." in refused
    for html in (page, refused):
        assert not re.search(r"\b(je|jij|jouw|jullie)\b", html, re.IGNORECASE)


def test_it_lists_the_first_200_problems_and_counts_the_rest(login, director_a):
    # Another export by mistake: a wrong birth date on each of 250 rows.
    rows = [pupil_row(number=str(5000 + i), born="31-13-2018") for i in range(250)]
    response = post(login(director_a), text=csv_text(rows))
    page = response.content.decode()
    listed = re.search(r'<ul class="errorlist" id="import-errors">(.*?)</ul>', page, re.S)
    assert listed.group(1).count("<li>") == 200
    assert "rij 201:" in page and "rij 202:" not in page  # the header is row 1
    assert "Fix these 250 problems" in page
    assert "… and 50 more problems. Fix the ones above" in page
    assert not Pupil.objects.exists()


def test_it_lists_the_first_50_ignored_columns(login, director_a):
    extra = [f"kolom{i}" for i in range(60)]
    rows = [pupil_row() + [""] * 60]
    response = post(login(director_a), text=csv_text(rows, header=[*HEADER, *extra]))
    page = response.content.decode()
    assert "kolom49" in page and "kolom50" not in page
    assert "kolom49 and 10 more" in page


def test_a_short_report_says_nothing_of_more(login, director_a):
    rows = [pupil_row(number="3001", born="31-13-2018")]
    page = post(login(director_a), text=csv_text(rows)).content.decode()
    assert "more problem" not in page and 'id="import-errors-more"' not in page


def test_it_refuses_a_file_that_would_mark_most_pupils_as_left(login, director_a, school_a):
    """Another school's export, chosen by mistake: none of its pupils is one of ours, so
    every pupil of the school would leave and strangers would be created in their place."""
    client = login(director_a)
    post(client, text=csv_text(many_rows(12)))
    other_school = csv_text(many_rows(12, start=9000))
    response = post(client, text=other_school)
    page = response.content.decode()
    assert "12 of the 12 pupils of" in page and "another school" in page
    assert not Pupil.objects.filter(leerlingnummer__startswith="90").exists()
    assert Pupil.objects.filter(school=school_a, left_on__isnull=True).count() == 12
    dry = post(client, text=other_school, dry_run=True)
    assert "another school" in dry.content.decode() and dry.context["report"].ok


def test_it_imports_such_a_file_when_the_director_says_it_is_right(login, director_a, school_a):
    client = login(director_a)
    post(client, text=csv_text(many_rows(12)))
    data = {"school": "vlindertuin", "file": upload(csv_text(many_rows(12, start=9000)))}
    client.post(URL, {**data, "allow_most_leaving": "on"})
    assert Pupil.objects.filter(school=school_a, left_on__isnull=True).count() == 12
    assert Pupil.objects.filter(school=school_a, left_on__isnull=False).count() == 12


def test_it_lets_a_year_group_leave_without_a_question(login, director_a, school_a):
    client = login(director_a)
    post(client, text=csv_text(many_rows(16)))
    post(client, text=csv_text(many_rows(16)[:10]))  # six of sixteen leave
    assert Pupil.objects.filter(school=school_a, left_on__isnull=False).count() == 6


def test_it_imports_an_excel_workbook(login, director_a, school_a):
    data = xlsx_file([pupil_row(number=3001, born=datetime.datetime(2018, 5, 4))])
    file = SimpleUploadedFile("leerlingen.xlsx", data, content_type=XLSX_TYPE)
    response = post(login(director_a), file=file)
    assert response.context["report"].applied
    pupil = Pupil.objects.get(school=school_a)
    assert (pupil.leerlingnummer, pupil.birth_date) == ("3001", datetime.date(2018, 5, 4))


def test_it_refuses_a_workbook_beyond_a_pupil_lists_size(login, director_a, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 1)
    file = SimpleUploadedFile("leerlingen.xlsx", xlsx_file([pupil_row()]))
    response = post(login(director_a), file=file)
    assert response.context["form"].errors["file"] == [
        "The workbook is larger than a pupil list: its first sheet has more than 1 rows or "
        "200 columns, or the workbook holds more than 1000000 cells. Keep only the pupil list "
        "on the first sheet."
    ]
    assert not Pupil.objects.exists()


def test_it_refuses_a_workbook_with_a_row_no_spreadsheet_saves(login, director_a):
    """A row of a million empty cells (20 kB packed) is refused as too large before openpyxl
    builds it: a form error, nothing written."""
    row = '<row r="2">' + "<c/>" * 1_000_000 + "</row>"
    data = workbook_with_parts(sheet=sheet_xml(header_row() + row))
    response = post(login(director_a), file=SimpleUploadedFile("leerlingen.xlsx", data))
    assert response.status_code == 200
    assert "The workbook is larger than a pupil list" in response.context["form"].errors["file"][0]
    assert not Pupil.objects.exists()


def test_it_names_the_row_of_a_control_character_in_dutch(login, director_a, settings):
    """FileMaker writes a line break within a cell as U+000B: the page said the file was
    neither a CSV file nor a workbook, without a row."""
    settings.LANGUAGE_CODE = "nl"
    client = login(director_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    text = csv_text([pupil_row(number="3000"), pupil_row(last="Mulder\x0bde Vries")])
    with translation.override("nl"):
        page = post(client, text=text).content.decode()
    assert (
        "<li>rij 3: achternaam bevat een stuurteken (U+000B), dat in geen naam, nummer, "
        "datum of adres voorkomt; haal het uit de cel</li>" in page
    )
    assert not Pupil.objects.exists()
