"""Every flagged complaint is found from the dashboard with what it is about: the open
cases table names the categories of each case's signals (the recent-flags list holds only
the newest 50), and a dashboard that cannot list every open case or flag says so and
where the rest are."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from monitoring.views import DASHBOARD_LIMIT

pytestmark = pytest.mark.django_db

MORE_SENTENCE = "Alleen de 50 dringendste en nieuwste staan hier"


def _cases_table(page: str) -> str:
    return page.split("<table", 1)[1].split("</table>", 1)[0]


def _busy_school(school, source, count, signals=1):
    """`count` newer open cases of insults, `signals` each."""
    later = timezone.now() + datetime.timedelta(hours=1)
    for number in range(count):
        case = make_case(school, opened_at=later)
        for signal in range(signals):
            post = make_post(source, f"busy-{number}-{signal}", f"Bericht {number} {signal}")
            make_flag(post, school, category="insult", case=case, created_at=later)


def test_a_complaints_case_shows_its_category_once_the_flag_left_the_recent_list(
    login, board, director_a, school_a
):
    source = make_source()
    complaint_case = make_case(school_a)
    post = make_post(source, "klacht", "Weer niks gehoord van De Vlindertuin over de overblijf")
    make_flag(post, school_a, category="negative_experience", case=complaint_case)
    # 50 open cases, all listed; 98 newer signals push the complaint off "Recent flags"
    _busy_school(school_a, source, DASHBOARD_LIMIT - 1, signals=2)
    for user in (board, director_a):
        response = login(user).get(reverse("monitoring:dashboard"))
        page = response.content.decode()
        assert "negatieve ervaring" not in page.split("<table", 1)[1].split("</table>", 1)[1]
        row = _cases_table(page).split(f">#{complaint_case.pk}<", 1)[1].split("</tr>", 1)[0]
        assert "negatieve ervaring" in row


def test_a_case_lists_each_category_of_its_live_signals_once(login, board, school_a):
    source = make_source()
    case = make_case(school_a)
    for number, category in enumerate(["privacy", "insult", "privacy", "verify_fact"]):
        post = make_post(source, str(number), f"bericht {number}")
        make_flag(
            post, school_a, category=category, case=case, dismissed_as_false_positive=number == 3
        )
    row = _cases_table(login(board).get(reverse("monitoring:dashboard")).content.decode())
    assert row.count("privacy van een leerling") == 1
    assert "belediging of bedreiging" in row
    assert "feitelijke bewering" not in row.lower()  # dismissed


def test_it_says_when_more_cases_and_flags_are_open_than_listed(login, board, school_a):
    source = make_source()
    _busy_school(school_a, source, DASHBOARD_LIMIT + 1)
    response = login(board).get(reverse("monitoring:dashboard"))
    page = response.content.decode()
    assert len(response.context["cases"]) == DASHBOARD_LIMIT
    assert len(response.context["flags"]) == DASHBOARD_LIMIT
    assert page.count(MORE_SENTENCE) == 2
    assert reverse("monitoring:mentions", args=[school_a.code]) in page


def test_it_says_nothing_of_more_when_everything_is_listed(login, board, school_a):
    _busy_school(school_a, make_source(), DASHBOARD_LIMIT)
    page = login(board).get(reverse("monitoring:dashboard")).content.decode()
    assert MORE_SENTENCE not in page
