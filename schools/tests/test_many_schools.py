"""Choosing one school out of thousands (schools.search) and the pupil import's school
field: a <select> of every school for board staff up to SELECT_LIMIT schools, beyond it a
field for the school's code with a search by name or code."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import Pupil, School
from schools.search import (
    SEARCH_LIMIT,
    SELECT_LIMIT,
    paged_schools,
    school_field_choice,
    school_search,
    search_text,
)
from schools.tests.importfiles import csv_text, pupil_row

URL = reverse("schools:import_pupils")


def many_schools(count: int, start: int = 0) -> list[School]:
    return School.objects.bulk_create(
        School(code=f"s{i:04d}", name=f"OBS School {i:04d}") for i in range(start, start + count)
    )


def _field():
    return forms.ModelChoiceField(queryset=School.objects.none())


def test_it_offers_few_schools_as_a_select_read_in_one_query(school_a, school_b):
    field = _field()
    with CaptureQueriesContext(connection) as queries:
        asks_code = school_field_choice(field, School.objects.all())
        html = field.widget.render("school", None)
    assert not asks_code and len(queries) == 1
    assert "<select" in html and "OBS De Vlindertuin" in html and "OBS Het Zwanenhof" in html
    assert field.clean(str(school_a.pk)) == school_a


def test_it_asks_for_a_code_beyond_a_select_of_schools(db):
    many_schools(SELECT_LIMIT + 1)
    field = _field()
    assert school_field_choice(field, School.objects.all())
    assert 'type="text"' in field.widget.render("school", None)
    assert field.clean("s0042").code == "s0042"
    with pytest.raises(forms.ValidationError):
        field.clean("bestaat-niet")


def test_it_finds_schools_by_name_or_code_up_to_a_limit(db):
    many_schools(SEARCH_LIMIT + 5)
    found = school_search(
        School.objects.all(), QueryDict("zoek=s0003&month=2026-11"), keep=("month",)
    )
    assert [s.code for s in found.schools] == ["s0003"] and not found.more
    assert found.schools[0].query == "month=2026-11&school=s0003"
    many = school_search(School.objects.all(), QueryDict("zoek=School"))
    assert len(many.schools) == SEARCH_LIMIT and many.more
    assert school_search(School.objects.all(), QueryDict("")).schools == []


def test_it_pages_schools_and_searches_within_them(db):
    many_schools(60)
    page = paged_schools(School.objects.all(), "", 2)
    assert page.paginator.num_pages == 3 and page.object_list[0].code == "s0025"
    found = paged_schools(School.objects.filter(code__lt="s0010"), "s005", 1)
    assert list(found.object_list) == []  # the search stays within the given schools


def test_it_trims_the_search_text():
    assert search_text(QueryDict("zoek=%20vlinder%00tuin%20")) == "vlindertuin"
    assert len(search_text(QueryDict("zoek=" + "a" * 500))) == 100


# --- The pupil import ----------------------------------------------------------------------


def _get(client, data=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, data or {})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_it_asks_board_staff_of_many_schools_for_the_school_code(login, board, school_a):
    many_schools(SELECT_LIMIT + 1)
    client = login(board)
    html = client.get(URL).content.decode()
    assert "<select" not in html.split('name="file"')[0].split('<form method="post"')[-1]
    assert 'name="school"' in html and "s0042" not in html
    found = client.get(URL, {"zoek": "vlinder"}).content.decode()
    assert 'href="?school=vlindertuin"' in found
    chosen = client.get(URL, {"school": "vlindertuin"}).content.decode()
    assert 'name="school" value="vlindertuin"' in chosen
    file = SimpleUploadedFile("l.csv", csv_text([pupil_row()]).encode(), content_type="text/csv")
    response = client.post(URL, {"school": "vlindertuin", "file": file})
    assert response.context["report"].ok
    assert Pupil.objects.filter(school=school_a).count() == 1


def test_it_reads_the_import_page_in_the_same_queries_for_more_schools(login, board, school_a):
    client = login(board)
    many_schools(SELECT_LIMIT + 1)
    client.get(URL)
    # user, memberships, protocol banner, schools for the field (up to one more than a
    # select holds), the search
    few, _html = _get(client, {"zoek": "vlinder"})
    many_schools(500, start=1000)
    many, _html = _get(client, {"zoek": "vlinder"})
    assert few == many == 5


def test_it_keeps_the_select_for_a_director_of_a_large_foundation(login, director_a):
    many_schools(SELECT_LIMIT + 1)
    response = login(director_a).get(URL, {"zoek": "s00"})
    html = response.content.decode()
    assert "<select" in html and "OBS De Vlindertuin" in html
    assert "s0001" not in html  # no search: a director's schools fit a select
    assert login(director_a).get(URL, {"school": "s0001"}).status_code == 404
