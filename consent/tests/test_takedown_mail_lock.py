"""A parent's "nee" does not wait for the mail server.

The teacher's takedown e-mail decides under the picture's lock (`lock_checks`), but sends
with no transaction open: a withdrawal, a change of meaning or a hand-over of the same
picture goes through while a slow SMTP server still holds its "250". Real PostgreSQL,
each side on its own connection (a thread), and a real SMTP server on loopback that keeps
the message and answers only when the test lets it. No sleep, no clock: whether the
withdrawal waited is read from PostgreSQL (pg_stat_activity).
"""

import asyncio
import socket
import threading

import pytest
from django.core import mail
from django.core.mail.backends import smtp
from django.db import connection
from django.utils import timezone

from conftest import Free, require_service, wait_for, waits_for_a_lock
from consent.models import TakedownTask
from consent.services import publication_check_create, purpose_version_publish
from consent.tests.helpers import decide, purpose
from outbox.models import Duty
from outbox.services import duty_run
from outbox.tests.handlers import WorkerStopped
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("join_flag_restored"),
]


@pytest.fixture(autouse=True)
def postgres():
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


class SlowSink:
    """Keeps each message and answers `reply` only once `answer` is set."""

    def __init__(self):
        self.arrived, self.answer = threading.Event(), threading.Event()
        self.reply = "250 Message accepted for delivery"
        self.accepted: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.arrived.set()
        while not self.answer.is_set():
            await asyncio.sleep(0.02)
        reply = self.reply
        if reply.startswith("250"):
            self.accepted.append((envelope.rcpt_tos, envelope.content.decode(errors="replace")))
        return reply


@pytest.fixture
def sink(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = SlowSink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        handler.answer.set()
        controller.stop()


@pytest.fixture
def group_photo(teacher_a, group_a2, parent_a, pupil_a, parent_a2, pupil_a2):
    """Sem and Roos in one photo on Instagram; Sem's parent said "nee": its e-mail waits."""
    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, pupil_a2],
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    return check


def the_email_duty() -> Duty:
    return Duty.objects.get(key__startswith="takedown-email:", status=Duty.Status.PENDING)


def backend_state(pid) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def while_the_server_holds_the_email(sink, work) -> tuple[bool, str]:
    """Run the waiting takedown e-mail until the SMTP server has it, then `work` on another
    connection: whether `work` ended before the server answered (not waiting for a lock),
    and the worker's connection state then. Both finish afterwards."""
    duty = the_email_duty()
    worker = Free(lambda: duty_run(duty_id=duty.pk))
    worker.start()
    try:
        assert sink.arrived.wait(timeout=60)
        other = Free(work)
        other.start()
        assert other.started_work.wait(timeout=60)
        assert wait_for(lambda: not other.is_alive() or waits_for_a_lock(other.pid), timeout=60)
        ended = not other.is_alive()
        state = backend_state(worker.pid)
    finally:
        sink.answer.set()
    other.join(timeout=60)
    worker.join(timeout=60)
    assert worker.error is None and other.error is None, (worker.error, other.error)
    return ended, state


def test_a_no_for_a_pupil_in_the_picture_does_not_wait_for_the_smtp_answer(
    sink, group_photo, teacher_a, pupil_a, pupil_a2, parent_a2
):
    ended, state = while_the_server_holds_the_email(
        sink, lambda: decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    )
    assert ended, "Roos's withdrawal waited for the picture's lock held across SMTP"
    assert state == "idle"  # the worker has no transaction open while the server is slow
    # Roos's "nee" came after the e-mail was decided: it gets an e-mail of its own
    run_due_duties()
    assert [to for to, _body in sink.accepted] == [[teacher_a.email], [teacher_a.email]]
    assert "een leerling" in sink.accepted[0][1] and "2 leerlingen" in sink.accepted[1][1]
    tasks = TakedownTask.objects.filter(publication_check=group_photo)
    assert sorted(tasks.values_list("pupil_id", flat=True)) == sorted([pupil_a.pk, pupil_a2.pk])
    assert not tasks.filter(emailed_at__isnull=True).exists()
    assert not Duty.objects.exclude(status=Duty.Status.DONE).exists()


def test_a_change_of_meaning_does_not_wait_for_the_smtp_answer(sink, group_photo, teacher_a, board):
    def change():
        purpose_version_publish(
            user=board,
            purpose=purpose("sociale-media"),
            text="Foto's op Instagram en TikTok.",
            kind="change_of_meaning",
        )

    ended, _state = while_the_server_holds_the_email(sink, change)
    assert ended
    run_due_duties()
    teacher_emails = [body for to, body in sink.accepted if to == [teacher_a.email]]
    assert len(teacher_emails) == 2  # Sem's, then one for Roos's task of the new text
    assert not TakedownTask.objects.filter(emailed_at__isnull=True).exists()


def test_a_no_during_a_send_the_server_refuses_is_counted_in_the_retry(
    sink, group_photo, teacher_a, pupil_a2, parent_a2
):
    """The refused send marks nothing; its retry reads the picture again and counts Roos:
    one e-mail, with both pupils, and no second one for Roos."""
    sink.reply = "451 4.3.0 Try again later"
    ended, _state = while_the_server_holds_the_email(
        sink, lambda: decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    )
    assert ended
    duty = the_email_duty()
    assert duty.attempts == 1 and "SMTPDataError" in duty.last_error
    assert not TakedownTask.objects.filter(emailed_at__isnull=False).exists()
    sink.reply = "250 Message accepted for delivery"
    assert duty_run(duty_id=duty.pk)
    run_due_duties()
    [(to, body)] = sink.accepted
    assert to == [teacher_a.email] and "2 leerlingen" in body
    assert not TakedownTask.objects.filter(emailed_at__isnull=True).exists()


def test_a_hand_over_during_the_send_still_tells_the_new_assignee(
    sink, group_photo, teacher_a, director_a
):
    """The teacher leaves while their e-mail is with the server: the task moves to the
    director, with an e-mail of its own, and the teacher's send does not mark it told."""
    ended, _state = while_the_server_holds_the_email(
        sink, lambda: StaffMembership.objects.filter(user=teacher_a).delete()
    )
    assert ended
    task = TakedownTask.objects.get()
    assert task.assigned_to_id == director_a.pk and task.emailed_at is None
    run_due_duties()
    assert [to for to, _body in sink.accepted] == [[teacher_a.email], [director_a.email]]
    task.refresh_from_db()
    assert task.emailed_at is not None


class DiesInSend(smtp.EmailBackend):
    """The worker is killed while the server has the e-mail (a BaseException, as SIGKILL
    is seen by nothing): no outcome is recorded, the duty keeps its lease."""

    def open(self):
        self.connection = object()
        return True

    def _send(self, email_message) -> bool:
        raise WorkerStopped

    def close(self) -> None:
        self.connection = None


def test_a_worker_killed_mid_send_marks_nothing_and_the_email_goes_after_the_lease(
    settings, group_photo, teacher_a
):
    settings.EMAIL_BACKEND = f"{__name__}.DiesInSend"
    duty = the_email_duty()
    with pytest.raises(WorkerStopped):
        duty_run(duty_id=duty.pk)
    assert not TakedownTask.objects.filter(emailed_at__isnull=False).exists()
    Duty.objects.filter(pk=duty.pk).update(claimed_until=timezone.now())  # the lease ran out
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert duty_run(duty_id=duty.pk)
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]
    assert not TakedownTask.objects.filter(emailed_at__isnull=True).exists()
    duty.refresh_from_db()
    assert (duty.status, duty.lost_attempts) == (Duty.Status.DONE, 1)


def test_the_emails_own_pupil_withdrawn_again_during_the_send_gets_an_email(
    sink, group_photo, teacher_a, parent_a, pupil_a, pupil_a2, parent_a2
):
    """Sem's "nee" wrote the e-mail; Roos's joined it; Sem's parent took theirs back, so
    the e-mail counts Roos only. While it is with the server Sem's parent says "nee"
    again: that counts on the e-mail still pending (it is Sem's), which does not count
    Sem. Read again once it went, Sem gets an e-mail of its own."""
    decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    ended, _state = while_the_server_holds_the_email(
        sink, lambda: decide(pupil_a, parent_a, "sociale-media", "photo", False)
    )
    assert ended
    assert TakedownTask.objects.get(pupil=pupil_a).emailed_at is None
    run_due_duties()
    assert [to for to, _body in sink.accepted] == [[teacher_a.email], [teacher_a.email]]
    assert "een leerling" in sink.accepted[0][1] and "2 leerlingen" in sink.accepted[1][1]
    assert not TakedownTask.objects.filter(emailed_at__isnull=True).exists()
