"""A conversation is planned for today or later (the school's date, Europe/Amsterdam); a
conversation that was held is still recorded with its past dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case

pytestmark = pytest.mark.django_db

# 23:30 UTC on 5 December is 00:30 on 6 December in Amsterdam
LATE_EVENING_UTC = datetime.datetime(2026, 12, 5, 23, 30, tzinfo=datetime.UTC)


def test_it_refuses_a_conversation_planned_in_the_past(school_a):
    case = make_case(school_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.followup_update(case=case, status="conversation_planned", planned_for=yesterday)
    assert "planned_for" in refused.value.message_dict
    case.refresh_from_db()
    assert (case.status, case.planned_for) == (FollowUp.Status.NEW, None)


def test_it_plans_a_conversation_for_today_by_the_schools_date(school_a):
    # in UTC it is still the 5th: a plan for the 5th is in the past at the school
    case = make_case(school_a, opened_at=LATE_EVENING_UTC - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.followup_update(
            case=case,
            status="conversation_planned",
            planned_for=datetime.date(2026, 12, 5),
            now=LATE_EVENING_UTC,
        )
    services.followup_update(
        case=case,
        status="conversation_planned",
        planned_for=datetime.date(2026, 12, 6),
        now=LATE_EVENING_UTC,
    )
    case.refresh_from_db()
    assert (case.status, case.planned_for) == ("conversation_planned", datetime.date(2026, 12, 6))


def test_it_refuses_moving_a_planned_conversation_into_the_past(school_a):
    today = timezone.localdate()
    case = make_case(school_a)
    services.followup_update(case=case, status="conversation_planned", planned_for=today)
    with pytest.raises(ValidationError):
        services.followup_update(
            case=case,
            status="conversation_planned",
            planned_for=today - datetime.timedelta(days=1),
        )
    case.refresh_from_db()
    assert case.planned_for == today


def test_a_plan_whose_day_has_passed_still_takes_its_notes(school_a):
    # planned last week (as it then was), the day passed: saving notes is not refused
    last_week = timezone.now() - datetime.timedelta(days=7)
    case = make_case(school_a, opened_at=last_week)
    services.followup_update(
        case=case,
        status="conversation_planned",
        planned_for=timezone.localdate(last_week),
        now=last_week,
    )
    services.followup_update(
        case=case,
        status="conversation_planned",
        planned_for=case.planned_for,
        notes="moeder gebeld, gesprek verzet",
    )
    case.refresh_from_db()
    assert case.notes == "moeder gebeld, gesprek verzet"


def test_it_still_records_a_conversation_held_in_the_past(school_a):
    today = timezone.localdate()
    case = make_case(school_a, opened_at=timezone.now() - datetime.timedelta(days=4))
    services.followup_update(
        case=case,
        status="conversation_held",
        planned_for=today - datetime.timedelta(days=3),
        held_on=today - datetime.timedelta(days=2),
    )
    case.refresh_from_db()
    assert case.status == "conversation_held"


def test_the_case_page_says_why_and_changes_nothing(login, school_a, director_a):
    case = make_case(school_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case.pk]),
        {"status": "conversation_planned", "planned_for": yesterday.isoformat(), "notes": "x"},
    )
    assert response.status_code == 400
    assert "kan niet in het verleden worden gepland" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.planned_for, case.notes) == ("new", None, "")
