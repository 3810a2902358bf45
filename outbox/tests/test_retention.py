"""Duties do not keep what they carried forever: the daily retention task deletes done
duties after OUTBOX_DONE_RETENTION_DAYS, empties a failed duty's payload after the same
term and deletes it after OUTBOX_FAILED_RETENTION_DAYS, and never touches a pending one."""

import datetime

import pytest
from django.utils import timezone

from outbox.models import Duty
from schools.tasks import erase_left_pupils

pytestmark = pytest.mark.django_db
NOTICE = "accounts.duties.account_notice_send"
PAYLOAD = {
    "user_id": 1,
    "recipient": "ouder@example.org",
    "subject": "Wachtwoord gewijzigd",
    "body": "IP-adres: 203.0.113.7\nBrowser: Firefox",
}


def duty(key: str, status: str, days_ago: int) -> Duty:
    then = timezone.now() - datetime.timedelta(days=days_ago)
    return Duty.objects.create(
        key=key,
        handler=NOTICE,
        payload=PAYLOAD,
        status=status,
        created_at=then,
        next_attempt_at=then,
        done_at=then if status == Duty.Status.DONE else None,
    )


def run_retention() -> None:
    erase_left_pupils.apply().get()


def test_it_deletes_done_duties_after_the_term_and_keeps_recent_ones(settings):
    settings.OUTBOX_DONE_RETENTION_DAYS = 30
    duty("old", Duty.Status.DONE, days_ago=31)
    duty("recent", Duty.Status.DONE, days_ago=29)
    run_retention()
    assert list(Duty.objects.values_list("key", flat=True)) == ["recent"]


def test_it_never_deletes_or_empties_a_pending_duty(settings):
    settings.OUTBOX_DONE_RETENTION_DAYS = 30
    settings.OUTBOX_FAILED_RETENTION_DAYS = 180
    duty("waiting", Duty.Status.PENDING, days_ago=400)
    run_retention()
    assert Duty.objects.get(key="waiting").payload == PAYLOAD


def test_a_failed_duty_stays_for_the_admin_without_its_payload_then_goes(settings):
    settings.OUTBOX_DONE_RETENTION_DAYS = 30
    settings.OUTBOX_FAILED_RETENTION_DAYS = 180
    duty("failed-recent", Duty.Status.FAILED, days_ago=29)
    duty("failed-old", Duty.Status.FAILED, days_ago=31)
    duty("failed-ancient", Duty.Status.FAILED, days_ago=181)
    run_retention()
    payloads = dict(Duty.objects.values_list("key", "payload"))
    assert payloads == {"failed-recent": PAYLOAD, "failed-old": {}}
