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


def notice(response) -> str:
    html = response.content.decode()
    start = html.index('<p class="notice" role="status">')
    return html[start : html.index("</p>", start)]


def test_a_school_out_of_reach_or_unknown_finds_no_case(login, director_a, cases):
    client = login(director_a)
    assert shown(client.get(URL, {"zaken": "zwanenhof"})) == []
    assert shown(client.get(URL, {"zaken": "vlindertuin"})) == [c.pk for c in cases["a"]]
    response = client.get(URL, {"zaken": "bestaat-niet\x00<b>"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and shown(response) == []
    assert "Geen van uw scholen heeft de code “bestaat-niet&lt;b&gt;”." in notice(response)


def test_a_school_out_of_reach_reads_as_one_that_does_not_exist(login, director_a, cases):
    """Its name is not shown, nor anything that tells it exists."""
    client = login(director_a)
    out_of_reach = notice(client.get(URL, {"zaken": "zwanenhof"}, HTTP_ACCEPT_LANGUAGE="nl"))
    unknown = notice(client.get(URL, {"zaken": "nergenshof"}, HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Zwanenhof" not in out_of_reach
    assert out_of_reach.replace("zwanenhof", "nergenshof") == unknown
    assert "Geen van uw scholen heeft de code “zwanenhof”." in out_of_reach


@pytest.mark.parametrize("who", ["board", "director_a"])
def test_a_school_without_open_cases_is_named(request, login, school_a, who):
    """Not by the code typed or linked: by its name, as when it has open cases."""
    make_case(school_a, status=FollowUp.Status.CLOSED)
    client = login(request.getfixturevalue(who))
    response = client.get(URL, {"zaken": "vlindertuin"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert shown(response) == []
    assert "Alleen de open zaken van OBS De Vlindertuin worden getoond." in notice(response)
    assert "Geen open zaken." in response.content.decode()


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


@pytest.mark.parametrize("who", ["board", "director_a"])
def test_a_school_without_open_cases_costs_one_query_for_its_name(
    request, login, school_a, who, django_assert_num_queries
):
    client = login(request.getfixturevalue(who))
    client.get(URL)
    # the 6 above, and the school's name among the user's schools: with no open case
    # listed, no row carries it (with cases listed, their rows do: no query)
    with django_assert_num_queries(7):
        assert client.get(URL, {"zaken": "vlindertuin"}).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(URL, {"zaken": "bestaat-niet"}).status_code == 200


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
