"""One beat at a time: the Redis lock behind CELERY_BEAT_SCHEDULER (real Redis)."""

import time

import pytest
from django.conf import settings

from conftest import require_service
from opo_portal import beat
from opo_portal.celery import app

pytestmark = pytest.mark.services


@pytest.fixture
def redis_url(monkeypatch):
    url = require_service("REDIS_URL")
    monkeypatch.setattr(beat, "LOCK_KEY", f"opo:test:beat-lock:{time.monotonic_ns()}")
    return url


def test_it_lets_one_beat_hold_the_lock_and_keeps_the_other_idle(redis_url):
    first, second = beat.BeatLock(redis_url, ttl=30), beat.BeatLock(redis_url, ttl=30)
    assert first.hold() is True
    assert second.hold() is False
    assert first.hold() is True  # renewing is holding
    first.release()
    assert second.hold() is True
    second.release()


def test_it_hands_the_lock_over_when_the_holder_stops_renewing(redis_url):
    first, second = beat.BeatLock(redis_url, ttl=1), beat.BeatLock(redis_url, ttl=1)
    assert first.hold() is True
    deadline = time.monotonic() + 5  # bounded: the TTL is one second
    while not second.hold() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert second.held is True
    assert first.hold() is False
    second.release()


def test_it_treats_an_unreachable_redis_as_not_holding():
    lock = beat.BeatLock("redis://127.0.0.1:9/0", ttl=30)
    assert lock.hold() is False


def test_it_idles_a_scheduler_that_does_not_hold_the_lock(redis_url, tmp_path, settings):
    settings.REDIS_URL = redis_url
    holder = beat.BeatLock(redis_url, ttl=30)
    assert holder.hold()
    scheduler = beat.LockedScheduler(app=app, schedule_filename=str(tmp_path / "s"), lazy=True)
    sent = []
    scheduler.apply_entry = lambda entry, producer=None: sent.append(entry.name)
    scheduler.setup_schedule()
    assert scheduler.tick() == 10
    assert sent == []
    holder.release()
    scheduler.close()


def test_it_configures_the_locked_scheduler():
    assert app.conf.beat_scheduler == "opo_portal.beat:LockedScheduler"
    assert settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]["task"] == "outbox.sweep"


def test_it_aligns_the_visibility_timeout_with_the_fetch_claim_lease(monkeypatch):
    from monitoring.services import _lease_seconds

    monkeypatch.delenv("CELERY_VISIBILITY_TIMEOUT", raising=False)
    assert app.conf.broker_transport_options["visibility_timeout"] >= _lease_seconds()
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= 600


def test_every_repeating_beat_entry_expires_within_its_interval(settings):
    # While no worker runs, beat still sends every tick; without an expiry they all run,
    # one after another, when a worker returns (a day of 30 s sweeps: 2,880 of them).
    repeating = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if isinstance(entry["schedule"], float | int)
    }
    assert {"outbox-sweep", "monitoring-dispatch", "ops-heartbeat"} <= set(repeating)
    for name, entry in repeating.items():
        assert 0 < entry.get("options", {}).get("expires", 0) <= entry["schedule"], name


def test_it_logs_a_normal_start_at_info_and_a_lost_lock_as_a_warning(redis_url, caplog):
    """Every production start logged "acquired, sending" as a WARNING: a monitor counting
    warnings saw one per deploy. Losing the lock to another beat is still one."""
    first, second = beat.BeatLock(redis_url, ttl=1), beat.BeatLock(redis_url, ttl=1)
    with caplog.at_level("INFO", logger=beat.__name__):
        assert first.hold() is True
        deadline = time.monotonic() + 5  # bounded: the TTL is one second
        while not second.hold() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.hold() is False
    lines = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert lines == [
        ("INFO", "beat lock: acquired, sending"),
        ("INFO", "beat lock: acquired, sending"),
        ("WARNING", "beat lock: held elsewhere, idle"),
    ]
    second.release()
