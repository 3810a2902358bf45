"""The coverage exports say which school year their groups are of, in a column of their
own at the end (the existing columns keep their places), so a file opened next year still
says so, and a program reading it finds it on every row."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from conftest import SCHOOL_YEAR, make_pupil
from consent.reports import coverage_csv, coverage_table
from consent.tests.helpers import decide
from schools.models import Pupil
from schools.tabular import csv_text
from schools.tests.test_tabular import read_like_dutch_excel

HEADER = [
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


def _last_year() -> str:
    start = int(SCHOOL_YEAR[:4]) - 1
    return f"{start}-{start + 1}"


def test_the_csv_gives_the_school_year_of_each_rows_group(
    login, director_a, parent_a, pupil_a, pupil_a2
):
    decide(pupil_a, parent_a, "website", "photo", True)
    response = login(director_a).get(reverse("consent:coverage_export", args=["vlindertuin"]))
    header, *rows = read_like_dutch_excel(response)
    assert header == HEADER
    assert {row[8] for row in rows} == {SCHOOL_YEAR}
    assert len(rows) == 2 * 6 * 3


def test_the_csv_says_its_groups_are_last_years_before_the_new_pupil_list(
    login, director_a, pupil_a, pupil_a2
):
    # before this year's first pupil list the pupils are still in last year's groups
    pupil_a.group.school_year = _last_year()
    pupil_a.group.save()
    response = login(director_a).get(reverse("consent:coverage_export", args=["vlindertuin"]))
    _header, *rows = read_like_dutch_excel(response)
    years = {(row[1], row[8]) for row in rows}
    assert years == {("groep 5", _last_year()), ("groep 7", SCHOOL_YEAR)}


def test_a_pupil_in_no_group_has_no_school_year(school_a, group_a1, group_b1, pupil_a, parent_a):
    """A pupil without a group, and one stored in another school's group (read as in no
    group, PupilRow.of), get an empty cell: no year of a group the file does not name."""
    loose = make_pupil(school_a, group_a1, "1003", "Lot", "Dijk")
    Pupil.objects.filter(pk=loose.pk).update(group=None)
    elsewhere = make_pupil(school_a, group_a1, "1004", "Mees", "Dijk")
    Pupil.objects.filter(pk=elsewhere.pk).update(group=group_b1)
    decide(pupil_a, parent_a, "website", "video", False)
    headers, rows = coverage_table(school_a)
    assert headers == HEADER
    assert {(row[2], row[1], row[8]) for row in rows} == {
        ("1001", "groep 5", SCHOOL_YEAR),
        ("1003", "", ""),
        ("1004", "", ""),
    }
    assert coverage_csv(school_a) == csv_text(headers, rows)  # both writers agree


def test_the_xlsx_gives_the_school_year_on_every_row(login, director_a, pupil_a):
    url = reverse("consent:coverage_export_xlsx", args=["vlindertuin"])
    sheet = load_workbook(io.BytesIO(login(director_a).get(url).content)).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header == HEADER
    assert {row[8] for row in rows} == {SCHOOL_YEAR}


def test_the_xlsx_of_a_school_year_written_with_a_slash_downloads(login, director_a, pupil_a):
    """The admin takes any school year up to 9 characters: one written the Dutch way,
    "2026/2027", named the worksheet "Toestemming 2026/2027", which openpyxl refuses (no
    / \\ ? * : [ ] in a sheet's name): the download was a 500."""
    year = SCHOOL_YEAR.replace("-", "/")
    pupil_a.group.school_year = year
    pupil_a.group.save()
    url = reverse("consent:coverage_export_xlsx", args=["vlindertuin"])
    response = login(director_a).get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.active.title == f"Toestemming {SCHOOL_YEAR}"
    header, *rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert {row[8] for row in rows} == {year}
