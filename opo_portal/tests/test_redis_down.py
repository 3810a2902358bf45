"""Redis down: the cache degrades to misses, logins and pages keep working, no 500."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from opo_portal import cache as resilient
from opo_portal.middleware import ServiceUnavailableMiddleware
from outbox.services import duty_enqueue

DEAD_REDIS = "redis://127.0.0.1:9/0"  # discard port: nothing listens on loopback


@pytest.fixture
def dead_cache(settings):
    resilient.ResilientRedisCache._down_until = 0.0
    settings.CACHES = {
        "default": {
            "BACKEND": "opo_portal.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    resilient.ResilientRedisCache._down_until = 0.0


def test_it_turns_cache_errors_into_misses_and_no_ops(dead_cache, caplog):
    assert cache.get("k", "default") == "default"
    cache.set("k", 1)
    assert cache.add("k", 1) is True  # as for a missing key: allauth's locks need it
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("k")
    assert "Redis unavailable" in caplog.text


def test_it_skips_redis_for_a_while_after_an_error(dead_cache):
    cache.get("k")
    assert resilient.ResilientRedisCache._down_until > 0


def test_it_logs_a_parent_in_with_the_cache_down(dead_cache, client, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": parent_a.email, "password": "correct horse 42"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(parent_a.pk)


def test_it_keeps_counting_failed_logins_in_the_process_with_the_cache_down(
    dead_cache, client, parent_a
):
    """Decided: with Redis down the login rate limits fall back to this process's memory
    (neither open to guessing for the whole outage, nor closed to everyone)."""
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": parent_a.email, "password": "wrong"})
    response = client.post(url, {"login": parent_a.email, "password": "correct horse 42"})
    assert "Te veel inlogpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_used_totp_code_again_with_the_cache_down(dead_cache):
    used = "allauth.mfa.totp.used?user=7&code=123456"  # allauth's key for a used code
    assert cache.add(used, "y", timeout=30) is True
    assert cache.add(used, "y", timeout=30) is False
    assert cache.add("opo.other", 1) is cache.add("opo.other", 1) is True  # others: a miss


def test_it_logs_a_parent_in_by_e_mailed_code_with_the_cache_down(dead_cache, client, parent_a):
    import re

    from django.core import mail

    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client.post(reverse("account_request_login_code"), {"email": parent_a.email})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(parent_a.pk)


def test_it_shows_a_dutch_try_again_page_when_the_queue_is_down(db):
    request = RequestFactory().get("/")
    middleware = ServiceUnavailableMiddleware(lambda r: None)
    response = middleware.process_exception(request, RedisConnectionError("refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Probeer het over een minuut opnieuw" in response.content.decode()


def test_it_leaves_other_errors_alone(db):
    middleware = ServiceUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), KeyError("x")) is None


def test_it_records_a_protocol_confirmation_with_the_cache_down(dead_cache, login, teacher_a):
    from policy.models import Acknowledgement, ProtocolVersion

    version = ProtocolVersion.objects.get(number=1)
    response = login(teacher_a).post(reverse("policy:confirm"), {"version": 1})
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(version=version, user=teacher_a).exists()


def test_it_saves_a_parents_no_with_the_cache_down(
    dead_cache, login, parent_a, pupil_a, django_capture_on_commit_callbacks
):
    from consent.models import ConsentEvent, Purpose

    purpose = Purpose.objects.get(code="website")
    page = login(parent_a).get(reverse("consent:child", args=[pupil_a.pk]))
    assert page.status_code == 200
    fields = page.context["form"].fields
    data = {name: f.initial for name, f in fields.items() if name.startswith("v-")}
    data[f"c-{purpose.pk}-photo"] = "no"
    with django_capture_on_commit_callbacks(execute=True):
        response = login(parent_a).post(reverse("consent:child", args=[pupil_a.pk]), data)
    assert response.status_code == 302
    assert ConsentEvent.objects.filter(pupil=pupil_a, granted=False).count() == 1


def test_it_reuses_one_redis_client_per_connection_pool():
    # Django builds a redis.Redis per cache call; that cost a logged-in request more CPU
    # than the Redis round trip. Building a client connects nothing, so a dead URL will do.
    backend = resilient.ResilientRedisCache(DEAD_REDIS, {})
    client = backend._cache.get_client(write=True)
    assert backend._cache.get_client("some-key") is client
    assert client.connection_pool is backend._cache._get_connection_pool(True)


RECORD = "outbox.tests.handlers.record"


def test_a_save_that_found_redis_hanging_leaves_the_broker_alone(
    db, dead_cache, settings, hanging_broker, django_capture_on_commit_callbacks
):
    """A save's session read waits for the cache's socket timeout (1 s) on a Redis that
    hangs; publishing its duty to that same Redis then waited the broker's (5 s) on top: a
    parent's "no" took 6 s (fault scenario redis-hangs). The duty waits for the sweeper."""
    from outbox.models import Duty

    settings.CELERY_BROKER_URL = DEAD_REDIS
    assert cache.get("opo.session.x") is None  # the read that found Redis gone
    with django_capture_on_commit_callbacks(execute=True):
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
    assert hanging_broker == []
    assert Duty.objects.get(key="k").status == Duty.Status.PENDING


def test_a_failed_publish_makes_the_cache_leave_redis_alone(
    db, dead_cache, settings, hanging_broker, django_capture_on_commit_callbacks, caplog
):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    with django_capture_on_commit_callbacks(execute=True):
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
    assert len(hanging_broker) == 1
    assert cache.get("k", "missed") == "missed"
    assert "Redis unavailable" not in caplog.text  # the cache did not wait on it again


def test_the_cache_pause_holds_the_broker_only_when_the_broker_is_redis(
    db, dead_cache, settings, hanging_broker, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "memory://"  # development: no Redis broker
    cache.get("k")
    with django_capture_on_commit_callbacks(execute=True):
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
    assert len(hanging_broker) == 1


def _pause_just_ended() -> None:
    """A call failed on Redis, its pause is over, and no call reached Redis since."""
    resilient.ResilientRedisCache._down_until = time.monotonic() - 0.01


def test_a_publish_after_the_pause_asks_the_cache_first_and_is_skipped_if_it_fails(
    db, dead_cache, settings, hanging_broker, django_capture_on_commit_callbacks, caplog
):
    """A pause that ended while a request ran: its publish found a hanging Redis first and
    waited the broker's 5 s. Now the cache asks (1 s at most) and the duty waits."""
    from outbox.models import Duty

    settings.CELERY_BROKER_URL = DEAD_REDIS
    _pause_just_ended()
    with django_capture_on_commit_callbacks(execute=True):
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
    assert hanging_broker == []
    assert "cache: Redis unavailable" in caplog.text
    assert Duty.objects.get(key="k").status == Duty.Status.PENDING


def test_a_publish_after_the_pause_goes_when_redis_answers_the_cache(
    db, own_redis, settings, hanging_broker, django_capture_on_commit_callbacks, caplog
):
    settings.CELERY_BROKER_URL = own_redis.url
    _pause_just_ended()
    with django_capture_on_commit_callbacks(execute=True):
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
    assert len(hanging_broker) == 1
    assert "cache: Redis answers again" in caplog.text


def test_a_publish_after_the_pause_goes_when_the_cache_is_not_redis(
    db, settings, hanging_broker, django_capture_on_commit_callbacks
):
    """A Redis broker beside another cache: only the pause after a failed publish holds it."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = DEAD_REDIS
    _pause_just_ended()
    with django_capture_on_commit_callbacks(execute=True):
        duty_enqueue(key="k", handler=RECORD, payload={"n": 1})
    assert len(hanging_broker) == 1
