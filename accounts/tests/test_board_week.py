"""A board member's week from their home page: what needs the board is on it, one click
from where it is handled."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts import board as counting
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case, make_source
from schools.models import School

URL = reverse("accounts:home_board")
Status, Priority = FollowUp.Status, FollowUp.Priority


def attention_section(page: str) -> str:
    start = page.find('<section aria-labelledby="cases-attention-title">')
    return page[start : page.index("</section>", start)] if start >= 0 else ""


@pytest.fixture
def cases(school_a, school_b, director_a, board):
    """At a school with a director: what needs someone, and what does not."""
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=3), today + datetime.timedelta(days=3)
    return {
        "urgent": make_case(school_a, priority=Priority.URGENT, assigned_to=director_a),
        "nobody": make_case(school_a),
        "overdue": make_case(
            school_a, status=Status.CONVERSATION_PLANNED, planned_for=past, assigned_to=director_a
        ),
        "planned": make_case(
            school_a, status=Status.CONVERSATION_PLANNED, planned_for=future, assigned_to=director_a
        ),
        "in_hand": make_case(school_a, assigned_to=director_a),
        "closed": make_case(school_a, status=Status.CLOSED, closed_at=timezone.now()),
        "other_school": make_case(school_b, assigned_to=board),
    }


@pytest.mark.parametrize("large", [False, True], ids=["live", "stored"])
def test_it_lists_the_cases_that_need_someone_to_act(large, settings, login, board, cases, pupil_a):
    if large:
        settings.BOARD_LIVE_PUPILS = 0  # a foundation with a pupil reads the stored counts
    response = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    assert (response.context["home"].counted_at is not None) is large
    page = response.content.decode()
    section = attention_section(page)
    for name in ("urgent", "nobody", "overdue"):
        assert f'href="/monitoring/zaken/{cases[name].pk}/"' in section, name
    for name in ("planned", "in_hand", "closed", "other_school"):
        assert f"/monitoring/zaken/{cases[name].pk}/" not in section, name
    assert "Dringend" in section
    assert "niemand toegewezen" in section
    day = cases["overdue"].planned_for
    assert f"gesprek was gepland op {day.day} " in section


def test_an_overdue_conversation_says_its_day_in_place_of_its_status(login, board, cases):
    """It read "gesprek gepland · gesprek was gepland op …": the status twice."""
    section = attention_section(login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    overdue = cases["overdue"]
    line = re.search(rf"<li>(?:(?!</li>).)*/zaken/{overdue.pk}/.*?</li>", section, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", line.group(0)).split())
    day = date_format(overdue.planned_for, "j F Y")
    assert (
        text
        == f"Zaak #{overdue.pk} · OBS De Vlindertuin · gesprek was gepland op {day} · Directeur.A"
    )


def test_the_first_cases_are_shown_and_more_are_said_to_be_there(
    login, board, school_a, director_a
):
    now = timezone.now()
    nobodys = range(counting.CASES_IN_FULL + 2)
    FollowUp.objects.bulk_create(FollowUp(school=school_a, opened_at=now) for _ in nobodys)
    response = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    home = response.context["home"]
    assert len(home.cases_needing_attention) == counting.CASES_IN_FULL
    assert home.more_cases_needing_attention
    assert "Er zijn meer van zulke zaken" in response.content.decode()


def test_nothing_is_listed_when_every_open_case_is_in_hand(login, board, school_a, director_a):
    make_case(school_a, assigned_to=director_a)
    page = login(board).get(URL).content.decode()
    assert attention_section(page) == ""


def test_it_names_the_schools_without_a_contact_address_with_a_link_to_set_it(
    login, board, school_a, school_b
):
    school_a.contact_email = "info@vlindertuin.example"
    school_a.save()
    client = login(board)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Scholen zonder contactadres voor ouders" in page
    link = reverse("schools:school_contact", args=["zwanenhof"])
    assert f'<a href="{link}">OBS Het Zwanenhof</a>' in page
    assert reverse("schools:school_contact", args=["vlindertuin"]) not in page
    assert client.get(link).status_code == 200  # the board may set it there


def test_schools_without_a_contact_address_beyond_the_first_are_said_to_be_there(login, board, db):
    School.objects.bulk_create(
        School(code=f"school-{n:02}", name=f"OBS School {n:02}")
        for n in range(counting.WITHOUT_CONTACT_IN_FULL + 3)
    )
    response = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    assert len(response.context["home"].without_contact) == counting.WITHOUT_CONTACT_IN_FULL
    assert "Er zijn meer scholen zonder contactadres" in response.content.decode()


def test_every_school_with_a_contact_address_says_nothing_of_it(login, board, school_a):
    school_a.contact_email = "info@vlindertuin.example"
    school_a.save()
    page = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "zonder contactadres" not in page


def test_a_schools_failing_sources_link_to_its_own_sources_only(login, board, school_a, db):
    """Two schools whose code and name start the same: the link from Vlindertuin's row
    lists Vlindertuin's sources, not those of Vlindertuin Noord."""
    noord = School.objects.create(code="vlindertuin-noord", name="OBS De Vlindertuin Noord")
    failing = {"needs_attention": True, "consecutive_failures": 5}
    make_source("https://feeds.example/vlindertuin.rss", school=school_a, **failing)
    make_source("https://feeds.example/noord.rss", school=noord, **failing)
    client = login(board)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    link = reverse("monitoring:sources") + "?school=vlindertuin"
    assert re.search(f'<td><a href="{re.escape(link)}" aria-label="[^"]*">1</a></td>', page)
    sources = client.get(link, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "https://feeds.example/vlindertuin.rss" in sources
    assert "https://feeds.example/noord.rss" not in sources
    assert "Alleen de bronnen van OBS De Vlindertuin." in sources
    every = client.get(reverse("monitoring:sources")).content.decode()
    assert "https://feeds.example/noord.rss" in every
