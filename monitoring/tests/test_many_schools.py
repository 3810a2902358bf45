"""Monitoring pages of board staff and the privacy officer at national size (6,000
schools, a source per school): the mentions page, the report, the manual report form,
the sources and the watch terms list no school, source or term of the whole foundation
at once. Directors and teachers see their pages as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import Post, Source, WatchTerm
from monitoring.tests.helpers import make_source
from monitoring.views import BOARD_LIST_PER_PAGE, SCHOOL_LINKS_LIMIT
from schools.models import School
from schools.search import SELECT_LIMIT

REPORT = reverse("monitoring:report")
REPORT_POST = reverse("monitoring:report_post")
SOURCES = reverse("monitoring:sources")
TERMS = reverse("monitoring:watch_terms")


def many_schools(count: int, start: int = 0) -> list[School]:
    """Schools "OBS School 0000"…, after the conftest's A and B by name."""
    return School.objects.bulk_create(
        School(code=f"s{i:04d}", name=f"OBS School {i:04d}") for i in range(start, start + count)
    )


def _queries(client, url, data=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _mentions(code: str) -> str:
    return reverse("monitoring:mentions", args=[code])


# --- Mentions: the other schools ---------------------------------------------------------


@pytest.mark.parametrize("member", ["board", "privacy_officer"])
def test_it_offers_a_search_instead_of_every_school_on_the_mentions_page(
    request, login, member, school_a, school_b
):
    client = login(request.getfixturevalue(member))
    html = client.get(_mentions("vlindertuin")).content.decode()
    assert _mentions("zwanenhof") in html  # a small foundation: every school linked
    many_schools(SCHOOL_LINKS_LIMIT)
    html = client.get(_mentions("vlindertuin")).content.decode()
    assert _mentions("zwanenhof") not in html and _mentions("s0001") not in html
    assert f'action="{reverse("monitoring:dashboard")}"' in html and 'name="school"' in html
    # the dashboard's search finds a school that was on no page
    found = client.get(reverse("monitoring:dashboard"), {"school": "s0019"}).content.decode()
    assert _mentions("s0019") in found


def test_it_reads_the_mentions_page_in_the_same_queries_for_more_schools(login, board, school_a):
    client = login(board)
    many_schools(SCHOOL_LINKS_LIMIT + 1)
    client.get(_mentions("vlindertuin"))
    few, _html = _queries(client, _mentions("vlindertuin"))
    many_schools(500, start=1000)
    many, _html = _queries(client, _mentions("vlindertuin"))
    assert few == many


def test_it_keeps_a_directors_school_links_on_the_mentions_page(login, school_a, school_b):
    from conftest import make_staff
    from schools.models import StaffMembership

    user = make_staff("twee.scholen@example.org", StaffMembership.Role.DIRECTOR, school_a)
    StaffMembership.objects.create(user=user, school=school_b, role=StaffMembership.Role.DIRECTOR)
    many_schools(SCHOOL_LINKS_LIMIT + 1)
    html = login(user).get(_mentions("vlindertuin")).content.decode()
    assert _mentions("zwanenhof") in html and _mentions("s0001") not in html
    assert login(user).get(_mentions("s0001")).status_code == 404


# --- The monitoring report ---------------------------------------------------------------


@pytest.mark.parametrize("member", ["board", "privacy_officer"])
def test_it_asks_for_the_schools_code_in_the_report_of_a_large_foundation(
    request, login, member, school_a
):
    client = login(request.getfixturevalue(member))
    many_schools(SELECT_LIMIT + 1)
    html = client.get(REPORT, {"month": "2026-11"}).content.decode()
    assert "<select" not in html and 'name="school"' in html and 'name="zoek"' in html
    found = client.get(REPORT, {"zoek": "0042", "month": "2026-11"}).content.decode()
    assert 'href="?month=2026-11&amp;school=s0042"' in found
    response = client.get(REPORT, {"school": "s0042", "month": "2026-11"})
    assert response.status_code == 200 and response.context["report"].school.code == "s0042"
    # a typed code of no school: every school is in reach, so a typo the form answers
    typo = client.get(REPORT, {"school": "s9999", "month": "2026-11"})
    assert typo.status_code == 400 and "school" in typo.context["form"].errors


def test_it_reads_the_report_in_the_same_queries_for_more_schools(login, board, school_a):
    client = login(board)
    many_schools(SELECT_LIMIT + 1)
    data = {"school": "vlindertuin", "month": "2026-11", "zoek": "vlinder"}
    client.get(REPORT, data)
    few, _html = _queries(client, REPORT, data)
    many_schools(500, start=1000)
    many, _html = _queries(client, REPORT, data)
    assert few == many


def test_it_keeps_a_directors_report_as_before(login, director_a, school_b):
    many_schools(SELECT_LIMIT + 1)
    client = login(director_a)
    html = client.get(REPORT, {"month": "2026-11"}).content.decode()
    assert "<select" in html and 'name="zoek"' not in html and "OBS School" not in html
    # another school's code: out of reach, a 404 as in a path (it was a 400 form error)
    assert client.get(REPORT, {"school": "zwanenhof", "month": "2026-11"}).status_code == 404
    # a code of no school: the same 404 (a director learns nothing of what exists)
    assert client.get(REPORT, {"school": "geen-school", "month": "2026-11"}).status_code == 404


# --- The manual report form --------------------------------------------------------------


def test_it_lets_board_staff_of_many_schools_report_by_school_code(login, board, school_a):
    many_schools(SELECT_LIMIT + 1)
    client = login(board)
    html = client.get(REPORT_POST).content.decode()
    assert "OBS School 0001" not in html and 'name="zoek"' in html
    assert (
        'value="vlindertuin"' in client.get(REPORT_POST, {"school": "vlindertuin"}).content.decode()
    )
    data = {"school": "s0007", "url": "https://social.example/p/1", "text": "Een bericht"}
    assert client.post(REPORT_POST, data).status_code == 302
    assert Post.objects.get().source.school.code == "s0007"
    refused = client.post(REPORT_POST, {**data, "school": "bestaat-niet"})
    assert "school" in refused.context["form"].errors


def test_it_keeps_a_teachers_report_form_as_before(login, teacher_a, school_a):
    many_schools(SELECT_LIMIT + 1)
    html = login(teacher_a).get(REPORT_POST).content.decode()
    assert "<select" in html and f'value="{school_a.pk}"' in html
    assert 'name="zoek"' not in html and "OBS School" not in html


# --- Sources and watch terms ---------------------------------------------------------------


def _sources(schools):
    return Source.objects.bulk_create(
        Source(
            kind=Source.Kind.RSS,
            name=f"feed {school.name}",
            url=f"https://feeds.example/{school.code}.rss",
            school=school,
        )
        for school in schools
    )


def test_it_pages_the_sources_and_finds_one_on_a_later_page(login, board):
    _sources(many_schools(BOARD_LIST_PER_PAGE + 10))
    client = login(board)
    html = client.get(SOURCES).content.decode()
    assert html.count("https://feeds.example/") == BOARD_LIST_PER_PAGE
    assert "s0055.rss" not in html and "?page=2" in html
    assert "s0055.rss" in client.get(SOURCES, {"page": 2}).content.decode()
    found = client.get(SOURCES, {"zoek": "School 0055"}).content.decode()
    assert found.count("https://feeds.example/") == 1 and "s0055.rss" in found


def test_it_reads_the_sources_in_the_same_queries_for_more_sources(login, board):
    client = login(board)
    _sources(many_schools(BOARD_LIST_PER_PAGE + 10))
    make_source(url="https://feeds.example/stichting.rss")
    client.get(SOURCES)
    few, _html = _queries(client, SOURCES, {"page": 2})
    _sources(many_schools(300, start=1000))
    many, _html = _queries(client, SOURCES, {"page": 2})
    assert few == many


def test_it_adds_a_source_for_a_school_given_by_code(login, board):
    many_schools(SELECT_LIMIT + 1)
    client = login(board)
    html = client.get(SOURCES, {"schoolzoek": "0033"}).content.decode()
    assert 'href="?school=s0033"' in html and 'type="text" name="school"' in html
    assert "OBS School 0034" not in html  # no option per school
    data = {
        "kind": "rss",
        "name": "Nieuws",
        "url": "https://nieuws.example/feed.rss",
        "school": "s0033",
        "interval_minutes": 60,
    }
    assert client.post(SOURCES, data).status_code == 302
    assert Source.objects.get(name="Nieuws").school.code == "s0033"


def test_it_pages_the_watch_terms_and_adds_one_by_school_code(login, board):
    schools = many_schools(BOARD_LIST_PER_PAGE + 10)
    WatchTerm.objects.bulk_create(WatchTerm(school=s, term=f"#{s.code}") for s in schools)
    client = login(board)
    html = client.get(TERMS).content.decode()
    assert "#s0049" in html and "#s0050" not in html and "?page=2" in html
    assert "#s0050" in client.get(TERMS, {"page": 2}).content.decode()
    assert "#s0057" in client.get(TERMS, {"zoek": "s0057"}).content.decode()
    response = client.post(TERMS, {"school": "s0003", "term": "De Derde"})
    assert response.status_code == 302
    assert WatchTerm.objects.filter(school__code="s0003", term="De Derde").exists()


def test_it_reads_the_watch_terms_in_the_same_queries_for_more_schools(login, board):
    client = login(board)
    schools = many_schools(BOARD_LIST_PER_PAGE + 10)
    WatchTerm.objects.bulk_create(WatchTerm(school=s, term=f"#{s.code}") for s in schools)
    client.get(TERMS)
    few, _html = _queries(client, TERMS, {"page": 2})
    schools = many_schools(300, start=1000)
    WatchTerm.objects.bulk_create(WatchTerm(school=s, term=f"#{s.code}") for s in schools)
    many, _html = _queries(client, TERMS, {"page": 2})
    assert few == many
