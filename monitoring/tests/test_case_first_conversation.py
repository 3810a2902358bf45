"""A case keeps the day of its first conversation (FollowUp.first_held_on), a bare date the
reports count the case by: set when a held date is recorded for the case's first
conversation, following a correction of that date while it is the only one, and kept when
another conversation is planned, held, or the case reopened, and through retention, which
erases the earlier conversations it was read from until 2026-12-07."""

import datetime

import pytest
from django.db import connection

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case

pytestmark = pytest.mark.django_db
NOV_1 = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)


def day(month, d):
    return datetime.date(2026, month, d)


def at(month, d):
    return datetime.datetime(2026, month, d, 12, 0, tzinfo=datetime.UTC)


def _held(case, held_on, *, status="conversation_held"):
    return services.followup_update(
        case=case, status=status, held_on=held_on, now=at(held_on.month, held_on.day)
    )


def test_it_records_the_first_conversation_held(school_a):
    case = make_case(school_a, opened_at=NOV_1)
    assert case.first_held_on is None
    services.followup_update(
        case=case, status="conversation_planned", planned_for=day(11, 3), now=NOV_1
    )
    assert case.first_held_on is None  # planned, not held
    _held(case, day(11, 3))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 3)


def test_a_correction_of_the_only_held_date_corrects_the_first(school_a):
    """Staff who typed the wrong day for the one conversation held correct it: the first
    conversation is the corrected day, not the mistyped one."""
    case = make_case(school_a, opened_at=NOV_1)
    _held(case, day(11, 4))
    _held(case, day(11, 3))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 3)


def test_another_conversation_leaves_the_first(school_a):
    case = make_case(school_a, opened_at=NOV_1)
    _held(case, day(11, 3))
    services.followup_update(
        case=case, status="conversation_planned", planned_for=day(12, 2), now=at(11, 3)
    )
    assert (case.held_on, case.first_held_on) == (None, day(11, 3))
    _held(case, day(12, 2))
    _held(case, day(12, 3))  # the second one's day corrected
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 3)


def test_a_case_reopened_after_retention_keeps_its_first_conversation(school_a, settings):
    """Retention emptied the earlier conversations: the held date the reopened case then
    records is its second conversation's, not its first."""
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    case = make_case(school_a, opened_at=NOV_1)
    _held(case, day(11, 3))
    services.followup_update(
        case=case, status="conversation_planned", planned_for=day(12, 2), now=at(11, 3)
    )
    _held(case, day(12, 2))
    services.followup_update(case=case, status="closed", now=at(12, 3))
    services.posts_apply_retention(now=datetime.datetime(2027, 7, 1, tzinfo=datetime.UTC))
    case.refresh_from_db()
    assert (case.earlier_conversations, case.first_held_on) == ([], day(11, 3))
    services.followup_update(
        case=case,
        status="conversation_held",
        held_on=datetime.date(2027, 7, 1),
        now=datetime.datetime(2027, 7, 1, 12, tzinfo=datetime.UTC),
    )
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 3)


def test_a_first_conversation_held_on_an_unknown_day_stays_unknown(school_a):
    """An earlier conversation read from the notes as held on "?" (migration 0027): the
    held date recorded after it is not the first conversation's."""
    case = make_case(
        school_a,
        opened_at=NOV_1,
        status="conversation_planned",
        planned_for=day(11, 10),
        earlier_conversations=[{"held": None, "planned": "2026-11-02"}],
    )
    _held(case, day(11, 10))
    assert FollowUp.objects.get(pk=case.pk).first_held_on is None


def test_the_older_release_inserts_a_case_without_the_new_column(school_a):
    """An older process still running during a rolling deploy inserts its columns only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_followup (school_id, status, priority, notes, opened_at, "
            "shingles, no_action_untold, no_action_reasons, earlier_conversations) "
            "VALUES (%s, 'new', 1, '', CURRENT_TIMESTAMP, '[]', FALSE, '[]', '[]')",
            [school_a.pk],
        )
    assert FollowUp.objects.get().first_held_on is None
