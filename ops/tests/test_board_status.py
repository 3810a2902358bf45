"""The board home warns when the worker or beat stopped; nobody else sees it."""

import time
import uuid

import pytest
from django.urls import reverse

from conftest import require_service
from ops import health

WARNING = "De verwerking op de achtergrond vraagt aandacht"


@pytest.fixture
def redis_health(settings, monkeypatch):
    settings.REDIS_URL = require_service("REDIS_URL")
    prefix = f"opo:test:{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(health, "KEYS", {p: f"{prefix}:{p}" for p in ("beat", "worker")})
    yield
    health._redis().delete(*health.KEYS.values())


def board_home(login, board):
    return (
        login(board).get(reverse("accounts:home_board"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    )


@pytest.mark.services
def test_it_shows_a_stale_beat_on_the_board_home(login, board, redis_health, settings):
    health.record("worker")
    health.record("beat", time.time() - settings.HEALTH_BEAT_STALE_SECONDS - 60)
    page = board_home(login, board)
    assert WARNING in page
    assert "Planner (beat): laatst gezien" in page
    assert "Worker:" not in page
    # where the IT partner reads every part: not /health/ready through the website's
    # address, which gives the overall status only
    assert "op de server geeft manage.py health" in page


@pytest.mark.services
def test_it_shows_a_stale_worker_on_the_board_home(login, board, redis_health):
    health.record("beat")
    page = board_home(login, board)
    assert "Worker: geen worker heeft geantwoord" in page


@pytest.mark.services
def test_it_shows_nothing_when_all_runs(login, board, redis_health):
    health.record("beat")
    health.record("worker")
    assert WARNING not in board_home(login, board)


def test_it_shows_nothing_in_development_without_redis(login, board, settings):
    settings.REDIS_URL = ""
    assert WARNING not in board_home(login, board)


@pytest.mark.services
def test_it_is_not_on_a_directors_home(login, director_a, redis_health):
    page = login(director_a).get(reverse("accounts:home_director")).content.decode()
    assert WARNING not in page


def test_a_hanging_redis_costs_the_board_home_its_timeout_once(own_redis, settings):
    """Redis stopped (kill -STOP): the warning's reads waited their socket timeout (2 s) on
    every board home; after one error they leave Redis alone, as the cache does."""
    settings.REDIS_URL = own_redis.url
    own_redis.proc.pause()
    assert [check.name for check in health.stale_parts()] == ["redis"]
    started = time.monotonic()
    assert [check.name for check in health.stale_parts()] == ["redis"]
    assert time.monotonic() - started < 0.5
