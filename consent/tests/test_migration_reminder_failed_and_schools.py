"""consent 0017 and 0019 run forward on a database with reminders in it: a reminder whose
e-mail duty gave up before `failed_at` existed is marked failed (by the row id in the
payload or, for an older duty, by user and week), and a delivered reminder names the
schools where its parent holds gezag over a current pupil (README "Reminders")."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from consent.models import ReminderSent as ReminderSentToday

BEFORE = [("consent", "0016_remindersent_delivered_at"), ("outbox", "0002_duty_lost_attempts")]
HANDLER = "consent.duties.reminder_email_send"


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _old_rows(old, parent_a, parent_b) -> dict[str, int]:
    ReminderSent = old.get_model("consent", "ReminderSent")
    Duty = old.get_model("outbox", "Duty")
    at = timezone.now() - datetime.timedelta(days=2)
    rows = {
        "delivered": ReminderSent.objects.create(
            user_id=parent_a.pk, week="2026-W01", sent_at=at, delivered_at=at
        ),
        "failed": ReminderSent.objects.create(user_id=parent_a.pk, week="2026-W02", sent_at=at),
        "failed_old": ReminderSent.objects.create(user_id=parent_b.pk, week="2026-W02", sent_at=at),
        "queued": ReminderSent.objects.create(user_id=parent_b.pk, week="2026-W03", sent_at=at),
    }
    for key, payload, status in (
        (f"consent-reminder:{parent_a.pk}:2026-W02:{rows['failed'].pk}", "failed", "failed"),
        (f"consent-reminder:{parent_b.pk}:2026-W02", None, "failed"),
        (f"consent-reminder:{parent_b.pk}:2026-W03:{rows['queued'].pk}", "queued", "pending"),
    ):
        body = {"user_id": int(key.split(":")[1])}
        if payload:
            body["reminder_id"] = rows[payload].pk
        Duty.objects.create(key=key, handler=HANDLER, payload=body, status=status)
    return {name: row.pk for name, row in rows.items()}


@pytest.mark.django_db(transaction=True)
def test_it_marks_failed_reminders_and_names_the_schools_of_delivered_ones(
    parent_a, parent_b, school_a
):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        pks = _old_rows(old, parent_a, parent_b)
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    rows = {r.pk: r for r in ReminderSentToday.objects.prefetch_related("schools")}
    failed = {name for name, pk in pks.items() if rows[pk].failed_at is not None}
    assert failed == {"failed", "failed_old"}
    named = {name: {s.pk for s in rows[pk].schools.all()} for name, pk in pks.items()}
    assert named == {
        "delivered": {school_a.pk},
        "failed": set(),
        "failed_old": set(),
        "queued": set(),
    }
    # a failed claim no longer holds its week: a new reminder may go in the same week
    ReminderSentToday.objects.create(user_id=parent_b.pk, week="2026-W02")
