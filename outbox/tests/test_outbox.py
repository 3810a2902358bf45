"""The outbox: written with the decision, dispatched after commit, done only when delivered."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from opo_portal.celery import app
from outbox.models import Duty
from outbox.services import (
    duties_enqueue_many,
    duties_sweep,
    duty_enqueue,
    duty_mail,
    duty_run,
    retry_delay,
)
from outbox.signals import duty_gave_up
from outbox.tests import handlers

pytestmark = pytest.mark.django_db
RECORD = "outbox.tests.handlers.record"
MAIL = "outbox.tests.handlers.mail"
MAIL_RETURNED = "outbox.tests.handlers.mail_returned"


@pytest.fixture(autouse=True)
def eager():
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    handlers.calls.clear()
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    settings.EMAIL_TIMEOUT = 1


def test_it_writes_nothing_when_the_decision_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
        raise RuntimeError
    assert not Duty.objects.exists()


def test_it_runs_the_duty_after_commit_and_marks_it_done(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        duty = duty_enqueue(key="k", handler=RECORD, payload={"n": 7})
        assert handlers.calls == []
    duty.refresh_from_db()
    assert (handlers.calls, duty.status, duty.attempts) == ([7], Duty.Status.DONE, 1)


def test_it_records_one_duty_per_key(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
        duties_enqueue_many(duties=[("k", RECORD, {"n": 1}), ("k2", RECORD, {"n": 2})])
    assert Duty.objects.count() == 2
    assert sorted(handlers.calls) == [1, 2]


def test_it_refuses_an_unknown_handler():
    with pytest.raises(ImportError):
        duty_enqueue(key="k", handler="outbox.tests.handlers.nope")


def test_it_keeps_the_email_pending_while_smtp_is_down_and_sends_it_later(settings):
    smtp_down(settings)
    duty = Duty.objects.create(key="k", handler=MAIL, payload={"to": "juf@example.org"})
    assert duty_run(duty_id=duty.pk) is False
    duty.refresh_from_db()
    assert duty.status == Duty.Status.PENDING and duty.done_at is None
    assert duty.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    assert "ConnectionRefused" in duty.last_error
    assert duties_sweep() == 0  # not before its backoff

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Duty.objects.filter(pk=duty.pk).update(next_attempt_at=timezone.now())
    assert duties_sweep() == 1
    duty.refresh_from_db()
    assert (duty.status, duty.attempts, len(mail.outbox)) == (Duty.Status.DONE, 2, 1)


def test_a_resent_email_keeps_its_message_id_so_mail_systems_see_one_message(settings):
    """A worker killed after the SMTP server accepted the e-mail, before the duty was
    marked done: the lease ends, the duty runs again and the e-mail goes out again. Both
    copies carry one Message-ID, at the sender's domain, naming neither key nor id."""
    settings.DEFAULT_FROM_EMAIL = "OPO Portal <noreply@opo.example>"
    duty = Duty.objects.create(key="takedown-email:41", handler=MAIL, payload={"to": "a@b.nl"})
    other = Duty.objects.create(key="takedown-email:42", handler=MAIL, payload={"to": "a@b.nl"})
    assert duty_run(duty_id=duty.pk)
    Duty.objects.filter(pk=duty.pk).update(status=Duty.Status.PENDING)  # as if never marked
    assert duty_run(duty_id=duty.pk)
    assert duty_run(duty_id=other.pk)
    first, again, second = (message.extra_headers["Message-ID"] for message in mail.outbox)
    assert first == again != second
    assert first.startswith("<duty.") and first.endswith("@opo.example>")
    assert "41" not in first.partition("@")[0]
    assert "Message-ID: " + first in mail.outbox[1].message().as_string()


@pytest.mark.django_db(transaction=True)
def test_the_done_mark_commits_before_the_smtp_connection_is_closed(settings):
    """Once the server said "250" the e-mail is its; the QUIT after it (up to EMAIL_TIMEOUT
    on a slow server) came before the done mark's commit, so a worker killed then sent the
    e-mail again after its lease. The connection now closes after the commit."""
    settings.EMAIL_BACKEND = "outbox.tests.handlers.QuitSpy"
    handlers.QuitSpy.quits.clear()
    duty = Duty.objects.create(key="quit-after", handler=MAIL, payload={"to": "a@b.nl"})
    assert duty_run(duty_id=duty.pk)
    assert handlers.QuitSpy.quits == [(False, ["done"])]


@pytest.mark.django_db(transaction=True)
def test_a_returned_email_is_sent_with_no_transaction_open_then_marked_with_the_duty(settings):
    """A handler that decides under a row lock returns its e-mail: the lock is released
    (its transaction committed) before the SMTP server is waited for; `sent` and the done
    mark commit together after the server accepted it, and only then the QUIT."""
    settings.EMAIL_BACKEND = "outbox.tests.handlers.QuitSpy"
    handlers.QuitSpy.quits.clear()
    handlers.QuitSpy.sends.clear()
    duty = Duty.objects.create(key="returned", handler=MAIL_RETURNED, payload={"to": "a@b.nl"})
    assert duty_run(duty_id=duty.pk)
    assert handlers.QuitSpy.sends == [(False, ["pending"])]
    assert handlers.calls == [True]  # `sent` ran once, inside the done transaction
    assert handlers.QuitSpy.quits == [(False, ["done"])]


def test_a_returned_email_the_server_refuses_marks_nothing_and_is_retried(settings):
    smtp_down(settings)
    duty = Duty.objects.create(key="k", handler=MAIL_RETURNED, payload={"to": "a@b.nl"})
    assert duty_run(duty_id=duty.pk) is False
    duty.refresh_from_db()
    assert (duty.status, handlers.calls) == (Duty.Status.PENDING, [])
    assert "ConnectionRefused" in duty.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert duty_run(duty_id=duty.pk)
    assert (len(mail.outbox), len(handlers.calls)) == (1, 1)


def test_a_returned_email_keeps_the_duty_message_id_on_every_attempt():
    duty = Duty.objects.create(key="returned:1", handler=MAIL_RETURNED, payload={"to": "a@b.nl"})
    assert duty_run(duty_id=duty.pk)
    Duty.objects.filter(pk=duty.pk).update(status=Duty.Status.PENDING)  # as if never marked
    assert duty_run(duty_id=duty.pk)
    first, again = (message.extra_headers["Message-ID"] for message in mail.outbox)
    assert first == again and first.startswith("<duty.")
    assert mail.outbox[0].subject == "[OPO Portal] Onderwerp"


def test_an_email_sent_outside_a_duty_gets_a_fresh_message_id(settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@opo.example"
    duty_mail("Onderwerp", "Tekst", "a@b.nl")
    duty_mail("Onderwerp", "Tekst", "a@b.nl")
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert ids[0] != ids[1] and all(i.endswith("@opo.example>") for i in ids)


def test_it_records_a_refusal_without_the_recipients_address():
    duty = Duty.objects.create(
        key="k", handler="outbox.tests.handlers.refused", payload={"to": "ouder.a@example.org"}
    )
    assert duty_run(duty_id=duty.pk) is False
    duty.refresh_from_db()
    assert duty.last_error.startswith("SMTPRecipientsRefused: ")
    assert "550" in duty.last_error and "ouder.a" not in duty.last_error


def test_it_backs_off_exponentially_up_to_an_hour():
    delays = [retry_delay(n).total_seconds() for n in (1, 2, 3, 12)]
    assert delays == [30, 60, 120, 3600]


def test_it_gives_up_after_the_last_attempt(settings):
    smtp_down(settings)
    settings.OUTBOX_MAX_ATTEMPTS = 2
    duty = Duty.objects.create(key="k", handler=MAIL, payload={"to": "juf@example.org"})
    duty_run(duty_id=duty.pk)
    Duty.objects.filter(pk=duty.pk).update(next_attempt_at=timezone.now())
    duty_run(duty_id=duty.pk)
    duty.refresh_from_db()
    assert (duty.status, duty.attempts) == (Duty.Status.FAILED, 2)
    assert duties_sweep() == 0


def test_it_tells_the_duty_s_app_once_when_it_gives_up(settings, caplog):
    """`duty_gave_up` carries the handler and payload, once, on the last attempt only; a
    receiver that raises is logged, and the duty is failed all the same."""
    settings.OUTBOX_MAX_ATTEMPTS = 2
    told = []

    def listens(sender, handler, payload, **kwargs):
        told.append((handler, payload))

    def breaks(sender, **kwargs):
        raise RuntimeError("receiver bug")

    duty = Duty.objects.create(
        key="k", handler="outbox.tests.handlers.refused", payload={"to": "juf@example.org"}
    )
    duty_gave_up.connect(listens)
    duty_gave_up.connect(breaks)
    try:
        duty_run(duty_id=duty.pk)
        assert told == []
        Duty.objects.filter(pk=duty.pk).update(next_attempt_at=timezone.now())
        duty_run(duty_id=duty.pk)
    finally:
        duty_gave_up.disconnect(listens)
        duty_gave_up.disconnect(breaks)
    duty.refresh_from_db()
    assert duty.status == Duty.Status.FAILED
    assert told == [("outbox.tests.handlers.refused", {"to": "juf@example.org"})]
    assert any("breaks on duty" in r.getMessage() for r in caplog.records)


def lease_runs_out(duty: Duty) -> None:
    Duty.objects.filter(pk=duty.pk).update(claimed_until=timezone.now() - datetime.timedelta(1))


def test_it_gives_up_on_a_duty_whose_worker_dies_every_time(settings, caplog):
    """A handler that kills its worker (out of memory, kill -9) records no outcome. Before,
    the duty was claimed again after every lease, forever; now the claim counts the lost
    attempt and, after OUTBOX_MAX_LOST_ATTEMPTS, marks the duty failed unrun."""
    settings.OUTBOX_MAX_LOST_ATTEMPTS = 3
    duty = Duty.objects.create(key="k", handler="outbox.tests.handlers.stops", payload={"n": 1})
    for _ in range(3):
        with pytest.raises(handlers.WorkerStopped):
            duty_run(duty_id=duty.pk)
        lease_runs_out(duty)

    assert duty_run(duty_id=duty.pk) is False
    duty.refresh_from_db()
    assert (duty.status, duty.attempts, duty.lost_attempts) == (Duty.Status.FAILED, 4, 3)
    assert duty.claimed_until is None and handlers.calls == [1, 1, 1]
    assert duty.last_error == (
        "Het werkproces stopte 3 keer tijdens de afhandeling (afgebroken, geheugen vol?); "
        "er volgt geen nieuwe poging."
    )
    assert duties_sweep() == 0
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "giving up" in record.getMessage()


def test_it_counts_an_attempt_before_the_handler_runs():
    duty = Duty.objects.create(key="k", handler="outbox.tests.handlers.stops", payload={"n": 1})
    with pytest.raises(handlers.WorkerStopped):
        duty_run(duty_id=duty.pk)
    duty.refresh_from_db()
    assert (duty.status, duty.attempts, duty.lost_attempts) == (Duty.Status.PENDING, 1, 0)
    assert duty.claimed_until > timezone.now()  # nobody runs it again before the lease ends


def test_it_runs_a_duty_again_after_a_lost_attempt_below_the_limit(settings):
    settings.OUTBOX_MAX_LOST_ATTEMPTS = 2
    duty = Duty.objects.create(key="k", handler="outbox.tests.handlers.stops", payload={"n": 1})
    with pytest.raises(handlers.WorkerStopped):
        duty_run(duty_id=duty.pk)
    lease_runs_out(duty)
    Duty.objects.filter(pk=duty.pk).update(handler=RECORD)  # the next run gets through
    assert duty_run(duty_id=duty.pk) is True
    duty.refresh_from_db()
    assert (duty.status, duty.attempts, duty.lost_attempts) == (Duty.Status.DONE, 2, 1)


def test_a_handler_that_raises_is_retried_as_before_and_no_attempt_counts_as_lost(settings):
    smtp_down(settings)
    settings.OUTBOX_MAX_LOST_ATTEMPTS = 1
    duty = Duty.objects.create(key="k", handler=MAIL, payload={"to": "juf@example.org"})
    for _ in range(3):
        assert duty_run(duty_id=duty.pk) is False
        Duty.objects.filter(pk=duty.pk).update(next_attempt_at=timezone.now())
    duty.refresh_from_db()
    assert (duty.status, duty.attempts, duty.lost_attempts) == (Duty.Status.PENDING, 3, 0)
    assert "ConnectionRefused" in duty.last_error


def test_it_leaves_a_claimed_duty_to_its_worker_until_the_lease_ends():
    later = timezone.now() + datetime.timedelta(minutes=5)
    duty = Duty.objects.create(key="k", handler=RECORD, payload={"n": 1}, claimed_until=later)
    assert duty_run(duty_id=duty.pk) is False
    assert duties_sweep() == 0
    Duty.objects.filter(pk=duty.pk).update(claimed_until=timezone.now())
    assert duty_run(duty_id=duty.pk) is True
    assert duty_run(duty_id=duty.pk) is False
    assert handlers.calls == [1]


def test_it_sweeps_a_duty_whose_dispatch_was_lost():
    duty = Duty.objects.create(key="k", handler=RECORD, payload={"n": 3})  # never dispatched
    assert duties_sweep() == 1
    duty.refresh_from_db()
    assert duty.status == Duty.Status.DONE and handlers.calls == [3]


def test_it_runs_a_duty_in_a_fixed_number_of_queries(django_assert_num_queries):
    duty = Duty.objects.create(key="k", handler=RECORD, payload={"n": 1})
    # claim UPDATE, load, savepoint, mark done UPDATE, release savepoint
    with django_assert_num_queries(5):
        assert duty_run(duty_id=duty.pk)


def test_it_configures_celery_to_fail_fast_and_not_wait_for_results():
    conf = app.conf
    assert conf.task_ignore_result is True
    assert conf.task_publish_retry is False
    assert conf.broker_transport_options["socket_connect_timeout"] == 1
    assert conf.redis_socket_connect_timeout == 1
    assert app.tasks["outbox.run_duty"].ignore_result is True
    assert app.tasks["opo_portal.ping"].ignore_result is False


def test_it_sweeps_from_the_command_line():
    from io import StringIO

    from django.core.management import call_command

    Duty.objects.create(key="k", handler=RECORD, payload={"n": 5})
    out = StringIO()
    call_command("outbox_sweep", stdout=out)
    assert out.getvalue().strip() == "1 taak aangeboden"  # the operator's language, Dutch
    assert handlers.calls == [5]


def test_a_broker_that_hangs_costs_a_commit_one_attempt_not_one_per_duty(
    monkeypatch, hanging_broker, django_capture_on_commit_callbacks
):
    """A Redis that hangs (a host gone, not a refused port) makes each publish wait for the
    socket timeout (5 s): a request that queued one duty per recipient (reminders to a
    school's parents, a conflict notice to the board) took minutes and died at gunicorn's
    timeout after its decision was saved. After one failure the broker is left alone for
    a few seconds; the sweeper sends the rest."""
    attempts = hanging_broker
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            duty_enqueue(key=f"k{n}", handler=RECORD, payload={"n": n})
        duties_enqueue_many(duties=[("bulk", RECORD, {"n": 5})])
    assert len(attempts) == 1
    assert Duty.objects.filter(status=Duty.Status.PENDING).count() == 6

    monkeypatch.undo()  # the broker is back, and the pause is over
    Duty.objects.update(next_attempt_at=timezone.now())
    assert duties_sweep() == 6
    assert sorted(handlers.calls) == [0, 1, 2, 3, 4, 5]


def test_duty_mail_names_the_portal_in_every_subject_once(settings):
    """The subject prefix allauth's e-mails carry (ACCOUNT_EMAIL_SUBJECT_PREFIX), on every
    e-mail the portal sends from a duty; a notice allauth rendered keeps its one prefix."""
    from django.core import mail

    from outbox.services import duty_mail

    duty_mail("Verwijder een publicatie", "tekst", "leerkracht@example.org")
    duty_mail("[OPO Portal] Wachtwoord gewijzigd", "tekst", "ouder@example.org")
    assert [m.subject for m in mail.outbox] == [
        "[OPO Portal] Verwijder een publicatie",
        "[OPO Portal] Wachtwoord gewijzigd",
    ]


def test_duty_mail_sets_the_reply_to_it_is_given_and_none_otherwise():
    duty_mail("Onderwerp", "Tekst", "ouder@example.org", reply_to="info@vlindertuin.nl")
    duty_mail("Onderwerp", "Tekst", "ouder@example.org")
    with_address, without = (message.message() for message in mail.outbox)
    assert with_address["Reply-To"] == "info@vlindertuin.nl"
    assert without["Reply-To"] is None


@pytest.mark.parametrize(
    "reply_to", ["info@vlindertuin.nl\nBcc: iedereen@example.org", "info@x.nl\r\nSubject: x"]
)
def test_a_reply_to_with_a_line_break_is_refused_and_nothing_is_sent(reply_to):
    """No header injection: Django refuses a header holding a line break (BadHeaderError),
    so a duty given one fails and is retried, never sent with an extra header. The school's
    form and School.reply_to keep such an address from getting here."""
    from django.core.mail import BadHeaderError

    with pytest.raises(BadHeaderError):
        duty_mail("Onderwerp", "Tekst", "ouder@example.org", reply_to=reply_to)
    assert mail.outbox == []


def test_a_returned_mail_keeps_its_reply_to():
    from outbox.services import Mail, _mail_then_done

    duty = Duty.objects.create(key="k", handler=RECORD, next_attempt_at=timezone.now())
    _mail_then_done(Mail("Onderwerp", "Tekst", "a@b.nl", reply_to="info@school.nl"), duty.pk)
    [message] = mail.outbox
    assert message.reply_to == ["info@school.nl"]
