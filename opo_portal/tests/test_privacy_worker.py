"""The privacy sweep on a real Celery worker: what the worker itself writes at DEBUG.

test_privacy_sweep.py reads the log records of the test process, with tasks run eagerly.
A production worker writes more: its start banner, Celery's own lines (a task received,
succeeded with its return value, retried, failed), kombu's and Django's DEBUG lines, in
the handlers Celery sets up itself (LOG_FORMAT=text) or ours (json). Here a worker at
--loglevel=DEBUG runs the tasks of the main flows about pupils: the register imported, a
withdrawal's takedown e-mail, the photo check, reminders and the review round, a case
assigned, a feed post that names pupils fetched (from a search feed asked for a name) and
classified, a feed that fails and is retried, the monthly digest and retention. Nothing of
its stdout or stderr may name a pupil, nor any e-mail it sent over SMTP.
"""

import uuid
from email import message_from_string
from email.header import decode_header, make_header

import pytest
from django.test import Client
from django.urls import reverse

from conftest import wait_for, worker
from monitoring.models import FetchRun, FollowUp
from monitoring.tests.conftest import running_feed_server
from monitoring.tests.helpers import make_source
from monitoring.tests.test_no_director_cases_reach import received, smtp_sink  # noqa: F401
from opo_portal.tests.test_privacy_sweep import (
    _case_opened_and_assigned,
    _director_reads_and_asks,
    _import,
    _named,
    _parents_answer,
    _teacher_checks_and_cleans,
)
from outbox.models import Duty
from schools.models import Pupil

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _feed(pupil: Pupil) -> bytes:
    text = f"{pupil.first_name} {pupil.last_name} van De Vlindertuin wordt gepest, schandalig!"
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://buurt.example/</link><item><title>Vlindertuin</title>"
        "<link>https://buurt.example/1</link><guid>https://buurt.example/1</guid>"
        f"<description>{text}</description></item></channel></rss>"
    ).encode()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _as_sent(raw: str, recipients: list[str]) -> str:
    """An e-mail as the SMTP server received it: headers decoded, body decoded, without the
    recipient's own address (a parent's may carry the family name)."""
    message = message_from_string(raw)
    parts = [f"{name}: {make_header(decode_header(value))}" for name, value in message.items()]
    parts += [_body(part) for part in message.walk() if not part.is_multipart()]
    text = "\n".join(parts)
    for recipient in recipients:
        text = text.replace(recipient, "<recipient>")
    return text


def _body(part) -> str:
    if part.get("Content-Transfer-Encoding", "").lower() in ("", "7bit", "8bit"):
        return part.get_payload()  # read as text already
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _purge(queue: str) -> None:
    """The retried fetch goes back to the test's own queue when the worker stops."""
    from opo_portal.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_worker_at_debug_writes_no_pupil_name(
    log_format,
    tmp_path,
    services_up,
    smtp_sink,  # noqa: F811
    school_a,
    group_a1,
    group_a2,
    pupil_a,
    pupil_a2,
    pupil_b,
    parent_a,
    code_parent,
    teacher_a,
    other_teacher,
    director_a,
):
    from monitoring.tasks import apply_retention, fetch_source, send_monthly_digest

    port, mails = smtp_sink
    queue = f"test-privacy-{uuid.uuid4().hex[:8]}"
    settings = {
        "LOG_FORMAT": log_format,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}?tls=0",
        "OUTBOX_GRACE_SECONDS": "1",
        "MONITORING_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
    }
    log = tmp_path / "worker.log"
    director, teacher = _signed_in(director_a), _signed_in(teacher_a)
    with (
        running_feed_server() as feeds,
        log.open("w") as output,
        worker(f"{queue},celery", loglevel="DEBUG", output=output, **settings),
    ):
        new = _import(director, school_a, pupil_a, pupil_a2)
        _parents_answer(_signed_in(parent_a), pupil_a, _signed_in(code_parent))
        _teacher_checks_and_cleans(teacher, pupil_a)
        withdrawn = _signed_in(parent_a).post(
            reverse("consent:withdraw", args=[pupil_a.pk]), {"target": "all"}
        )
        assert withdrawn.status_code == 302
        _director_reads_and_asks(director, school_a)
        _case_opened_and_assigned(teacher, director, school_a, new, other_teacher)
        feeds.route("/pupils.rss", body=_feed(new))
        feeds.route("/down.rss", status=503)
        # a news site's search feed, asked for a pupil's name
        named = make_source(
            url=feeds.url(f"/pupils.rss?q={pupil_a.first_name}+{pupil_a.last_name}")
        )
        down = make_source(url=feeds.url("/down.rss"))
        fetch_source.apply_async((named.pk,), queue=queue)
        fetch_source.apply_async((down.pk,), queue=queue)
        send_monthly_digest.delay()
        apply_retention.delay()

        finished = FetchRun.objects.exclude(status="running")
        assert wait_for(lambda: finished.filter(source=named).exists(), 120)
        assert wait_for(lambda: " retry: " in log.read_text(), 120)
        pending = Duty.objects.filter(status=Duty.Status.PENDING)
        assert wait_for(lambda: not pending.exists(), 180), list(pending.values("key"))
    _purge(queue)

    # the worker really ran the flows, and wrote its DEBUG lines
    written = log.read_text()
    sent = [_as_sent(m["body"], m["to"]) for m in received(mails)]
    assert any("Subject: [OPO Portal]" in text for text in sent), sent
    assert FollowUp.objects.filter(flags__post__source=named).exists()
    for line in ("outbox.run_duty", "succeeded in", "monitoring.fetch_source", "DEBUG"):
        assert line in written, line
    names = set()
    for first, last in Pupil.objects.values_list("first_name", "last_name"):
        names |= {first, last}
    assert {new.first_name, new.last_name, "Sem", "Bakker"} <= names
    assert _named(written.splitlines(), names) == {}
    assert _named(sent, names) == {}
