"""Every text a stranger or a school can type reaches the exports as text, never as a
formula: a school, group, pupil, parent, staff or purpose name starting with = + - @, a
tab, a carriage return or a look-alike (fullwidth ＝, minus sign) is neutralised in every
CSV and .xlsx the portal offers, read the way Dutch Excel reads them."""

import csv
import datetime
import io
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from consent.models import Purpose
from consent.tests.helpers import decide
from monitoring.tests.helpers import make_flag, make_post, make_source
from schools.models import Group

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\u2212")
HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    "+31 6 1234",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    "\u22121+1",
    "\ufe6b1",
]


def _is_formula(cell) -> bool:
    text = cell if isinstance(cell, str) else ""
    return unicodedata.normalize("NFKC", text[:4]).startswith(FORMULA_STARTS)


def _csv_cells(response) -> list:
    """As Dutch Excel splits the file (test_tabular's reader, without its check that
    every character has a place in cp1252: the minus sign U+2212 has none)."""
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    return [
        cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row
    ]


def _xlsx_cells(response) -> list:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def hostile_names(school_a, group_a1, pupil_a, parent_a, teacher_a, director_a):
    """Every name an export shows, each starting its own way."""
    names = iter(HOSTILE)
    school_a.name = next(names)
    school_a.save()
    Group.objects.filter(pk=group_a1.pk).update(name=next(names))
    pupil_a.leerlingnummer, pupil_a.first_name = next(names), next(names)
    pupil_a.last_name = next(names)
    pupil_a.save()
    for user in (parent_a, teacher_a, director_a):
        user.full_name = next(names)
        user.save()
    Purpose.objects.update(name=next(names))
    assert next(names, None) is None  # every hostile name is used
    decide(pupil_a, parent_a, "website", "photo", True)
    return school_a


def test_every_export_neutralises_every_formula(login, hostile_names, director_a):
    client = login(director_a)
    when = datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)
    make_flag(make_post(make_source()), hostile_names, "insult", created_at=when)
    report = reverse("monitoring:report_csv") + "?school=vlindertuin&month=2026-11"
    confirmations = reverse("policy:confirmation_csv", args=["vlindertuin"])
    exports = {
        "coverage csv": _csv_cells(
            client.get(reverse("consent:coverage_export", args=["vlindertuin"]))
        ),
        "coverage xlsx": _xlsx_cells(
            client.get(reverse("consent:coverage_export_xlsx", args=["vlindertuin"]))
        ),
        "confirmations": _csv_cells(client.get(confirmations + "?ouders=1")),
        "confirmations xlsx": _xlsx_cells(
            client.get(reverse("policy:confirmation_xlsx", args=["vlindertuin"]) + "?ouders=1")
        ),
        "report": _csv_cells(client.get(report)),
        "key figures": _csv_cells(client.get(report + "&tabel=kengetallen")),
    }
    for name, cells in exports.items():
        assert cells, name
        assert not [cell for cell in cells if _is_formula(cell)], name
    shown = {str(cell).lstrip("'") for cells in exports.values() for cell in cells}
    assert set(HOSTILE) <= shown  # every name was there, as text
