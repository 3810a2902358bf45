"""/health/ready and `manage.py health`: every part, and which one is down."""

import datetime
import json
import socket
import time
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conftest import analyze_what_it_reads, require_service
from opo_portal.celery import _note_beat_alive
from ops import health
from ops.tasks import heartbeat
from outbox.models import Duty


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_health(settings, monkeypatch):
    """Real Redis, with this test's own heartbeat keys."""
    settings.REDIS_URL = require_service("REDIS_URL")
    prefix = f"opo:test:{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(health, "KEYS", {p: f"{prefix}:{p}" for p in ("beat", "worker")})
    yield
    health._redis().delete(*health.KEYS.values())


def ready(client):
    response = client.get(reverse("health_ready"), HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, json.loads(response.content)


def test_it_is_ready_in_development_without_redis(client, db, settings):
    settings.REDIS_URL = ""
    status, body = ready(client)
    assert status == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "redis", "worker", "beat"}


def test_it_names_redis_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    status, body = ready(client)
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"] == {"ok": False, "detail": "not reachable (ConnectionError)"}
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.parametrize("through_the_proxy", [False, True])
def test_a_probe_that_finds_a_part_down_is_a_warning_not_an_error(
    client, db, settings, caplog, through_the_proxy
):
    """Django logged every 503 at ERROR: with SENTRY_DSN set, an error event per probe
    (every few seconds, from every load balancer) for one Redis outage."""
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    proxy = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"} if through_the_proxy else {}
    with caplog.at_level("INFO", logger="django.request"):
        response = client.get(reverse("health_ready"), **proxy)
    assert response.status_code == 503
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "django.request"]
    assert lines == [("WARNING", "Not ready (redis, worker, beat): /health/ready")]


def test_it_is_not_cached(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("health_ready"))
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.services
def test_it_is_ready_when_worker_and_beat_were_seen_recently(client, db, redis_health):
    health.record("beat")
    heartbeat.apply()  # what a worker does when it runs the heartbeat
    status, body = ready(client)
    assert status == 200, body
    assert body["checks"]["worker"]["ok"] and body["checks"]["beat"]["ok"]


@pytest.mark.services
def test_it_names_a_stale_beat(client, db, redis_health, settings):
    health.record("worker")
    health.record("beat", time.time() - settings.HEALTH_BEAT_STALE_SECONDS - 5)
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["beat"]["ok"] is False
    assert body["checks"]["beat"]["detail"].startswith("last seen")


@pytest.mark.services
@pytest.mark.parametrize("part", ["beat", "worker"])
def test_it_remembers_when_a_part_was_last_seen_however_long_ago(db, redis_health, part):
    """The sign of life expired after a day: a beat stopped for two days was then
    "has never published its schedule" on the board's home, in /health/ready and in
    `manage.py health`, as if it had never run."""
    health.record(part, time.time() - 2 * 86400)
    # Kept without expiry: an absent key means never seen, and only that.
    assert health._redis().ttl(health.KEYS[part]) == -1


@pytest.mark.services
def test_it_names_a_worker_that_never_answered(db, redis_health, settings, monkeypatch):
    from opo_portal.celery import app

    monkeypatch.setattr(app.control, "ping", lambda timeout: [])  # no worker on this broker
    health.record("beat")
    checks = {c.name: c for c in health.readiness()}
    assert checks["worker"].ok is False
    assert checks["beat"].ok is True


@pytest.mark.services
def test_it_names_the_worker_when_the_ping_loses_its_broker_connection(
    client, db, redis_health, monkeypatch
):
    # After a Redis restart the web process's pooled broker connection is dead: the first
    # ping raises. /health/ready still answers in JSON and names the worker.
    from redis.exceptions import ConnectionError as RedisConnectionError

    from opo_portal.celery import app

    def ping(timeout):
        raise RedisConnectionError("Connection closed by server.")

    monkeypatch.setattr(app.control, "ping", ping)
    health.record("beat")
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["worker"] == {"ok": False, "detail": "no worker has answered"}
    assert body["checks"]["beat"]["ok"] is True


@pytest.mark.services
def test_it_marks_beat_alive_when_beat_publishes_the_heartbeat(db, redis_health):
    assert health.last_seen("beat") is None
    _note_beat_alive(sender="monitoring.dispatch_due_sources")
    assert health.last_seen("beat") is None
    _note_beat_alive(sender=health.HEARTBEAT_TASK)
    assert time.time() - health.last_seen("beat") < 5


@pytest.mark.services
def test_it_exits_non_zero_from_the_command_and_names_the_part(db, redis_health, capsys):
    health.record("worker")
    with pytest.raises(CommandError, match="down: beat"):
        call_command("health")
    out = capsys.readouterr().out
    assert "ok   database" in out and "DOWN beat" in out


def test_the_beat_probe_checks_beat_alone(db, redis_health, capsys):
    """The beat container's healthcheck: a worker down (no heartbeat, no answer to a
    ping) is the worker container's problem, not beat's; no database query either."""
    health.record("beat")
    with CaptureQueriesContext(connection) as queries:
        call_command("health", "--beat")  # exit 0
    assert len(queries) == 0
    redis_line, beat_line = capsys.readouterr().out.splitlines()  # nothing about the worker
    assert redis_line == "ok   redis: antwoordt" and beat_line.startswith("ok   beat: gezien")


def test_the_beat_probe_fails_on_a_stale_beat(db, redis_health, settings, capsys):
    health.record("beat", at=time.time() - settings.HEALTH_BEAT_STALE_SECONDS - 5)
    with pytest.raises(CommandError, match="down: beat$"):
        call_command("health", "--beat")
    assert "DOWN beat: laatst gezien" in capsys.readouterr().out


def test_it_sends_the_heartbeat_from_beat_often(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["ops-heartbeat"]
    assert entry["task"] == health.HEARTBEAT_TASK
    assert entry["schedule"] < settings.HEALTH_BEAT_STALE_SECONDS


def duty(key: str, *, age_seconds: int, status=Duty.Status.PENDING) -> Duty:
    created = timezone.now() - datetime.timedelta(seconds=age_seconds)
    return Duty.objects.create(key=key, handler="h", status=status, created_at=created)


def test_it_reports_the_outbox_backlog_and_stays_ready_when_it_is_stuck(client, db, settings):
    """A backlog is no reason to take a web node out of the load balancer (it cannot clear
    it): /health/ready stays 200 and says `stuck` for monitoring to alert on."""
    settings.REDIS_URL = ""
    settings.HEALTH_OUTBOX_STUCK_SECONDS = 900
    duty("old", age_seconds=1200)
    duty("new", age_seconds=5)
    duty("older-but-done", age_seconds=5000, status=Duty.Status.DONE)
    duty("older-but-failed", age_seconds=5000, status=Duty.Status.FAILED)
    status, body = ready(client)
    assert status == 200 and body["status"] == "ok"
    assert body["outbox"]["pending"] == 2 and body["outbox"]["stuck"] is True
    assert 1200 <= body["outbox"]["oldest_seconds"] < 1200 + 60
    assert set(body["checks"]) == {"database", "migrations", "redis", "worker", "beat"}


def test_it_reports_a_young_backlog_as_not_stuck(client, db, settings):
    settings.REDIS_URL = ""
    settings.HEALTH_OUTBOX_STUCK_SECONDS = 900
    _, body = ready(client)
    assert body["outbox"] == {"pending": 0, "oldest_seconds": None, "stuck": False}
    duty("new", age_seconds=60)
    _, body = ready(client)
    assert body["outbox"]["pending"] == 1 and body["outbox"]["stuck"] is False


def test_it_reads_the_backlog_in_one_query(db):
    duty("a", age_seconds=1)
    duty("b", age_seconds=2)
    with CaptureQueriesContext(connection) as queries:
        health.outbox_backlog()
    # SELECT COUNT(*), MIN(created_at) FROM outbox_duty WHERE status = 'pending'
    assert len(queries) == 1


@pytest.mark.services
def test_it_reads_the_backlog_from_the_partial_index_of_pending_duties(db):
    """The table keeps every done duty; the count reads the pending ones only. With a few
    rows PostgreSQL rightly scans the table, so sequential scans are off: what this checks
    is that the index applies to the query as written."""
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    # a table of done duties and two pending (the plan reads their statistics, not those
    # earlier tests left): the index of pending duties is the right read
    Duty.objects.bulk_create(
        Duty(key=f"done-{n}", handler="h", status=Duty.Status.DONE) for n in range(1000)
    )
    duty("a", age_seconds=1)
    duty("b", age_seconds=2)
    with CaptureQueriesContext(connection) as queries:
        health.outbox_backlog()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        analyze_what_it_reads(cursor, queries[0]["sql"])
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "outbox_duty_pending_idx" in plan, plan


@pytest.mark.services
def test_it_shows_a_stuck_outbox_from_the_command_without_failing_it(
    db, redis_health, settings, capsys
):
    settings.HEALTH_OUTBOX_STUCK_SECONDS = 900
    health.record("worker")
    health.record("beat")
    duty("old", age_seconds=1200)
    call_command("health")  # exit 0: worker and beat are up
    out = capsys.readouterr().out
    assert "ok   worker" in out and "STUCK outbox: 1 " in out


# --- Migrations: a database behind the code (a restore, another node's deploy) ----------


def forget_applied(app: str, name: str) -> None:
    """As after restoring a backup made before `app.name` was applied."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])


def test_it_is_ready_when_the_database_has_every_migration_of_the_code(client, db, settings):
    settings.REDIS_URL = ""
    status, body = ready(client)
    assert status == 200, body
    assert body["checks"]["migrations"] == {"ok": True, "detail": "all applied"}


def test_it_names_a_migration_the_database_has_not_applied(client, db, settings):
    settings.REDIS_URL = ""
    forget_applied("outbox", "0002_duty_lost_attempts")
    status, body = ready(client)
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {
        "ok": False,
        "detail": "database behind the code: 1 not applied (outbox.0002_duty_lost_attempts)",
    }


def test_it_counts_every_missing_migration_and_names_the_first_three(client, db, settings):
    settings.REDIS_URL = ""
    for name in ("0002_duty_lost_attempts", "0001_initial"):
        forget_applied("outbox", name)
    forget_applied("monitoring", "0009_mentions_of_earlier_flags")
    _, body = ready(client)
    detail = body["checks"]["migrations"]["detail"]
    assert detail.startswith("database behind the code: 3 not applied (")
    assert "outbox.0001_initial" in detail and "outbox.0002_duty_lost_attempts" in detail


def test_it_stays_ready_with_a_migration_newer_than_the_code(client, db, settings):
    # A rolling deploy: the new release migrated first; this node's older code still works
    # on the database (migrations add before they remove) until it is replaced.
    settings.REDIS_URL = ""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["outbox", "0099_from_the_next_release", timezone.now()],
        )
    status, body = ready(client)
    assert status == 200, body
    assert body["checks"]["migrations"]["ok"] is True


def test_it_reads_the_applied_migrations_in_one_query_per_probe(db):
    health.check_migrations()  # the code's migrations: read from disk once per process
    with CaptureQueriesContext(connection) as queries:
        check = health.check_migrations()
    # SELECT app, name FROM django_migrations
    assert check.ok and len(queries) == 1, [q["sql"] for q in queries]


def test_it_calls_migrations_unknown_while_the_database_is_down(db, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "check_database", lambda: health.Check("database", False, "x"))
    with translation.override("en"):
        checks = {c.name: c for c in health.readiness()}
    assert checks["migrations"].ok is False
    assert checks["migrations"].detail == "unknown while the database is down"


# --- Through the public proxy: the status, not the details ------------------------------


def test_it_tells_a_request_through_the_proxy_the_status_only(client, db, settings):
    """nginx passes every path to gunicorn, so anyone could read which part is down, the
    outbox's backlog (how many e-mails wait) and the code's missing migrations. A request
    nginx forwarded (it always sets X-Forwarded-For) gets the status alone; monitoring
    asks the node itself, as compose's healthcheck and `manage.py health` do."""
    settings.REDIS_URL = ""
    forget_applied("outbox", "0002_duty_lost_attempts")
    response = client.get(reverse("health_ready"), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (response.status_code, json.loads(response.content)) == (503, {"status": "fail"})
    status, body = ready(client)  # asked on the node
    assert status == 503 and body["checks"]["migrations"]["ok"] is False


def test_it_names_a_redis_database_the_server_lacks(client, db, settings):
    """It said "not reachable (ResponseError)" of a server that answered."""
    server = require_service("REDIS_URL").rsplit("/", 1)[0]
    settings.REDIS_URL = f"{server}/99"
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["redis"] == {
        "ok": False,
        "detail": "answers, but has no database 99 (DB index is out of range)",
    }
