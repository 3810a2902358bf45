"""The access history (who was given or lost a staff role or a group to teach) is kept for
a term, not forever: the rest of the school year of the change and then
ACCESS_HISTORY_RETENTION_SCHOOL_YEARS (2) full school years. A role's or a group's start
goes with its end, so every role the kept records reach reads from when to when, and the
start of one still held is kept: "since when can X read school Y's pupils?" keeps its
answer while they can."""

import datetime
import logging

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools import accesslog
from schools.models import GezagChange, MembershipChange, StaffMembership, Via
from schools.services import access_history_apply_retention, access_history_kept_from
from schools.tasks import apply_access_history_retention

Change = MembershipChange.Change
AMSTERDAM = datetime.timezone(datetime.timedelta(hours=2))
TODAY = datetime.date(2026, 8, 1)  # the first day of school year 2026-2027
# the first moment kept on TODAY: 1 August 2024, 00:00 in Amsterdam (summer time)
KEPT_FROM = datetime.datetime(2024, 8, 1, tzinfo=AMSTERDAM)
JUST_BEFORE = KEPT_FROM - datetime.timedelta(seconds=1)
SECOND = datetime.timedelta(seconds=1)


def written_at(when: datetime.datetime, *, since_id: int = 0) -> None:
    """Date the rows written since `since_id` (`at` is set on insert)."""
    MembershipChange.objects.filter(id__gt=since_id).update(at=when)


def last_id() -> int:
    return MembershipChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def kept() -> list[tuple]:
    return list(
        MembershipChange.objects.order_by("id").values_list("change", "person_email", "group_name")
    )


def ended_role(user, school, *, began, ended) -> None:
    """A teacher's role at `school` (with their groups) begun and ended at those times."""
    membership = StaffMembership.objects.get(user=user, school=school)
    start = last_id()
    accesslog.membership_added(membership, by=None, via=Via.ADMIN, groups=membership.groups.all())
    written_at(began, since_id=start)
    start = last_id()
    accesslog.membership_ended(membership, by=None, via=Via.ADMIN)
    written_at(ended, since_id=start)
    membership.delete()


def test_it_keeps_the_rest_of_the_school_year_and_two_full_school_years():
    assert access_history_kept_from(today=datetime.date(2026, 7, 31)) == datetime.date(2023, 8, 1)
    assert access_history_kept_from(today=TODAY) == datetime.date(2024, 8, 1)


def test_it_deletes_roles_ended_before_the_term_and_keeps_those_ended_after(
    teacher_a, other_teacher, school_a
):
    ended_role(teacher_a, school_a, began=JUST_BEFORE - SECOND, ended=JUST_BEFORE)
    # begun before the term, ended on its first moment: its start stays with its end
    ended_role(other_teacher, school_a, began=JUST_BEFORE, ended=KEPT_FROM)
    assert access_history_apply_retention(today=TODAY) == 4  # added, ended, 2 × its group
    assert kept() == [
        (Change.ADDED, "meester.a2@example.org", ""),
        (Change.GROUP_ADDED, "meester.a2@example.org", "groep 7"),
        (Change.GROUP_ENDED, "meester.a2@example.org", "groep 7"),
        (Change.ENDED, "meester.a2@example.org", ""),
    ]


def test_it_keeps_the_start_of_a_role_and_a_group_still_held(teacher_a, school_a, group_a2):
    membership = StaffMembership.objects.get(user=teacher_a)
    accesslog.membership_added(membership, by=None, via=Via.ADMIN, groups=[membership.groups.get()])
    # a second group given and taken away again, both before the term
    accesslog.teaching_changes_record(added=[(membership, group_a2)], by=None, via=Via.PAGE)
    accesslog.teaching_changes_record(ended=[(membership, group_a2)], by=None, via=Via.PAGE)
    written_at(JUST_BEFORE - datetime.timedelta(days=900))
    assert access_history_apply_retention(today=TODAY) == 2
    assert kept() == [
        (Change.ADDED, "juf.a@example.org", ""),
        (Change.GROUP_ADDED, "juf.a@example.org", "groep 5"),
    ]


def test_a_start_whose_role_went_unrecorded_is_not_kept_for_good(teacher_a, school_a):
    """A membership deleted from a shell records no end: its start is past the term all
    the same."""
    membership = StaffMembership.objects.get(user=teacher_a)
    accesslog.membership_added(membership, by=None, via=Via.ADMIN, groups=membership.groups.all())
    written_at(JUST_BEFORE)
    membership.delete()
    assert access_history_apply_retention(today=TODAY) == 2
    assert kept() == []


def test_the_start_of_a_role_the_admin_gave_to_someone_else_goes(teacher_a, other_teacher):
    """The admin moving a membership to another person ends one role and begins another on
    the same row: the first one's start goes with its end."""
    membership = StaffMembership.objects.get(user=teacher_a)
    accesslog.membership_added(membership, by=None, via=Via.ADMIN)
    accesslog.membership_ended(membership, by=None, via=Via.ADMIN)
    StaffMembership.objects.filter(user=other_teacher).delete()
    membership.user = other_teacher
    membership.save()
    membership.groups.clear()
    membership = StaffMembership.objects.select_related("user", "school").get(pk=membership.pk)
    accesslog.membership_added(membership, by=None, via=Via.ADMIN)
    written_at(JUST_BEFORE)
    access_history_apply_retention(today=TODAY)
    assert kept() == [(Change.ADDED, "meester.a2@example.org", "")]


def test_it_deletes_in_batches_until_none_is_left(teacher_a, school_a, monkeypatch):
    from schools import services

    monkeypatch.setattr(services, "RETENTION_BATCH_SIZE", 3)
    for _ in range(3):  # the first with its group: 4 + 2 + 2 rows
        ended_role(teacher_a, school_a, began=JUST_BEFORE, ended=JUST_BEFORE)
        StaffMembership.objects.create(user=teacher_a, school=school_a, role="teacher")
    with CaptureQueriesContext(connection) as queries:
        assert access_history_apply_retention(today=TODAY) == 8
    # 3 + 3 + 2 rows: three batches, each one DELETE (the last one short, so no fourth read)
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3
    assert kept() == []


def test_it_leaves_the_parents_links_and_gezag_as_consent_evidence(parent_a, pupil_a):
    accesslog.gezag_changes_record({}, accesslog.gezag_state([pupil_a.pk]), by=None, via=Via.IMPORT)
    GezagChange.objects.update(at=JUST_BEFORE - datetime.timedelta(days=3000))
    access_history_apply_retention(today=TODAY)
    assert GezagChange.objects.filter(pupil=pupil_a).count() == 1


def test_the_beat_task_applies_the_configured_term(teacher_a, school_a, settings):
    settings.ACCESS_HISTORY_RETENTION_SCHOOL_YEARS = 3
    ended_role(teacher_a, school_a, began=JUST_BEFORE, ended=JUST_BEFORE)
    noon = datetime.datetime(2026, 8, 1, 12, tzinfo=AMSTERDAM)
    with time_machine.travel(noon, tick=False):
        assert apply_access_history_retention.apply().get() == 0  # kept from 1 August 2023
        settings.ACCESS_HISTORY_RETENTION_SCHOOL_YEARS = 2
        assert apply_access_history_retention.apply().get() == 4
    assert kept() == []


def test_it_is_scheduled_daily_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["schools-access-history-retention"]
    assert entry["task"] == apply_access_history_retention.name


def test_the_page_says_which_changes_went_after_the_term(login, privacy_officer):
    # after the recording began (the test database's migrations ran today)
    noon = datetime.datetime(2029, 12, 1, 12, tzinfo=AMSTERDAM)
    with time_machine.travel(noon, tick=False):
        accesslog.recorded_since.cache_clear()
        try:
            page = login(privacy_officer).get(reverse("schools:access_changes"))
        finally:
            accesslog.recorded_since.cache_clear()
    text = " ".join(page.content.decode().split())
    assert "Wijzigingen van vóór 1 augustus 2027 zijn na de bewaartermijn verwijderd" in text


def test_it_logs_one_deleted_row_in_the_singular(director_a, school_a, caplog):
    membership = StaffMembership.objects.get(user=director_a, school=school_a)
    accesslog.membership_ended(membership, by=None, via=Via.ADMIN)  # one row, no groups
    written_at(JUST_BEFORE)
    with caplog.at_level(logging.INFO, logger="schools.services"):
        assert access_history_apply_retention(today=TODAY) == 1
    assert "retention: deleted 1 access history row from before 2024-08-01" in caplog.text
