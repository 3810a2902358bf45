"""Every list of cases says a case the same way for the staff who follow it up in person:
"Zaak #7", and a planned conversation by its day, "gesprek was gepland op …" in bold once
that day has passed without the conversation recorded ("Mijn zaken", the director's and
the board's homes, the dashboard, the case page)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from monitoring.models import FollowUp
from monitoring.services import school_date
from monitoring.tests.helpers import make_case, my_cases_section

Status = FollowUp.Status


def _days() -> tuple[datetime.date, datetime.date]:
    today = school_date(timezone.now())
    return today - datetime.timedelta(days=3), today + datetime.timedelta(days=3)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _page(login, user, name: str, *args) -> str:
    return login(user).get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="nl").content.decode()


def _attention(page: str) -> str:
    start = page.index('<section class="attention"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def overdue(school_a, director_a):
    past, _future = _days()
    return make_case(
        school_a, status=Status.CONVERSATION_PLANNED, planned_for=past, assigned_to=director_a
    )


def test_every_page_numbers_a_case_as_zaak_hash(login, director_a, board, school_a, overdue):
    unassigned = make_case(school_a)  # on the board's list of cases that need someone
    pages = {
        "director's home": _page(login, director_a, "accounts:home_director"),
        "board's home": _page(login, board, "accounts:home_board"),
        "case page": _page(login, director_a, "monitoring:case", overdue.pk),
    }
    for where, page in pages.items():
        text = _text(page)
        numbers = set(re.findall(r"Zaak #?\d+", text))
        assert numbers, where
        assert all(n.startswith("Zaak #") for n in numbers), (where, numbers)
    assert f"Zaak #{overdue.pk}" in _text(_attention(pages["director's home"]))
    assert f"Zaak #{unassigned.pk} · OBS De Vlindertuin" in _text(pages["board's home"])
    dashboard = _page(login, director_a, "monitoring:dashboard")
    assert f">#{overdue.pk}</a>" in dashboard


def test_mijn_zaken_says_a_passed_day_in_the_past_tense_and_in_bold(login, director_a, overdue):
    section = my_cases_section(_page(login, director_a, "accounts:home_director"))
    day = date_format(overdue.planned_for, "j F Y")
    assert f"<strong>gesprek was gepland op {day}</strong>" in section
    assert f"Zaak #{overdue.pk} · OBS De Vlindertuin · gesprek was gepland op {day}" in _text(
        section
    )


def test_the_directors_attention_list_says_the_planned_day(login, director_a, school_a, overdue):
    _past, future = _days()
    planned = make_case(school_a, status=Status.CONVERSATION_PLANNED, planned_for=future)
    section = _attention(_page(login, director_a, "accounts:home_director"))
    passed, coming = (date_format(c.planned_for, "j F Y") for c in (overdue, planned))
    assert f"<strong>gesprek was gepland op {passed}</strong>" in section
    text = _text(section)
    assert f"Zaak #{overdue.pk} · gesprek was gepland op {passed} ·" in text
    assert f"Zaak #{planned.pk} · gesprek gepland op {coming} ·" in text
    assert "gesprek gepland ·" not in text  # the status is not said beside its day


def test_the_case_page_says_a_passed_day_in_the_past_tense_and_in_bold(
    login, director_a, school_a, overdue
):
    page = _page(login, director_a, "monitoring:case", overdue.pk)
    day = date_format(overdue.planned_for, "j F Y")
    assert f"<dt>Gesprek was gepland op</dt><dd><strong>{day}</strong></dd>" in page
    _past, future = _days()
    planned = make_case(school_a, status=Status.CONVERSATION_PLANNED, planned_for=future)
    page = _page(login, director_a, "monitoring:case", planned.pk)
    day = date_format(future, "j F Y")
    assert f"<dt>Gesprek gepland op</dt><dd>{day}</dd>" in page


def test_the_dashboard_says_each_open_cases_planned_day(login, board, school_a, overdue):
    past, future = _days()
    planned = make_case(school_a, status=Status.CONVERSATION_PLANNED, planned_for=future)
    held = make_case(school_a, status=Status.CONVERSATION_HELD, planned_for=past)
    new = make_case(school_a)
    page = _page(login, board, "monitoring:dashboard")
    rows = {
        int(pk): row
        for pk, row in re.findall(
            r'<tr>\s*<td><a href="[^"]*">#(\d+)</a></td>(.*?)</tr>', page, re.S
        )
    }
    passed, coming = date_format(past, "j F Y"), date_format(future, "j F Y")
    assert f"<td><strong>gesprek was gepland op {passed}</strong></td>" in rows[overdue.pk]
    assert f"<td>gesprek gepland op {coming}</td>" in rows[planned.pk]
    assert "<td>gesprek gevoerd</td>" in rows[held.pk]  # a day left from the plan: not said
    assert "<td>nieuw</td>" in rows[new.pk]


@pytest.mark.parametrize("count", [3, 30])
def test_the_dashboard_reads_the_planned_days_without_a_query_of_their_own(
    login, board, school_a, count, django_assert_num_queries
):
    past, future = _days()
    for i in range(count):
        make_case(school_a, status=Status.CONVERSATION_PLANNED, planned_for=(past, future)[i % 2])
    client = login(board)
    # as test_views' count: (session from the cache) user, memberships, the protocol
    # banner's acknowledgement, open cases (with their planned day), flags, the schools
    with django_assert_num_queries(6):
        page = client.get(reverse("monitoring:dashboard")).content.decode()
    assert page.count("gesprek was gepland op") == (count + 1) // 2
