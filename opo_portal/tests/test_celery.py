import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery.app.defaults import NAMESPACES, flatten
from django.conf import settings
from django.db import connection

from conftest import require_service
from opo_portal.celery import app, ping

KNOWN_CELERY_SETTINGS = {key for key, _ in flatten(NAMESPACES)}
REPO = Path(__file__).resolve().parents[2]


def test_it_knows_every_celery_setting_we_set():
    # A misspelt CELERY_* name is silently ignored by Celery; catch it here.
    ours = [name for name in dir(settings) if name.startswith("CELERY_")]
    unknown = [n for n in ours if n.removeprefix("CELERY_").lower() not in KNOWN_CELERY_SETTINGS]
    assert ours
    assert unknown == []


def test_it_applies_our_celery_settings_to_the_app():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.broker_transport_options == settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert app.conf.timezone == "Europe/Amsterdam"


def test_it_takes_eager_mode_from_the_settings():
    # Eager by default without REDIS_URL; a real broker with it (see .env.example).
    assert app.conf.task_always_eager is settings.CELERY_TASK_ALWAYS_EAGER
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not os.environ.get("REDIS_URL"))


def _worker_env(queue: str) -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"
    return env


@pytest.mark.services
def test_it_runs_a_task_on_a_real_worker_through_redis():
    require_service("REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "opo_portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=REPO,
        env=_worker_env(queue),
    )
    try:
        app.conf.task_always_eager = False
        result = ping.apply_async(queue=queue)
        assert result.get(timeout=60) == "pong"
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
