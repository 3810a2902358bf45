"""A conversation's date typed wrong (1900, year 1, 31 February): a clear form error and
the case unchanged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("1900-01-01", "vanaf 2000"),
        ("0001-01-01", "vanaf 2000"),
        ("2026-02-31", "geldige datum"),
    ],
)
def test_it_refuses_a_held_date_no_conversation_can_have(
    login, director_a, school_a, held_on, message
):
    case = make_case(school_a)
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case.pk]),
        {"status": "conversation_held", "held_on": held_on, "notes": "gesproken"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.held_on, case.notes) == (FollowUp.Status.NEW, None, "")


@pytest.mark.parametrize("years_ahead", [2, 7973])  # 2028 typed as 2026 + 2; 9999
def test_it_refuses_a_conversation_planned_years_ahead(login, director_a, school_a, years_ahead):
    """A year typed wrong (2062 for 2026, 9999) made a plan that never came due: the case
    read "gesprek gepland op 9 december 2062" and was never overdue."""
    case = make_case(school_a)
    today = services.school_date(timezone.now())
    day = today.replace(year=min(today.year + years_ahead, 9999), day=1)
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case.pk]),
        {"status": "conversation_planned", "planned_for": day.isoformat(), "notes": "bellen"},
    )
    assert response.status_code == 400
    assert "binnen een jaar" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.planned_for, case.notes) == (FollowUp.Status.NEW, None, "")


def test_it_accepts_a_conversation_planned_within_a_year(login, director_a, school_a):
    case = make_case(school_a)
    day = services.school_date(timezone.now()) + datetime.timedelta(days=300)
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case.pk]),
        {"status": "conversation_planned", "planned_for": day.isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.planned_for == day
