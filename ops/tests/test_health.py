"""/health/ready and `manage.py health`: every part, and which one is down."""

import json
import socket
import time
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import require_service
from opo_portal.celery import _note_beat_alive
from ops import health
from ops.tasks import heartbeat


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
    assert set(body["checks"]) == {"database", "redis", "worker", "beat"}


def test_it_names_redis_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    status, body = ready(client)
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"] == {"ok": False, "detail": "not reachable (ConnectionError)"}
    assert body["checks"]["worker"]["ok"] is False


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


def test_it_sends_the_heartbeat_from_beat_often(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["ops-heartbeat"]
    assert entry["task"] == health.HEARTBEAT_TASK
    assert entry["schedule"] < settings.HEALTH_BEAT_STALE_SECONDS
