"""A director's export opened in Excel and saved again: the same pupils, or a refusal.

Excel drops leading zeros from pupil numbers, writes dates as d-m-jjjj or dd/mm/jjjj and
saves as CSV (`;` or `,`), as "Unicode text" (UTF-16, tabs) or as .xlsx. Every such file
must match the records the original matched, or be refused with its rows named.
"""

import codecs
import datetime
import io
import tracemalloc

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation

from schools import spreadsheet
from schools.importer import NotTextError, WorkbookTooLargeError, pupils_import, read_text
from schools.models import Pupil
from schools.tests.importfiles import (
    SHEET_NS,
    csv_text,
    header_row,
    pupil_row,
    sheet_xml,
    workbook_with_parts,
    workbook_with_sheet_at,
    xlsx_file,
)

TODAY = datetime.date(2026, 11, 24)

# (delimiter, encoding) as Excel writes them: CSV on Dutch Windows, CSV UTF-8, Unicode text
SAVED_AS = [(";", "cp1252"), (",", "utf-8-sig"), ("\t", "utf-16")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def saved(rows, delimiter=";", encoding="cp1252") -> str:
    """The rows as a file in that encoding, read back as an upload is."""
    return read_text(csv_text(rows, delimiter=delimiter).encode(encoding))


def run(school, text, **kwargs):
    return pupils_import(school=school, text=text, today=TODAY, **kwargs)


@pytest.fixture
def pupil_00123(school_a, group_a1):
    return Pupil.objects.create(
        school=school_a,
        group=group_a1,
        leerlingnummer="00123",
        first_name="Daan",
        last_name="Mulder",
        birth_date=datetime.date(2018, 5, 4),
    )


# --- Leading zeros ----------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "encoding"), SAVED_AS)
def test_it_matches_a_number_that_lost_its_leading_zeros(
    school_a, pupil_00123, delimiter, encoding
):
    report = run(school_a, saved([pupil_row(number="123", last="Mulder-Bos")], delimiter, encoding))
    assert report.errors == []
    assert (report.created, report.updated, report.left) == (0, 1, 0)
    pupil = Pupil.objects.get(school=school_a)
    assert (pupil.pk, pupil.leerlingnummer, pupil.last_name) == (
        pupil_00123.pk,
        "00123",
        "Mulder-Bos",
    )
    assert report.warnings == [
        "1 pupil number in the file lacks the leading zeros the portal has (123 for 00123): "
        "a spreadsheet drops them when it reads the number as a number. It is matched with the "
        "one pupil it fits; the portal keeps its number."
    ]


def test_it_imports_the_original_file_again_after_the_resaved_one(school_a, pupil_00123):
    run(school_a, saved([pupil_row(number="123")]))
    report = run(school_a, saved([pupil_row(number="00123")]))
    assert (report.created, report.left, report.unchanged) == (0, 0, 1)
    assert Pupil.objects.get(school=school_a).pk == pupil_00123.pk


def test_it_refuses_a_number_that_fits_two_pupils_without_their_zeros(
    school_a, group_a1, pupil_00123
):
    Pupil.objects.create(
        school=school_a,
        group=group_a1,
        leerlingnummer="0123",
        first_name="Sem",
        last_name="Bos",
        birth_date=datetime.date(2018, 5, 4),
    )
    report = run(school_a, saved([pupil_row(number="123")]))
    assert report.errors == [
        "rij 2: leerlingnummer 123 is not in the portal, and more than one pupil of this school "
        "has that number with leading zeros (00123, 0123). Export the file again with the "
        "numbers as text, so the zeros stay."
    ]
    assert not report.applied
    assert Pupil.objects.filter(school=school_a, left_on__isnull=True).count() == 2
    assert not Pupil.objects.filter(leerlingnummer="123").exists()


def test_it_refuses_two_rows_that_fit_the_same_pupil(school_a, pupil_00123):
    rows = [pupil_row(number="123"), pupil_row(number="0123", first="Sem")]
    report = run(school_a, saved(rows))
    assert report.errors == [
        "rij 3: leerlingnummer 0123 and the number in rij 2 both stand for pupil 00123 of the "
        "portal without its leading zeros. Export the file again with the numbers as text, so "
        "the zeros stay."
    ]
    assert Pupil.objects.get(school=school_a).first_name == "Daan"


def test_it_prefers_the_exact_number_over_one_without_zeros(school_a, group_a1, pupil_00123):
    exact = Pupil.objects.create(
        school=school_a,
        group=group_a1,
        leerlingnummer="123",
        first_name="Sem",
        last_name="Bos",
        birth_date=datetime.date(2018, 5, 4),
    )
    rows = [pupil_row(number="123", first="Sem", last="Bos"), pupil_row(number="00123")]
    report = run(school_a, saved(rows))
    assert (report.errors, report.created, report.left, report.renumbered) == ([], 0, 0, [])
    assert Pupil.objects.get(leerlingnummer="123").pk == exact.pk


def test_it_creates_a_new_pupil_when_the_zeros_pupil_has_its_own_row(school_a, pupil_00123):
    """No guess: pupil 00123 is in the file by its own number, so 123 is another pupil."""
    rows = [pupil_row(number="00123"), pupil_row(number="123", first="Sem")]
    report = run(school_a, saved(rows))
    assert (report.errors, report.created, report.unchanged) == ([], 1, 1)
    assert Pupil.objects.get(leerlingnummer="123").first_name == "Sem"


def test_it_leaves_pupils_of_another_school_with_zeros_alone(school_a, school_b, group_b1):
    other = Pupil.objects.create(
        school=school_b,
        group=group_b1,
        leerlingnummer="00123",
        first_name="Sem",
        last_name="Bos",
        birth_date=datetime.date(2018, 5, 4),
    )
    report = run(school_a, saved([pupil_row(number="123")]))
    assert (report.created, report.renumbered) == (1, [])
    other.refresh_from_db()
    assert (other.school_id, other.first_name) == (school_b.pk, "Sem")


# --- Fullwidth digits -------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8"), ("\t", "utf-16")])
def test_it_reads_fullwidth_digits_in_numbers_and_dates(school_a, pupil_00123, delimiter, encoding):
    row = pupil_row(number="００１２３", born="０４-０５-２０１８")
    report = run(school_a, saved([row], delimiter, encoding))
    assert report.errors == []
    assert (report.created, report.unchanged, report.left) == (0, 1, 0)


def test_it_finds_a_duplicate_number_written_in_fullwidth_digits(school_a):
    report = run(
        school_a, saved([pupil_row(number="123"), pupil_row(number="１２３")], ";", "utf-8")
    )
    assert report.errors == ["rij 3: leerlingnummer 123 is already used in rij 2"]


# --- Dates as Excel writes them ------------------------------------------------------


@pytest.mark.parametrize(
    "born",
    ["4-5-2018", "04/05/2018", "4/5/2018", "04.05.2018", "2018/05/04", "04-05-2018 00:00"],
)
def test_it_reads_the_dates_excel_writes(school_a, born):
    report = run(school_a, saved([pupil_row(born=born)]))
    assert report.errors == []
    assert Pupil.objects.get(leerlingnummer="3001").birth_date == datetime.date(2018, 5, 4)


@pytest.mark.parametrize("born", ["04/05/18", "04-05/2018", "04-05-2018 13:30", "43224"])
def test_it_refuses_a_date_it_would_have_to_guess(school_a, born):
    report = run(school_a, saved([pupil_row(born=born)]))
    assert report.errors == [
        f"rij 2: geboortedatum “{born}” is not a date; use dd-mm-jjjj (also d-m-jjjj or "
        "dd/mm/jjjj) or jjjj-mm-dd"
    ]


def test_it_reads_utf16_with_a_byte_order_mark_in_big_endian(school_a, pupil_00123):
    text = csv_text([pupil_row(number="123", born="4/5/2018")], delimiter="\t")
    report = run(school_a, read_text(codecs.BOM_UTF16_BE + text.encode("utf-16-be")))
    assert (report.errors, report.unchanged) == ([], 1)


# --- Excel workbooks (.xlsx) --------------------------------------------------------


def excel_row(number, born, **kwargs):
    """A row as Excel holds it after reading a CSV: the number a number, the date a date."""
    row = pupil_row(**kwargs)
    row[0], row[4] = number, born
    return row


def test_it_matches_the_pupils_of_a_workbook_excel_saved(school_a, pupil_00123):
    born = datetime.datetime(2018, 5, 4)
    data = xlsx_file([excel_row(123, born), excel_row(4567, born, first="Sem")])
    report = run(school_a, read_text(data))
    assert report.errors == []
    assert (report.created, report.unchanged, report.left) == (1, 1, 0)
    assert set(Pupil.objects.values_list("leerlingnummer", flat=True)) == {"00123", "4567"}


@pytest.mark.parametrize("mac_epoch", [False, True])
def test_it_reads_a_date_held_as_a_day_number_with_the_workbooks_epoch(school_a, mac_epoch):
    # the date cell formatted as a number: Excel shows 43224 (43224 - 1462 on a Mac's epoch)
    serial = 43224 - 1462 if mac_epoch else 43224
    report = run(school_a, read_text(xlsx_file([excel_row(3001, serial)], mac_epoch=mac_epoch)))
    assert report.errors == []
    assert Pupil.objects.get(leerlingnummer="3001").birth_date == datetime.date(2018, 5, 4)


def test_it_reads_a_whole_number_stored_as_a_decimal(school_a):
    run(school_a, read_text(xlsx_file([excel_row(3001.0, datetime.datetime(2018, 5, 4))])))
    assert Pupil.objects.get().leerlingnummer == "3001"


def test_it_refuses_a_date_with_a_time_of_day(school_a):
    data = xlsx_file([excel_row(3001, datetime.datetime(2018, 5, 4, 13, 30))])
    report = run(school_a, read_text(data))
    assert report.errors == [
        "rij 2: geboortedatum “2018-05-04 13:30:00” is not a date; use dd-mm-jjjj (also "
        "d-m-jjjj or dd/mm/jjjj) or jjjj-mm-dd"
    ]


def test_it_numbers_the_rows_of_a_workbook_as_excel_shows_them(school_a):
    rows = [pupil_row(), ["", "", "", "", "", ""], pupil_row(number="3002", born="gisteren")]
    report = run(school_a, read_text(xlsx_file(rows, start_row=2)))
    assert report.errors == [
        "rij 5: geboortedatum “gisteren” is not a date; use dd-mm-jjjj (also d-m-jjjj or "
        "dd/mm/jjjj) or jjjj-mm-dd"
    ]
    assert not Pupil.objects.exists()


def test_it_reads_cells_with_the_separator_and_quotes_in_a_workbook(school_a):
    row = pupil_row(first='Daan "DJ"; jr.', last="Mulder, de")
    assert run(school_a, read_text(xlsx_file([row]))).errors == []
    pupil = Pupil.objects.get()
    assert (pupil.first_name, pupil.last_name) == ('Daan "DJ"; jr.', "Mulder, de")


@pytest.mark.parametrize("data", [b"PK\x03\x04not a zip", xlsx_file([pupil_row()])[:-40]])
def test_it_refuses_a_damaged_workbook(data):
    with pytest.raises(NotTextError):
        read_text(data)


@pytest.mark.parametrize(("cell", "limits"), [((11, 1), (10, 200)), ((2, 6), (50_000, 5))])
def test_it_refuses_a_workbook_beyond_a_pupil_lists_size(monkeypatch, cell, limits):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", limits[0])
    monkeypatch.setattr(spreadsheet, "MAX_COLUMNS", limits[1])
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.cell(row=1, column=1, value="leerlingnummer")
    workbook.active.cell(row=cell[0], column=cell[1], value="x")
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookTooLargeError):
        read_text(out.getvalue())


def _workbook_with_a_padded_part(padding: int) -> bytes:
    """A valid workbook with one more part that unpacks to `padding` bytes of spaces
    (a few kB packed): what a zip bomb looks like to the size check."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_file([pupil_row()]))) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as padded,
    ):
        for item in original.infolist():
            padded.writestr(item, original.read(item))
        padded.writestr("xl/padding.xml", b" " * padding)
    return out.getvalue()


def test_it_refuses_a_workbook_that_unpacks_beyond_a_pupil_lists_size(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = _workbook_with_a_padded_part(2 * 1024 * 1024)
    assert len(bomb) < 20_000
    with pytest.raises(WorkbookTooLargeError):
        read_text(bomb)
    assert read_text(_workbook_with_a_padded_part(1024)).startswith("leerlingnummer")


# --- Header names ---------------------------------------------------------------------

PARNASSYS_HEADER = [
    "Leerlingnummer",
    "Roepnaam",
    "Voorvoegsel",
    "Achternaam",
    "Geb. datum",
    "Stamgroep",
    "Naam ouder/verzorger 1",
    "E-mail ouder/verzorger 1",
    "Gezag ouder/verzorger 1",
    "Ouder 2 naam",
    "Ouder 2 e-mailadres",
    "Ouder 2 ouderlijk gezag",
]


@pytest.mark.parametrize(("delimiter", "encoding"), SAVED_AS)
def test_it_reads_parnassys_header_names(school_a, delimiter, encoding):
    row = pupil_row(prefix="van", parent2=("Piet Mulder", "piet@example.org", "nee"))
    report = run(school_a, read_text(csv_text([row], PARNASSYS_HEADER, delimiter).encode(encoding)))
    assert (report.errors, report.warnings, report.ignored_columns) == ([], [], [])
    pupil = Pupil.objects.get()
    assert (pupil.first_name, pupil.name_prefix, pupil.group.name) == ("Daan", "van", "groep 5")
    links = pupil.guardianships.order_by("user__email")
    assert [(link.user.email, link.has_parental_authority) for link in links] == [
        ("eva.mulder@example.org", True),
        ("piet@example.org", False),
    ]


def test_it_reads_parnassys_header_names_in_a_workbook(school_a):
    data = xlsx_file([pupil_row(number=3001, born=43224)], header=PARNASSYS_HEADER)
    report = run(school_a, read_text(data))
    assert (report.errors, report.ignored_columns) == ([], [])
    pupil = Pupil.objects.get()
    assert pupil.birth_date == datetime.date(2018, 5, 4)
    assert pupil.guardianships.get().user.email == "eva.mulder@example.org"


def test_it_warns_about_a_parent_column_it_does_not_know(school_a):
    header = [*PARNASSYS_HEADER[:6], "Mailadres gezin", "Telefoon ouder 1", "Opmerking"]
    rows = [pupil_row()[:6] + ["gezin@example.org", "0612345678", "x"]]
    report = run(school_a, csv_text(rows, header))
    assert report.errors == []
    assert report.ignored_columns == ["Mailadres gezin", "Telefoon ouder 1", "Opmerking"]
    assert report.warnings == [
        f"rij 1: column “{name}” is not one the import knows, so its values are not imported. "
        "If it holds a parent's details, name it ouder1_naam, ouder1_email or ouder1_gezag "
        "(ouder2_… for the second parent)."
        for name in ("Mailadres gezin", "Telefoon ouder 1")
    ]


def test_it_refuses_two_columns_that_stand_for_the_same_one(school_a):
    header = [*PARNASSYS_HEADER[:6], "Voornaam"]
    report = run(school_a, csv_text([pupil_row()[:6] + ["Daniel"]], header))
    assert report.errors == [
        "rij 1: columns “Roepnaam” and “Voornaam” both stand for voornaam; keep one of them"
    ]


def test_it_finds_the_separator_of_a_header_with_a_quoted_comma(school_a):
    """Six commas inside one quoted header cell outnumber its five `;`: counted as
    characters, the file was read as comma-separated and every required column missing."""
    remark = "Opmerking, kort, lang, of niet, of wel, of toch"
    text = (
        f'leerlingnummer;voornaam;achternaam;geboortedatum;groep;"{remark}"\r\n'
        "3001;Daan;Mulder;04-05-2018;5;x\r\n"
    )
    report = run(school_a, text)
    assert (report.errors, report.ignored_columns) == ([], [remark])


# --- A staff member's address in a parent column ------------------------------------------


def staff_warning(row, column="ouder1_email"):
    return (
        f"rij {row}: {column} is the address of a staff member's account. It is linked as a "
        "parent of this pupil as well, so that account can give or refuse consent for the "
        "pupil. If that is a mistake, correct the address in the file before you import it."
    )


def test_it_says_in_a_dry_run_that_a_parent_address_is_a_staff_members(school_a, teacher_a):
    rows = [
        pupil_row(),
        pupil_row(number="3002", parent2=("Juf", "JUF.A@example.org", "ja")),
    ]
    report = run(school_a, saved(rows), dry_run=True)
    assert (report.errors, report.warnings) == ([], [staff_warning(3, "ouder2_email")])
    assert report.guardianships_created == 3  # Eva twice, the teacher once
    assert not teacher_a.guardianships.exists()


def test_it_links_a_staff_member_as_a_parent_and_says_so(school_a, board):
    report = run(school_a, saved([pupil_row(parent1=("B", "bestuur@example.org", "ja"))]))
    assert report.warnings == [staff_warning(2)]
    assert board.guardianships.get().pupil.leerlingnummer == "3001"
    again = run(school_a, saved([pupil_row(parent1=("B", "bestuur@example.org", "ja"))]))
    assert again.warnings == []


def test_it_says_so_for_a_staff_members_confirmed_other_address(school_a, director_b):
    EmailAddress.objects.create(
        user=director_b, email="thuis@example.org", verified=True, primary=False
    )
    report = run(school_a, saved([pupil_row(parent1=("D", "thuis@example.org", "nee"))]))
    assert report.warnings == [staff_warning(2)]
    assert director_b.guardianships.get().has_parental_authority is False


def test_it_says_nothing_of_parents_who_are_not_staff(school_a, parent_a, outsider):
    rows = [pupil_row(parent1=("P", parent_a.email, "ja"), parent2=("O", outsider.email, "ja"))]
    assert run(school_a, saved(rows)).warnings == []


def test_it_gives_the_new_messages_in_dutch(school_a, teacher_a, pupil_00123):
    rows = [pupil_row(number="123", parent1=("Juf", teacher_a.email, "ja"))]
    with translation.override("nl"):
        report = run(school_a, saved(rows), dry_run=True)
    assert report.warnings == [
        "1 leerlingnummer in het bestand mist de voorloopnullen die het portaal heeft (123 voor "
        "00123): een spreadsheet laat ze weg als het nummer als getal wordt gelezen. Het is "
        "gekoppeld aan de ene leerling bij wie het past; het portaal houdt het eigen nummer.",
        "rij 2: ouder1_email is het adres van het account van een medewerker. Dat account wordt "
        "ook als ouder van deze leerling gekoppeld en kan dus toestemming geven of weigeren voor "
        "deze leerling. Is dat een vergissing, verbeter het adres dan in het bestand voordat u "
        "het importeert.",
    ]


# --- Workbooks no spreadsheet saves (bounded before openpyxl reads them) ---------------


def test_it_refuses_a_row_wider_than_excel_allows_before_reading_it():
    """One row of a million empty cells, 20 kB packed: openpyxl built the whole row before
    trimming it to the columns asked for (a row of 5 million: 2.3 GB, 39 s)."""
    wide = "<c/>" * 1_000_000
    bomb = workbook_with_parts(sheet=sheet_xml(header_row() + f'<row r="2">{wide}</row>'))
    assert len(bomb) < 50_000
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookTooLargeError):
            read_text(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize("name", ["sheet1.bin", "sheet1.XML", "sheet1"])
def test_it_refuses_a_wide_row_in_a_part_not_named_xml(name):
    """openpyxl reads the sheet the workbook's relations name, whatever its part is called:
    a part named sheet1.bin was not counted, and a row of a million cells was built (300 MB,
    14 s; 5 million cells in 100 kB packed would take a worker's memory)."""
    wide = "<c/>" * 1_000_000
    bomb = workbook_with_sheet_at(name, sheet_xml(header_row() + f'<row r="2">{wide}</row>'))
    assert read_text(workbook_with_sheet_at(name, sheet_xml(header_row()))).startswith(
        "leerlingnummer"
    )
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookTooLargeError):
            read_text(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_it_reads_a_row_as_wide_as_excel_allows():
    full = "<c/>" * spreadsheet.EXCEL_COLUMNS
    workbook = workbook_with_parts(sheet=sheet_xml(header_row() + f'<row r="2">{full}</row>'))
    assert read_text(workbook).startswith("leerlingnummer")
    wider = workbook_with_parts(sheet=sheet_xml(header_row() + f'<row r="2">{full}<c/></row>'))
    with pytest.raises(WorkbookTooLargeError):
        read_text(wider)


def test_it_refuses_more_cells_and_texts_than_a_pupil_list_holds(monkeypatch):
    """Texts count as cells: openpyxl reads every shared text of the workbook, used or not
    (5 million one-letter texts, 250 kB packed, took 45 s)."""
    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 100)
    texts = "<si><t>a</t></si>" * 89  # with the sheet's 12 cells: 101
    strings = f'<sst xmlns="{SHEET_NS}">{texts}</sst>'.encode()
    with pytest.raises(WorkbookTooLargeError):
        read_text(workbook_with_parts(sheet=sheet_xml(header_row()), strings=strings))
    strings = strings.replace(b"<si><t>a</t></si>", b"", 1)
    assert read_text(workbook_with_parts(sheet=sheet_xml(header_row()), strings=strings))


def test_it_refuses_a_text_longer_than_a_cell_holds():
    def cell(length: int) -> bytes:
        text = "x" * length
        row = f'<row r="2"><c t="inlineStr"><is><t>{text}</t></is></c></row>'
        return workbook_with_parts(sheet=sheet_xml(header_row() + row))

    assert len(read_text(cell(spreadsheet.EXCEL_CELL_CHARACTERS))) > 32_767
    with pytest.raises(NotTextError):
        read_text(cell(spreadsheet.EXCEL_CELL_CHARACTERS + 1))


def test_it_refuses_a_part_with_a_document_type():
    doctype = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ELEMENT worksheet ANY>]>'
    with pytest.raises(NotTextError):
        read_text(workbook_with_parts(sheet=sheet_xml(header_row(), before=doctype)))
