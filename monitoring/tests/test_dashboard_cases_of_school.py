"""The dashboard's open cases of one school (?zaken=<code>, the board home's link from a
school's row): that school's only, in the same queries as every school's, never another
school's out of reach."""

import pytest
from django.db import connection
from django.urls import reverse

from monitoring import selectors
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case
from opo_portal import sql

URL = reverse("monitoring:dashboard")


@pytest.fixture
def cases(school_a, school_b):
    return {
        "a": [make_case(school_a, priority=FollowUp.Priority.URGENT), make_case(school_a)],
        "b": [make_case(school_b)],
    }


def shown(response) -> list[int]:
    return [case.pk for case in response.context["cases"]]


def test_it_lists_the_open_cases_of_the_school_only(login, board, cases):
    client = login(board)
    response = client.get(URL, {"zaken": "vlindertuin"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert shown(response) == [case.pk for case in cases["a"]]
    html = response.content.decode()
    assert "Alleen de open zaken van OBS De Vlindertuin worden getoond." in html
    assert f'<a href="{URL}">Toon de open zaken van alle scholen</a>' in html
    assert len(shown(client.get(URL))) == 3  # without it: every school's
    assert "Alleen de open zaken" not in client.get(URL).content.decode()


def test_a_school_out_of_reach_or_unknown_finds_no_case(login, director_a, cases):
    client = login(director_a)
    assert shown(client.get(URL, {"zaken": "zwanenhof"})) == []
    assert shown(client.get(URL, {"zaken": "vlindertuin"})) == [c.pk for c in cases["a"]]
    response = client.get(URL, {"zaken": "bestaat-niet\x00<b>"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and shown(response) == []
    assert "Alleen de open zaken van bestaat-niet&lt;b&gt; worden getoond." in (
        response.content.decode()
    )


@pytest.mark.parametrize("who", ["board", "director_a"])
def test_it_costs_no_query_more_than_every_school(
    request, login, cases, who, django_assert_num_queries
):
    client = login(request.getfixturevalue(who))
    client.get(URL)
    # as test_views.py: user, memberships, protocol banner, open cases, flags, the
    # schools for the "Vermeldingen" links; the school's code is a condition of the
    # open cases' read (its school is joined already)
    with django_assert_num_queries(6):
        assert client.get(URL, {"zaken": "vlindertuin"}).status_code == 200


@pytest.mark.parametrize("who", ["board", "director_a", "director_b"])
def test_the_sql_reads_what_the_orm_reads(request, cases, who):
    user = request.getfixturevalue(who)
    for code in ("vlindertuin", "zwanenhof", ""):
        orm = list(selectors._case_rows_orm(user, 50, code))
        if connection.vendor == "postgresql":
            assert sql.fetch(*selectors.case_rows_query(user, limit=50, school_code=code)) == orm
        expected = [
            case.pk
            for case in selectors.open_cases(user, limit=50)
            if not code or case.school.code == code
        ]
        assert [row[0] for row in orm] == expected
