"""'At most one reminder per parent per week' counts days as the school does
(Europe/Amsterdam), not hours: the week in which summer time starts has 167 of them."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from consent.models import ReminderSent
from consent.services import reminder_plan, reminders_send

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of March 2026 (summer time starts on Sunday the 29th) at the school, in
    UTC as timezone.now() gives it (Python subtracts days from an Amsterdam time by the
    wall clock, from a UTC time by the hour)."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=AMSTERDAM).astimezone(datetime.UTC)


@pytest.mark.parametrize(
    ("last_sent", "now", "again"),
    [
        (_at(23, 9), _at(30, 9), True),  # Monday 9:00, a week later: 167 hours
        (_at(23, 9, 30), _at(30, 9), False),  # six days and 23.5 hours, as the school counts
        (_at(16, 9), _at(23, 9), True),  # an ordinary week
        (_at(16, 9, 1), _at(23, 9), False),
    ],
)
def test_a_parent_is_reminded_again_seven_days_later_by_the_schools_clock(
    school_a, parent_a, last_sent, now, again
):
    ReminderSent.objects.create(user=parent_a, week="2026-W13", sent_at=last_sent)
    plan = reminder_plan(school=school_a, now=now)
    assert (parent_a.pk in plan.to_send) is again
    assert plan.recently_reminded == (0 if again else 1)


def test_the_send_after_summer_time_started_sends(school_a, parent_a):
    ReminderSent.objects.create(user=parent_a, week="2026-W13", sent_at=_at(23, 9))
    assert reminders_send(school=school_a, now=_at(30, 9)).to_send == (parent_a.pk,)
    assert ReminderSent.objects.filter(user=parent_a, week="2026-W14").exists()
