"""A case keeps the day of its first conversation (FollowUp.first_held_on), a bare date the
reports count the case by: read from its conversations whenever one is recorded, corrected
or planned while they are all there (the earliest held, also after a correction a process
of the previous release made), and kept when another conversation is planned, held, or the
case reopened, and through retention, which erases the earlier conversations it was read
from until 2026-12-07; once retention emptied them, the kept day stays."""

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


# --- Edge cases: a reopening, retention, and the release before first_held_on ------------

JULY_2027 = datetime.datetime(2027, 7, 1, 12, 0, tzinfo=datetime.UTC)


def _closed_and_erased(case, settings):
    """Closed, and retention run long after: its notes and earlier conversations go."""
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    services.followup_update(case=case, status="closed", now=at(12, 3))
    services.posts_apply_retention(now=JULY_2027)
    case.refresh_from_db()
    assert case.earlier_conversations == []


def _reopened(case, **fields):
    return services.followup_update(case=case, status="conversation_held", now=JULY_2027, **fields)


def test_a_second_conversation_held_the_day_of_the_first_keeps_it_after_retention(
    school_a, settings
):
    """Both conversations held on 3 November: once retention emptied the earlier one the
    case read as having one conversation, so a correction of the second one's day after a
    reopening moved the first conversation's day a month later."""
    case = make_case(school_a, opened_at=NOV_1)
    _held(case, day(11, 3))
    services.followup_update(
        case=case, status="conversation_planned", planned_for=day(11, 3), now=at(11, 3)
    )
    _held(case, day(11, 3))
    _closed_and_erased(case, settings)
    assert (case.held_on, case.first_held_on) == (day(11, 3), day(11, 3))
    _reopened(case, held_on=day(12, 4))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 3)


def test_a_later_conversation_moved_to_the_first_ones_day_and_on_keeps_it(school_a, settings):
    """After retention, a reopened case's conversation corrected to the first one's day
    and then to another day: the second correction moved the first conversation's day."""
    case = make_case(school_a, opened_at=NOV_1)
    _held(case, day(11, 3))
    services.followup_update(
        case=case, status="conversation_planned", planned_for=day(12, 2), now=at(11, 3)
    )
    _held(case, day(12, 2))
    _closed_and_erased(case, settings)
    _reopened(case, planned_for=day(11, 3), held_on=day(11, 3))
    _reopened(case, held_on=day(12, 5))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 3)


def test_a_correction_of_the_only_conversation_after_a_reopening_is_followed(school_a, settings):
    """One conversation: a correction of its day is the first conversation's day, also
    after a reopening and after retention (which had no earlier conversation to erase)."""
    case = make_case(school_a, opened_at=NOV_1)
    _held(case, day(11, 4))
    services.followup_update(case=case, status="closed", now=at(11, 5))
    _reopened(case, held_on=day(11, 3))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 3)
    _closed_and_erased(case, settings)
    _reopened(case, held_on=day(11, 6))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 6)


def test_a_later_conversation_recorded_before_the_first_is_the_first(school_a):
    """The second conversation's dates corrected to days before the first one's (stored
    so before 2026-12-07: the case form now refuses it, test_case_dates_order): the
    earliest conversation held is the first, as the report counts it."""
    case = make_case(school_a, opened_at=at(10, 20))
    _held(case, day(11, 3))
    services.followup_update(
        case=case, status="conversation_planned", planned_for=day(11, 10), now=at(11, 3)
    )
    FollowUp.objects.filter(pk=case.pk).update(planned_for=day(11, 2), held_on=day(11, 2))
    case.refresh_from_db()
    services.followup_update(case=case, status="conversation_held", now=at(11, 12))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == day(11, 2)


def _corrected_by_the_previous_release(case, held_on):
    """A correction of the held date by a process of the release before first_held_on
    (serving on during a rolling deploy): it leaves first_held_on as it was."""
    FollowUp.objects.filter(pk=case.pk).update(held_on=held_on)
    case.refresh_from_db()


@pytest.mark.parametrize("corrected", [day(11, 2), day(11, 6)])
def test_a_correction_the_previous_release_made_is_read_from_the_conversations(school_a, corrected):
    """The previous release corrected the only conversation's day and left the first
    conversation's day as it was: planning another (or closing) kept the mistyped day."""
    case = make_case(school_a, opened_at=NOV_1)
    _held(case, day(11, 4))
    _corrected_by_the_previous_release(case, corrected)
    services.followup_update(case=case, status="closed", now=at(11, 7))
    assert FollowUp.objects.get(pk=case.pk).first_held_on == corrected
    services.followup_update(case=case, status="conversation_held", now=at(11, 7))
    services.followup_update(
        case=case, status="conversation_planned", planned_for=day(11, 20), now=at(11, 7)
    )
    assert FollowUp.objects.get(pk=case.pk).first_held_on == corrected
