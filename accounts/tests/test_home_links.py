"""Every link on a teacher's, a director's and a board member's home opens for them: a week
with something in every section (a failing source, cases, a takedown, parents who
disagree), each link requested as the person it is shown to. A link that answers 404 or
403 for its reader is a dead end (a director's failing source linked to the board's
sources page)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case, make_source

LINK = re.compile(r'href="(/[^"#]*)"')
# allauth's pages (the account menu) are tested elsewhere; static files are not pages
NOT_FOLLOWED = ("/static/", "/accounts/")
HOMES = {
    "teacher_a": "accounts:home_teacher",
    "director_a": "accounts:home_director",
    "board": "accounts:home_board",
}


def _links(html: str) -> list[str]:
    found = (href.replace("&amp;", "&") for href in LINK.findall(html))
    return sorted({href for href in found if not href.startswith(NOT_FOLLOWED)})


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def week(school_a, school_b, teacher_a, director_a, parent_a, pupil_a):
    """Something in every section of the three homes. school_b has no director: the board
    sees it in full, with its own failing source."""
    failing = {"active": True, "consecutive_failures": 3}
    make_source("https://feeds.example/vlindertuin.rss", school=school_a, **failing)
    make_source("https://feeds.example/zwanenhof.rss", school=school_b, **failing)
    make_source("https://feeds.example/stichting.rss", **failing)
    planned = timezone.localdate() + datetime.timedelta(days=3)
    make_case(
        school_a,
        status=FollowUp.Status.CONVERSATION_PLANNED,
        planned_for=planned,
        assigned_to=teacher_a,
    )
    make_case(school_a, priority=FollowUp.Priority.URGENT)
    make_case(school_b)
    decide(pupil_a, parent_a, "website", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "website", "photo", False)  # a takedown for teacher_a


@pytest.mark.parametrize("who", list(HOMES))
def test_every_link_on_the_home_opens_for_its_reader(request, login, week, who):
    client = login(request.getfixturevalue(who))
    home = client.get(reverse(HOMES[who]), HTTP_ACCEPT_LANGUAGE="nl")
    assert home.status_code == 200
    links = _links(home.content.decode())
    assert len(links) > 5
    dead = {}
    for link in links:
        status = client.get(link).status_code
        if status not in (200, 302):
            dead[link] = status
    assert dead == {}


def test_a_directors_failing_source_is_named_without_a_link_to_the_boards_page(
    login, week, director_a
):
    html = login(director_a).get(reverse(HOMES["director_a"])).content.decode()
    assert reverse("monitoring:sources") not in html
    text = _text(html)
    assert "source https://feeds.example/vlindertuin.rss · 3 keer achter elkaar mislukt" in text
    assert "Het bestuur beheert de monitoringbronnen" in text
    assert "u hoeft niets te doen" in text


def test_a_director_reads_when_the_board_was_emailed_about_a_failing_source(
    login, school_a, director_a
):
    make_source(
        school=school_a,
        active=True,
        consecutive_failures=5,
        failure_notified_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
    )
    text = _text(login(director_a).get(reverse(HOMES["director_a"])).content.decode())
    assert "5 keer achter elkaar mislukt · het bestuur kreeg er op 1 december 2026" in text


def test_the_board_keeps_the_link_for_a_school_without_a_director(login, week, board):
    html = login(board).get(reverse(HOMES["board"])).content.decode()
    link = reverse("monitoring:sources") + "?school=zwanenhof"
    assert f'<a href="{link}">source https://feeds.example/zwanenhof.rss</a>' in html
    assert "Het bestuur beheert de monitoringbronnen" not in html
