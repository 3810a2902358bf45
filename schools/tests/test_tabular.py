"""Every export opens in Dutch Excel: `;`, UTF-8 with BOM, Dutch headers, formula-safe."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import SCHOOL_YEAR
from consent.tests.helpers import decide
from monitoring.tests.helpers import make_flag, make_post, make_source
from schools.csv_safety import safe_cell
from schools.tabular import (
    csv_bytes_of_lines,
    csv_cell,
    csv_piece,
    csv_response,
    csv_text,
    csv_text_of_lines,
    xlsx_bytes,
)

BOM = b"\xef\xbb\xbf"
PROPERTY_NAMES = ("creator", "lastModifiedBy", "title", "subject", "description", "keywords")


def read_like_dutch_excel(response) -> list[list[str]]:
    """What Excel with Dutch regional settings does: sees the BOM, so reads UTF-8, and
    splits on `;`. Every character must also display in cp1252 (Windows' own code page)."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    text = response.content[len(BOM) :].decode("utf-8")
    text.encode("cp1252")  # "Zoë" displays; a mojibake "ZoÃ«" would only appear without BOM
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len({len(row) for row in rows}) == 1, "one table per file"
    return rows


def test_it_writes_semicolons_a_bom_and_neutralised_formulas():
    text = csv_text(["Naam", "Getal"], [["Zoë", 3], ["=1+1", None], ["a;b", 4]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["Naam", "Getal"], ["Zoë", "3"], ["'=1+1", ""], ["a;b", "4"]]


@pytest.mark.parametrize("last", ["2026-2027", "", "=1+1", "a;b", 'zei "ja"', "regel\nerbij"])
def test_it_writes_a_last_cell_as_the_writer_does(last):
    lines = [csv_piece(["Zoë", 3]) + ";" + csv_cell(last)]
    assert csv_text_of_lines(["Naam", "Getal", "A"], lines) == csv_text(
        ["Naam", "Getal", "A"], [["Zoë", 3, last]]
    )


def test_it_writes_the_same_text_from_pieces():
    rows = [
        ["Zoë", 3, None, "a;b", 'zei "ja"'],
        ["=1+1", "", "", "regel\nerbij", "-2"],
        ["", "", "", "", ""],
    ]
    lines = [csv_piece(row[:2]) + ";" + csv_piece(row[2:]) for row in rows]
    assert csv_text_of_lines(["Naam", "Getal", "A", "B", "C"], lines) == csv_text(
        ["Naam", "Getal", "A", "B", "C"], rows
    )


CELLS = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.text(alphabet=st.sampled_from('ab Zoë;"\r\n=+-@\t\u2212\uff1d\u202e\u20691 '), max_size=6),
)


@given(st.lists(CELLS, min_size=2, max_size=6))
def test_a_piece_is_what_the_csv_writer_writes(cells):
    """csv_piece writes plain cells itself (no character the writer quotes for): the
    text must be the writer's, for any cells."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(
        [safe_cell("" if cell is None else cell) for cell in cells]
    )
    assert csv_piece(cells) == out.getvalue()[:-2]


@given(st.lists(st.lists(CELLS, min_size=2, max_size=4), max_size=4))
def test_the_bytes_are_the_text_encoded(rows):
    """csv_bytes_of_lines puts the BOM in front as bytes: the same bytes as the text."""
    lines = [csv_piece(row) for row in rows] + [csv_piece(["Łukasz", "Zoë"])]
    text = csv_text_of_lines(["Naam", "Ł"], lines)
    assert csv_bytes_of_lines(["Naam", "Ł"], lines) == text.encode("utf-8")
    assert text.startswith("\ufeff") and text.encode("utf-8").startswith(BOM)


def test_a_download_is_the_text_encoded():
    """csv_response writes the BOM as bytes: the same bytes as csv_text, encoded."""
    rows = [["Zoë", 3], ["Łukasz", None], ["=1+1", "a;b"]]
    response = csv_response("export.csv", ["Naam", "Getal"], rows)
    assert response.content == csv_text(["Naam", "Getal"], rows).encode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_it_refuses_a_piece_of_one_cell():
    with pytest.raises(ValueError):
        csv_piece([""])


def test_it_writes_an_xlsx_with_the_same_safe_cells():
    data = xlsx_bytes(["Naam", "Getal"], [["Zoë", 3], ["@SUM(A1)", 4]], title="Toestemming")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Toestemming"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Naam", "Getal"],
        ["Zoë", 3],
        ["'@SUM(A1)", 4],
    ]


def test_it_writes_an_xlsx_of_names_with_control_characters():
    # The admin accepts a name pasted with a vertical tab (Word's line break); openpyxl
    # refuses such characters, which made the export a 500.
    data = xlsx_bytes(["Naam"], [["Sem\x0bvan"], ["groep\x015"]], title="Toestemming")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Naam"],
        ["Semvan"],
        ["groep5"],
    ]


def test_it_exports_coverage_for_dutch_excel(login, director_a, parent_a, pupil_a):
    pupil_a.first_name = "Zoë"
    pupil_a.save()
    decide(pupil_a, parent_a, "website", "photo", True)
    response = login(director_a).get(reverse("consent:coverage_export", args=["vlindertuin"]))
    header, *rows = read_like_dutch_excel(response)
    assert header == [
        "School",
        "Groep",
        "Leerlingnummer",
        "Voornaam",
        "Achternaam",
        "Kanaal",
        "Soort beeld of geluid",
        "Status",
        "Schooljaar",
    ]
    assert rows[0][:5] == ["OBS De Vlindertuin", "groep 5", "1001", "Zoë", "Bakker"]
    assert {r[6] for r in rows} == {"foto", "film", "geluid"}
    assert {r[7] for r in rows} == {"toegestaan", "niet beantwoord"}


DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_it_writes_no_direction_control_in_any_cell():
    """U+202E RIGHT-TO-LEFT OVERRIDE in a name flips it (and the cells after it) in a
    spreadsheet; every writer drops it, the fast paths for plain pieces too."""
    rlo = "\u202e"
    text = csv_text([f"Naam{rlo}"], [[f"Daan{rlo}", f"{rlo}=1+1"]])
    assert text == "\ufeffNaam\r\nDaan;'=1+1\r\n"
    assert csv_piece([f"Daan{rlo}", "Mulder"]) + ";" + csv_cell(f"{rlo}x") == "Daan;Mulder;x"
    data = xlsx_bytes(["Naam"], [[f"Daan{rlo}"]], title=f"Toe{rlo}", document_title=f"T{rlo}")
    workbook = load_workbook(io.BytesIO(data))
    assert (workbook.active.title, workbook.properties.title) == ("Toe", "T")
    assert [[c.value for c in row] for row in workbook.active.iter_rows()] == [["Naam"], ["Daan"]]


def test_it_exports_coverage_without_direction_controls(login, director_a, pupil_a):
    # a name stored before the import and the forms dropped them
    type(pupil_a).objects.filter(pk=pupil_a.pk).update(first_name="Zo\u202eë", last_name="\u2067B")
    url = reverse("consent:coverage_export", args=["vlindertuin"])
    text = login(director_a).get(url).content.decode()
    assert DIRECTION_CONTROLS.isdisjoint(text)
    assert ";1001;Zoë;B;" in text
    response = login(director_a).get(reverse("consent:coverage_export_xlsx", args=["vlindertuin"]))
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active]
    assert rows[1][3:5] == ["Zoë", "B"]


def test_it_exports_coverage_as_xlsx(login, director_a, pupil_a):
    url = reverse("consent:coverage_export_xlsx", args=["vlindertuin"])
    response = login(director_a).get(url)
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "School" and rows[0][7] == "Status"
    assert len(rows) == 1 + 6 * 3


def test_it_names_no_library_as_the_author_of_an_xlsx():
    # openpyxl writes itself as the creator: Excel's "Auteur" then read "openpyxl".
    data = xlsx_bytes(["Naam"], [["Sem"]], title="Toestemming", document_title="Een lijst")
    properties = load_workbook(io.BytesIO(data)).properties
    assert properties.creator == "OPO Portal"
    assert properties.lastModifiedBy is None
    assert properties.title == "Een lijst"


def test_the_coverage_xlsx_names_no_tool_in_its_files(login, director_a, pupil_a):
    """openpyxl wrote "Microsoft Excel Compatible / Openpyxl 3.1.5" and its version into
    docProps/app.xml: the portal is the application, and no tool or version is named in
    any part of the file (read as the zip it is, not through openpyxl)."""
    url = reverse("consent:coverage_export_xlsx", args=["vlindertuin"])
    data = login(director_a).get(url).content
    archive = zipfile.ZipFile(io.BytesIO(data))
    app = ElementTree.fromstring(archive.read("docProps/app.xml"))
    namespace = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert [(child.tag, child.text) for child in app] == [(f"{namespace}Application", "OPO Portal")]
    for name in archive.namelist():
        content = archive.read(name).lower()
        assert b"openpyxl" not in content and openpyxl.__version__.encode() not in content, name
    assert archive.testzip() is None
    sheet = load_workbook(io.BytesIO(data)).active  # still opens, with its cells
    assert sheet.cell(row=2, column=4).value == "Sem"


def test_it_says_school_date_and_school_year_in_the_coverage_xlsx(login, director_a, pupil_a):
    url = reverse("consent:coverage_export_xlsx", args=["vlindertuin"])
    workbook = load_workbook(io.BytesIO(login(director_a).get(url).content))
    properties = workbook.properties
    today = timezone.localdate()
    assert properties.title == (
        f"Stand van de toestemming, OBS De Vlindertuin, {date_format(today, 'j F Y')}; "
        f"groepen van schooljaar {SCHOOL_YEAR}"
    )
    assert workbook.active.title == f"Toestemming {SCHOOL_YEAR}"
    written = " ".join(str(getattr(properties, name) or "") for name in PROPERTY_NAMES)
    assert "openpyxl" not in written and director_a.email not in written


def test_it_says_the_coverage_xlsx_holds_last_years_groups(login, director_a, pupil_a):
    # before this year's first pupil list the pupils are still in last year's groups
    start = int(SCHOOL_YEAR[:4]) - 1
    pupil_a.group.school_year = f"{start}-{start + 1}"
    pupil_a.group.save()
    url = reverse("consent:coverage_export_xlsx", args=["vlindertuin"])
    workbook = load_workbook(io.BytesIO(login(director_a).get(url).content))
    assert workbook.properties.title.endswith(f"groepen van schooljaar {start}-{start + 1}")
    assert workbook.active.title == f"Toestemming {start}-{start + 1}"


def test_it_refuses_the_xlsx_to_another_schools_director(login, director_b, school_a):
    url = reverse("consent:coverage_export_xlsx", args=[school_a.code])
    assert login(director_b).get(url).status_code == 404


def test_it_exports_the_protocol_confirmations_for_dutch_excel(login, director_a, teacher_a):
    response = login(director_a).get(reverse("policy:confirmation_csv", args=["vlindertuin"]))
    header, *rows = read_like_dutch_excel(response)
    assert header[:3] == ["Lijst", "Naam", "E-mailadres"]
    assert {r[4] for r in rows} == {"nee"}


def test_it_exports_the_monitoring_report_for_dutch_excel(login, director_a, school_a):
    when = datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)
    make_flag(make_post(make_source()), school_a, "insult", created_at=when)
    url = reverse("monitoring:report_csv") + "?school=vlindertuin&month=2026-11"
    header, *rows = read_like_dutch_excel(login(director_a).get(url))
    assert header == ["School", "Maand", "Categorie", "Aantal signalen"]
    assert ["OBS De Vlindertuin", "11-2026", "belediging of bedreiging", "1"] in rows


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Toestemming 2026/2027", "Toestemming 2026-2027"),
        ("a\\b?c*d:e[f]g", "a-b-c-d-e-f-g"),
        ("'Groep 1/2a'", "Groep 1-2a"),
        ("x" * 40, "x" * 31),
    ],
)
def test_it_names_a_sheet_as_excel_allows(title, expected):
    """openpyxl refuses / \\ ? * : [ ] in a sheet's name, and Excel an apostrophe at
    either end: a title built from a school year or a group name was a 500."""
    data = xlsx_bytes(["a"], [["b"]], title=title)
    assert openpyxl.load_workbook(io.BytesIO(data)).active.title == expected
