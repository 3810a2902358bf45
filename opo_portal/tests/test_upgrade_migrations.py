"""A portal in use upgraded from 2026-12-05 03:16 (consent 0011, monitoring 0012) to now:
the migrations since then run on a database with rows in it, and the two that convert data
convert them (README "Upgrading a portal in use"). The rows are made with today's models,
the database is taken back to the older state (as that version left it), then migrated
forward as `release` does."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from consent.models import Purpose, TakedownTask
from consent.models import ReminderSent as ReminderSentToday
from consent.services import publication_check_create
from monitoring.models import Flag, Post
from monitoring.models import WatchTerm as WatchTermToday
from monitoring.tests.helpers import make_flag, make_post, make_source

OLDER = [("consent", "0011_takedown_reason_erased"), ("monitoring", "0012_fetchrun_left_out_count")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_it_migrates_a_database_in_use_from_the_older_version(teacher_a, pupil_a, school_a):
    website = Purpose.objects.get(code="website")
    checks = [
        publication_check_create(
            user=teacher_a, purpose=website, media_type="photo", pupils=[pupil_a]
        )
        for _ in range(2)
    ]
    done, still_open = (
        TakedownTask.objects.create(
            publication_check=check, pupil=pupil_a, assigned_to=teacher_a, reason="answer"
        )
        for check in checks
    )
    TakedownTask.objects.filter(pk=done.pk).update(done_at=timezone.now(), done_by=teacher_a)
    flagged_at = timezone.now() - datetime.timedelta(days=3)
    post = make_post(make_source())
    flag = make_flag(post, school_a, created_at=flagged_at, raised_at=timezone.now())
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(OLDER)
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    # Before closed_reason, closing a task always meant it was taken offline.
    assert TakedownTask.objects.get(pk=done.pk).closed_reason == "taken_down"
    assert TakedownTask.objects.get(pk=still_open.pk).closed_reason == ""
    # Every flag so far became a signal once, when it was made.
    assert Flag.objects.get(pk=flag.pk).raised_at == flagged_at
    assert Post.objects.get(pk=post.pk).edited_at is None


@pytest.mark.django_db(transaction=True)
def test_watch_terms_that_differ_only_in_capitals_become_one(school_a, school_b):
    """Two adds at the same moment stored "Feestweek" and "feestweek" before the constraint
    ignored capitals (monitoring 0017): the oldest stays, another school's is left alone."""
    before = [("monitoring", "0016_flag_order_raised_at")]
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        WatchTerm = old.get_model("monitoring", "WatchTerm")
        oldest = WatchTerm.objects.create(school_id=school_a.pk, term="Feestweek")
        WatchTerm.objects.create(school_id=school_a.pk, term="feestweek")
        WatchTerm.objects.create(school_id=school_a.pk, term="FEESTWEEK")
        elsewhere = WatchTerm.objects.create(school_id=school_b.pk, term="feestweek")
        _migrate(leaves)
    finally:
        _migrate(leaves)
    assert sorted(WatchTermToday.objects.values_list("pk", flat=True)) == [oldest.pk, elsewhere.pk]


@pytest.mark.django_db(transaction=True)
def test_reminders_whose_email_went_count_as_delivered(parent_a, parent_b):
    """Before consent 0016 a reminder's row was read as sent from the click on: those whose
    duty is done are delivered (at their claim), those still pending or failed are not, by
    the row id in the payload or, for a duty older than that, by user and week."""
    before = [("consent", "0015_takedowntask_handed_over"), ("outbox", "0002_duty_lost_attempts")]
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    handler = "consent.duties.reminder_email_send"
    try:
        _migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        ReminderSent = old.get_model("consent", "ReminderSent")
        Duty = old.get_model("outbox", "Duty")
        at = timezone.now() - datetime.timedelta(days=2)
        went = ReminderSent.objects.create(user_id=parent_a.pk, week="2026-W01", sent_at=at)
        queued = ReminderSent.objects.create(user_id=parent_a.pk, week="2026-W02", sent_at=at)
        failed = ReminderSent.objects.create(user_id=parent_b.pk, week="2026-W02", sent_at=at)
        for key, payload, status in (
            (
                f"consent-reminder:{parent_a.pk}:2026-W01:{went.pk}",
                {"reminder_id": went.pk},
                "done",
            ),
            (
                f"consent-reminder:{parent_a.pk}:2026-W02:{queued.pk}",
                {"reminder_id": queued.pk},
                "pending",
            ),
            (f"consent-reminder:{parent_b.pk}:2026-W02", {"user_id": parent_b.pk}, "failed"),
        ):
            Duty.objects.create(key=key, handler=handler, payload=payload, status=status)
        _migrate(leaves)
    finally:
        _migrate(leaves)
    delivered = dict(ReminderSentToday.objects.values_list("pk", "delivered_at"))
    assert delivered == {went.pk: at, queued.pk: None, failed.pk: None}
