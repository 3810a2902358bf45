import os
import uuid

import pytest
from celery.app.defaults import NAMESPACES, flatten
from django.conf import settings

from conftest import require_service, worker
from opo_portal.celery import app, ping

KNOWN_CELERY_SETTINGS = {key for key, _ in flatten(NAMESPACES)}


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


@pytest.mark.services
def test_it_runs_a_task_on_a_real_worker_through_redis():
    require_service("REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with worker(queue):
        try:
            app.conf.CELERY_TASK_ALWAYS_EAGER = False
            result = ping.apply_async(queue=queue)
            assert result.get(timeout=60) == "pong"
        finally:
            app.conf.CELERY_TASK_ALWAYS_EAGER = settings.CELERY_TASK_ALWAYS_EAGER
