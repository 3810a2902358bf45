"""The transactional outbox: duties that must happen because a transaction committed.

How to use it (e-mails, notifications, follow-up tasks):

1. Write a handler: a plain function taking keyword arguments (ids only, never pupil
   names), that does the work once, e.g. sends ONE e-mail to ONE recipient, and raises
   when it fails (so the duty is retried). Put it in ``<app>/duties.py``::

       def takedown_email_send(*, task_id: int) -> None:
           ...
           duty_mail(...)          # raises if the SMTP server did not accept it (step 3)

2. In the service that makes the decision, inside its transaction, enqueue the duty with
   an idempotency key that names the effect (a second enqueue with the same key is a
   no-op, so a retried service or a second beat never doubles it)::

       from outbox.services import duty_enqueue

       duty_enqueue(
           key=f"takedown-email:{task.pk}",
           handler="consent.duties.takedown_email_send",
           payload={"task_id": task.pk},
       )

   For bulk sends, enqueue one duty per recipient, keyed by recipient (user id); for many
   rows at once use ``duties_enqueue_many`` (one INSERT, one dispatch).

What you get: the Duty row commits (or rolls back) with your decision. After the commit a
dispatcher hands it to Celery (``outbox.run_duty``, no result stored, no publish retries,
short broker timeouts); a broker outage is logged, never raised into the request. A worker
claims the duty with a lease, runs the handler and marks it done only when the handler
returned (for e-mail: after the SMTP server accepted it). A failure is retried with
exponential backoff (``OUTBOX_MAX_ATTEMPTS`` in all). A worker that dies during the handler
(killed, out of memory) records nothing; the duty runs again when its lease ends, and after
``OUTBOX_MAX_LOST_ATTEMPTS`` such deaths it is marked failed instead. The beat sweeper
(``outbox.sweep``) re-dispatches every pending duty whose time has come, so duties written
while Redis was down go out once it is back.
Delivery is at least once; the key and the claim make the effect once in practice.
In development without Redis (eager Celery) duties run right after the commit.
A duty does not outlive its use: the daily retention run deletes done duties and empties,
then deletes, failed ones (``duties_apply_retention``); a pending duty is never touched.

3. Send e-mail from a handler with ``duty_mail``: its Message-ID is made from the duty's
   key. The one case the claim cannot cover is a worker that dies after the SMTP server
   accepted the e-mail and before the duty was marked done; the retry after the lease then
   sends the same e-mail again, with the same Message-ID, so the recipient's mail system
   can recognise it as one message (Gmail, for one, keeps a single copy). That window is
   kept short: the connection's QUIT waits until the done mark committed.

4. A handler that must decide under a row lock that users' saves also take (the takedown
   e-mail locks its picture, as a parent's "nee" does) returns a ``Mail`` instead of
   calling ``duty_mail``: ``duty_run`` commits the handler's transaction (the lock goes),
   sends the e-mail with no transaction open, then runs ``Mail.sent`` (the marks, such as
   ``emailed_at``, taking the lock again) and the done mark in one transaction. Sent from
   inside, the lock was held until the SMTP server answered (up to EMAIL_TIMEOUT), and
   the parent's save waited that long. A refusal marks nothing and is retried; a worker
   killed mid-send leaves the duty claimed until its lease ends, as before.
"""

import datetime
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Case, Count, F, Min, Q, Value, When
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError as BrokerUnavailable

from opo_portal.cache import redis_asked_again, redis_failed
from outbox.models import Duty
from outbox.signals import duty_gave_up

log = logging.getLogger(__name__)

_running_key: ContextVar[str | None] = ContextVar("outbox_running_key", default=None)


def _seconds(name: str, default: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, name, default))


def duty_enqueue(*, key: str, handler: str, payload: dict | None = None) -> Duty:
    """Record a duty in the current transaction; dispatch it after the commit. Idempotent."""
    import_string(handler)  # a typo fails here, in the request's tests, not in a worker
    duty, created = Duty.objects.get_or_create(
        key=key,
        defaults={
            "handler": handler,
            "payload": payload or {},
            "next_attempt_at": timezone.now() + _seconds("OUTBOX_GRACE_SECONDS", 60),
        },
    )
    if created:
        transaction.on_commit(lambda: duty_dispatch(duty_id=duty.pk))
    return duty


def duties_enqueue_many(*, duties: Iterable[tuple[str, str, dict]]) -> int:
    """Record many (key, handler, payload) duties at once; keys already present are skipped.

    After the commit one sweep dispatches them, so a bulk send costs the request one
    message to the broker, not one per recipient.
    """
    now = timezone.now()
    rows = []
    for key, handler, payload in duties:
        import_string(handler)
        rows.append(Duty(key=key, handler=handler, payload=payload, next_attempt_at=now))
    if not rows:
        return 0
    Duty.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    transaction.on_commit(_sweep_dispatch)
    return len(rows)


def duties_for_users(*, key: str, handler: str, payload: dict, user_ids: Iterable[int]) -> int:
    """One duty per recipient, keyed ``<key>:user:<id>`` with ``user_id`` in its payload
    (``duties_enqueue_many``): a recipient whose duty exists already is skipped."""
    return duties_enqueue_many(
        duties=[
            (f"{key}:user:{user_id}", handler, {**payload, "user_id": user_id})
            for user_id in user_ids
        ]
    )


def duty_readdressed(
    *, key: str, handler: str, payload: dict, user_id: int, recipients: list[int]
) -> bool:
    """For the handler of a ``duties_for_users`` duty, at send time: False while
    ``user_id`` is still among whom it goes to now (``recipients``), so the handler sends.
    Otherwise the person lost the reach it was written for (a director who left the
    school): the same duty goes to each of today's recipients instead, once each (keys
    present are skipped), or is dropped when there is nobody; True, and nothing is sent.
    Logged with ids only."""
    if user_id in recipients:
        return False
    if recipients:
        duties_for_users(key=key, handler=handler, payload=payload, user_ids=recipients)
        log.info(
            "outbox: %s no longer reaches user %s; readdressed to its recipients", key, user_id
        )
    else:
        log.warning("outbox: %s no longer reaches user %s, nor anyone else; dropped", key, user_id)
    return True


# After a failed publish the broker is left alone this long (as opo_portal.cache does for
# Redis): a Redis that hangs instead of refusing costs every publish the socket timeout
# (5 s), and one commit may queue a duty per recipient. What is skipped stays pending for
# the sweeper.
BROKER_RETRY_AFTER = 5.0
_broker_down_until = 0.0


def _broker_is_redis() -> bool:
    return str(getattr(settings, "CELERY_BROKER_URL", "")).startswith(("redis://", "rediss://"))


def _broker_skipped() -> bool:
    """After a recent broker error, or a cache error when the broker is that same Redis (a
    save's session read found it hanging a moment ago: the publish would wait 5 s more), or
    when that Redis, asked again after the pause, still does not answer the cache."""
    if time.monotonic() < _broker_down_until:
        return True
    # The pause after an error may have ended while the request ran: Redis still hanging
    # then costs the cache's 1 s, not the broker's 5 s.
    return _broker_is_redis() and not redis_asked_again()


def _publish(task, args: tuple = ()) -> Exception | None:
    """Send a task without waiting; the error instead of raising, or None when sent."""
    global _broker_down_until
    if _broker_skipped():
        return BrokerUnavailable("skipped after a recent Redis error")
    try:
        task.apply_async(args, retry=False, ignore_result=True)
    except BrokerUnavailable as error:
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        if _broker_is_redis():
            redis_failed()  # the cache's next call would wait on the same server
        return error
    except Exception as error:  # noqa: BLE001 - a queue outage must not fail the request
        return error
    return None


def duty_dispatch(*, duty_id: int) -> None:
    """Hand one duty to Celery. Never raises: the sweeper retries what did not get through."""
    from outbox.tasks import run_duty

    error = _publish(run_duty, (duty_id,))
    if error is not None:
        log.warning("outbox: duty %s not dispatched (%s); the sweeper will retry", duty_id, error)


def _sweep_dispatch() -> None:
    from outbox.tasks import sweep

    error = _publish(sweep)
    if error is not None:
        log.warning("outbox: sweep not dispatched (%s); beat will run it", error)


def _claimable(now: datetime.datetime) -> Q:
    return Q(status=Duty.Status.PENDING) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def duty_run(*, duty_id: int) -> bool:
    """Claim the duty, run its handler, mark it done. True when this call did the work.

    The claim is a conditional UPDATE with a lease, so a duplicate message or a second
    worker finds nothing to do. The handler and the "done" mark share one transaction.
    A handler that returns a `Mail` instead has it sent after that transaction committed,
    with none open (`_mail_then_done`): locks it took to decide are not held while the
    SMTP server answers. A duty whose worker died mid-handler
    ``OUTBOX_MAX_LOST_ATTEMPTS`` times is marked failed instead of run again.
    """
    duty = _claim(duty_id)
    if duty is None:
        return False
    if duty.lost_attempts >= getattr(settings, "OUTBOX_MAX_LOST_ATTEMPTS", 5):
        _give_up_after_lost_attempts(duty)
        return False
    running = _running_key.set(duty.key)
    try:
        with transaction.atomic():
            outcome = import_string(duty.handler)(**duty.payload)
            if not isinstance(outcome, Mail):
                _mark_done(duty_id)
        if isinstance(outcome, Mail):
            _mail_then_done(outcome, duty_id)
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
        _record_failure(duty, error)
        return False
    finally:
        _running_key.reset(running)
    return True


def _mark_done(duty_id: int) -> None:
    Duty.objects.filter(pk=duty_id).update(
        status=Duty.Status.DONE, done_at=timezone.now(), claimed_until=None, last_error=""
    )


@dataclass(frozen=True)
class Mail:
    """The one e-mail a handler decided to send, returned instead of sent: `duty_run`
    sends it once the handler's transaction committed, then runs `sent` (marks such as
    `emailed_at`) and the done mark in one transaction. For a handler that decides under
    a row lock others wait for (a parent's "nee" for the picture a takedown e-mail is
    about): sent from inside, the lock was held until the SMTP server answered, up to
    EMAIL_TIMEOUT. What `sent` marks must be read again by it, under the same lock: the
    rows may have changed while the e-mail went. `reply_to` as in `duty_mail`."""

    subject: str
    body: str
    recipient: str
    sent: Callable[[], object] | None = None
    reply_to: str = ""


def _mail_then_done(mail: Mail, duty_id: int) -> None:
    """Send with no transaction open; a refusal raises (retried, `sent` not run). The
    duty stays claimed meanwhile, and a worker killed now leaves it for the lease."""
    connection = _mail_send(mail.subject, mail.body, mail.recipient, mail.reply_to)
    try:
        with transaction.atomic():
            if mail.sent is not None:
                mail.sent()
            _mark_done(duty_id)
    finally:
        _connection_close(connection)  # the QUIT after the done mark, as in duty_mail


def duty_running_key() -> str | None:
    """The key of the duty whose handler runs now (None outside one)."""
    return _running_key.get()


def _claim(duty_id: int) -> Duty | None:
    """Take the duty for one lease, or None when it is not claimable now.

    The attempt is counted (and committed: a worker runs in autocommit) before the handler
    runs, so a worker killed mid-handler still leaves its count. Every outcome clears the
    lease; one found still set, and run out, is an attempt that never came back.
    """
    now = timezone.now()
    lost_before = Case(When(claimed_until__isnull=False, then=Value(1)), default=Value(0))
    claimed = Duty.objects.filter(_claimable(now), pk=duty_id).update(
        claimed_until=now + _seconds("OUTBOX_LEASE_SECONDS", 300),
        attempts=F("attempts") + 1,
        lost_attempts=F("lost_attempts") + lost_before,
    )
    return Duty.objects.get(pk=duty_id) if claimed else None


def _give_up_after_lost_attempts(duty: Duty) -> None:
    """A handler that kills its worker every time (out of memory, a crash in C code) would
    otherwise run again after every lease, forever, taking a worker down each time."""
    lost = duty.lost_attempts
    reason = ngettext(
        "Its worker stopped during the handler %(count)d time (killed, out of memory?); "
        "not tried again.",
        "Its worker stopped during the handler %(count)d times (killed, out of memory?); "
        "not tried again.",
        lost,
    ) % {"count": lost}
    Duty.objects.filter(pk=duty.pk).update(
        status=Duty.Status.FAILED, claimed_until=None, last_error=reason[:500]
    )
    log.error(
        "outbox: duty %s (%s) failed on attempt %s, giving up: its worker stopped "
        "mid-handler %s times",
        duty.pk,
        duty.handler,
        duty.attempts,
        lost,
    )
    _tell_gave_up(duty)


def duty_mail(
    subject: str, body: str, recipient: str, *, reply_to: str = "", headers: dict | None = None
) -> None:
    """Send one plain-text e-mail from a duty handler; raises unless the SMTP server
    accepted it. Every attempt of one duty sends it with the same Message-ID. The subject
    starts with the portal's name, as allauth's e-mails do. Inside the handler's
    transaction: a handler holding a row lock returns a `Mail` instead.

    `reply_to`: the address a reply goes to, one the school or the foundation chose
    (`School.reply_to`, FOUNDATION_CONTACT_EMAIL), never a staff member's own; empty, the
    e-mail has no Reply-To and a reply goes to the unread DEFAULT_FROM_EMAIL, which its
    text must say. A line break in it is refused (BadHeaderError), never sent. `headers`:
    more headers of this kind of e-mail (a reminder's List-Unsubscribe)."""
    connection = _mail_send(subject, body, recipient, reply_to, headers)
    transaction.on_commit(lambda: _connection_close(connection))


def _mail_send(
    subject: str, body: str, recipient: str, reply_to: str = "", headers: dict | None = None
):
    """The e-mail accepted by the SMTP server, or raises; the open connection, whose QUIT
    the caller sends once the done mark committed (`_connection_close`)."""
    connection = get_connection()
    message = EmailMessage(
        portal_subject(subject),
        body,
        None,
        [recipient],
        headers={**mail_headers(), **(headers or {})},
        connection=connection,
        reply_to=[reply_to] if reply_to else None,
    )
    connection.open()
    try:
        message.send()
    except BaseException:
        _connection_close(connection)
        raise
    return connection


def _connection_close(connection) -> None:
    """QUIT, after the done mark committed: the server said "250", so the e-mail is sent.
    Before, the QUIT (up to EMAIL_TIMEOUT on a slow server) came before that commit, and a
    worker killed meanwhile left the duty pending: the e-mail went again after the lease."""
    try:
        connection.close()
    except Exception as error:  # noqa: BLE001 - the e-mail was accepted; nothing to retry
        log.warning("outbox: closing the SMTP connection failed (%s)", type(error).__name__)


def portal_subject(subject) -> str:
    """`subject` on one line, with allauth's ACCOUNT_EMAIL_SUBJECT_PREFIX ("[OPO Portal] ")
    once: a security notice rendered by allauth has it already. Names in a subject (a
    school's, a source's) may hold a line break, and a header with one is refused
    (BadHeaderError) on every attempt of the duty."""
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    subject = " ".join(str(subject).split())
    return subject if subject.startswith(prefix) else prefix + subject


def emailed_users():
    """The accounts a duty e-mail reaches: active ones. The one definition of "who is
    e-mailed": `recipient_email` sends only to these, and every preview that says how
    many will get an e-mail counts only these, so its number is what the send does."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True)


def recipient_email(user_id: int) -> str | None:
    """A user's e-mail address for a duty, or None when the account was deactivated or
    deleted since the duty was written: nothing is sent to someone who is gone, and the
    duty is done instead of retried."""
    email = emailed_users().filter(pk=user_id).values_list("email", flat=True).first()
    if email is None:
        log.info("outbox: user %s is inactive or gone; no e-mail sent", user_id)
    return email


def mail_headers() -> dict[str, str]:
    """The headers of every e-mail the portal sends (duty_mail, and allauth's through
    accounts.adapters): a Message-ID at the sender's domain (`duty_message_id`; Django's
    own names the machine, socket.getfqdn()), and the marks of machine-sent mail, so that
    an out-of-office or auto-reply is not sent back to it (RFC 3834 `Auto-Submitted`;
    Exchange and Outlook read `X-Auto-Response-Suppress`), nor loops."""
    return {
        "Message-ID": duty_message_id(),
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }


def duty_message_id() -> str:
    """The running duty's Message-ID: a digest of its key (ids only, and not shown) at the
    sender's domain. Outside a duty, a new one each time."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    key = _running_key.get()
    if key is None:
        return make_msgid(domain=domain)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<duty.{digest}@{domain or 'localhost'}>"


# An SMTP server's refusal quotes the recipient ("{'ouder@…': (550, …)}"): the admin shows
# the error, not whom it was for.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def without_addresses(text: str) -> str:
    return _ADDRESS.sub("<e-mail address>", text)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after the n-th failed attempt, capped at an hour."""
    base = getattr(settings, "OUTBOX_RETRY_SECONDS", 30)
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _record_failure(duty: Duty, error: Exception) -> None:
    attempts = duty.attempts
    gave_up = attempts >= getattr(settings, "OUTBOX_MAX_ATTEMPTS", 12)
    Duty.objects.filter(pk=duty.pk).update(
        status=Duty.Status.FAILED if gave_up else Duty.Status.PENDING,
        claimed_until=None,
        next_attempt_at=timezone.now() + retry_delay(attempts),
        last_error=without_addresses(f"{type(error).__name__}: {error}")[:500],
    )
    level = logging.ERROR if gave_up else logging.WARNING
    log.log(
        level,
        "outbox: duty %s (%s) failed on attempt %s%s: %s",
        duty.pk,
        duty.handler,
        attempts,
        ", giving up" if gave_up else "",
        type(error).__name__,
    )
    if gave_up:
        _tell_gave_up(duty)


def _tell_gave_up(duty: Duty) -> None:
    """`duty_gave_up` to the app that wrote the duty; a receiver's error is logged (the
    duty is failed either way, and the admin shows it)."""
    results = duty_gave_up.send_robust(sender=Duty, handler=duty.handler, payload=duty.payload)
    for receiver, outcome in results:
        if isinstance(outcome, Exception):
            log.error(
                "outbox: %s on duty %s giving up failed: %s",
                getattr(receiver, "__name__", receiver),
                duty.pk,
                type(outcome).__name__,
            )


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_seconds: int | None  # None when nothing is pending


def duties_backlog() -> Backlog:
    """Pending duties and how long the oldest has waited since it was written.

    One aggregate over the pending rows only (the partial index `outbox_duty_pending_idx`
    holds just those), however many done duties the table keeps.
    """
    row = Duty.objects.filter(status=Duty.Status.PENDING).aggregate(
        pending=Count("*"), oldest=Min("created_at")
    )
    if row["oldest"] is None:
        return Backlog(pending=row["pending"], oldest_seconds=None)
    waited = (timezone.now() - row["oldest"]).total_seconds()
    return Backlog(pending=row["pending"], oldest_seconds=max(0, int(waited)))


def duties_sweep(*, limit: int = 500) -> int:
    """Dispatch pending duties whose time has come (new bulk rows, retries, lost messages).

    Each dispatched duty gets a grace period before the next sweep may send it again.
    """
    now = timezone.now()
    due = list(
        Duty.objects.filter(_claimable(now), next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return 0
    Duty.objects.filter(pk__in=due).update(
        next_attempt_at=now + _seconds("OUTBOX_GRACE_SECONDS", 60)
    )
    for duty_id in due:
        duty_dispatch(duty_id=duty_id)
    if len(due) == limit:
        _sweep_dispatch()
    return len(due)


# --- Retention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyRetention:
    done_deleted: int
    failed_emptied: int
    failed_deleted: int


@transaction.atomic
def duties_apply_retention(*, now: datetime.datetime | None = None) -> DutyRetention:
    """What a duty carries (an account notice's address and text with the IP address and
    browser of whoever made the change; ids of recipients) is kept only as long as useful.

    Done duties go ``OUTBOX_DONE_RETENTION_DAYS`` after they were done. A failed duty stays
    for the admin to see (key, handler, last error) ``OUTBOX_FAILED_RETENTION_DAYS`` after
    it was written, but its payload is emptied after the done term: nothing runs it again.
    A pending duty is never touched: it is an e-mail still to go.
    """
    now = now or timezone.now()
    done_cutoff = now - datetime.timedelta(days=settings.OUTBOX_DONE_RETENTION_DAYS)
    failed_cutoff = now - datetime.timedelta(days=settings.OUTBOX_FAILED_RETENTION_DAYS)
    done = Duty.objects.filter(status=Duty.Status.DONE, done_at__lt=done_cutoff)
    failed = Duty.objects.filter(status=Duty.Status.FAILED)
    result = DutyRetention(
        done_deleted=done.delete()[0],
        failed_deleted=failed.filter(created_at__lt=failed_cutoff).delete()[0],
        failed_emptied=failed.filter(created_at__lt=done_cutoff)
        .exclude(payload={})
        .update(payload={}),
    )
    log.info(
        "outbox retention: %s done duties deleted, %s failed deleted, %s failed emptied",
        result.done_deleted,
        result.failed_deleted,
        result.failed_emptied,
    )
    return result
