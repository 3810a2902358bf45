"""A Redis that hangs (kill -STOP) and comes back with its data: a change made meanwhile
that had to drop a cached copy (a logout, a removed teacher) still counts afterwards.

Each test runs its own redis-server on a free port and stops only that one (`own_redis`)."""

import time

from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import user_cache
from accounts.sessions import SessionStore
from opo_portal.cache import ResilientRedisCache
from outbox.models import Duty
from outbox.services import duty_run
from schools.models import StaffMembership


def _hang_then_return(redis, change) -> None:
    """`change` runs while Redis hangs; then Redis returns with every key it held.

    A command sent to the stopped Redis still runs when it resumes (it waits in the socket),
    but after the request's first timeout the cache sends nothing for a while."""
    redis.proc.pause()
    try:
        change()
    finally:
        redis.proc.resume()
    ResilientRedisCache._down_until = 0.0  # as once the pause after the error is over


def _run_pending_duties() -> None:
    """What the worker does once the sweeper (beat, through Redis) finds them."""
    for duty_id in Duty.objects.filter(status=Duty.Status.PENDING).values_list("pk", flat=True):
        duty_run(duty_id=duty_id)


def test_a_logout_while_redis_hangs_stays_a_logout_when_redis_returns(
    own_redis, login, parent_a, pupil_a
):
    child = reverse("consent:child", args=[pupil_a.pk])
    client = login(parent_a)
    assert client.get(child).status_code == 200  # the session is cached in Redis
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    _hang_then_return(own_redis, lambda: client.post(reverse("account_logout")))
    _run_pending_duties()

    thief = Client()
    thief.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    assert thief.get(child).status_code == 302  # to the login page, not the child's answers


def test_a_teacher_removed_while_redis_hangs_loses_their_reach_when_redis_returns(
    own_redis, teacher_a
):
    key = user_cache._key(teacher_a.pk)
    cache.delete(key)  # the tombstone of the teacher's creation, as a minute later
    assert user_cache.load_user(teacher_a.pk)._opo_memberships
    assert isinstance(cache.get(key), tuple)  # cached, with the class
    membership = StaffMembership.objects.get(user=teacher_a)

    def director_removes_the_teacher():
        cache.get("opo.session.director")  # the request's session read waits first
        membership.delete()

    _hang_then_return(own_redis, director_removes_the_teacher)
    _run_pending_duties()

    assert user_cache.load_user(teacher_a.pk)._opo_memberships == []


def test_nothing_is_queued_when_redis_answers(own_redis, login, parent_a, teacher_a):
    login(parent_a).post(reverse("account_logout"))
    StaffMembership.objects.filter(user=teacher_a).first().delete()
    assert not Duty.objects.filter(key__startswith="cache-forget:").exists()


def test_the_duty_waits_while_redis_is_still_down(own_redis, teacher_a):
    user_cache.load_user(teacher_a.pk)
    own_redis.proc.pause()
    try:
        cache.get("opo.session.director")
        StaffMembership.objects.get(user=teacher_a).delete()
        _run_pending_duties()
    finally:
        own_redis.proc.resume()
    duty = Duty.objects.get(key__startswith="cache-forget:")
    assert (duty.status, duty.attempts) == (Duty.Status.PENDING, 1)


def test_a_queued_drop_does_not_name_the_session_key(own_redis, login, parent_a):
    """The outbox's payload is on the admin's duty page: the session key there would be a
    cookie that logs in as the parent while the cached copy still lives."""
    client = login(parent_a)
    session_key = client.session.session_key

    def logout_while_hanging():
        cache.get("opo.session.x")  # the request's session read waits first
        client.post(reverse("account_logout"))

    _hang_then_return(own_redis, logout_while_hanging)
    duty = Duty.objects.get(key__startswith="cache-forget:")
    assert session_key not in str(duty.payload)


# --- A session saved while Redis hangs; the first reads once Redis is back ---------------


def _hang_then_return_noticed(redis, change) -> None:
    """As `_hang_then_return`, but the process keeps what it noticed (its pause has run
    out, as a few seconds later); no sweep has run yet."""
    redis.proc.pause()
    try:
        change()
    finally:
        redis.proc.resume()
    ResilientRedisCache._down_until = time.monotonic()


def _cached_session(**data) -> SessionStore:
    store = SessionStore()
    store.update(data)
    store.save()  # the database row, and the copy in Redis
    assert cache.get(store.cache_key)["step"] == data["step"]
    return store


def _saved_while_hanging(session_key: str) -> None:
    cache.get("opo.session.x")  # the request's first cache call waits, then the pause
    store = SessionStore(session_key)
    store["step"] = "after"  # a code asked for while re-authenticating, a TOTP check…
    store.save()


def test_a_session_saved_while_redis_hangs_is_read_as_saved_once_the_duties_ran(own_redis, db):
    # The copy in Redis still said "before": each request read it for up to
    # SESSION_CACHE_SECONDS, and the next save wrote it back over the database's row.
    store = _cached_session(step="before")
    _hang_then_return(own_redis, lambda: _saved_while_hanging(store.session_key))
    _run_pending_duties()
    assert SessionStore(store.session_key).load()["step"] == "after"


def test_the_process_that_noticed_the_outage_drops_queued_copies_before_it_reads(
    own_redis, db, teacher_a
):
    """Until the sweeper ran (OUTBOX_SWEEP_SECONDS after Redis returned) the stale copies
    were read: a removed teacher's reach, a logged-out session, an older session."""
    store = _cached_session(step="before")
    key = user_cache._key(teacher_a.pk)
    cache.delete(key)
    assert user_cache.load_user(teacher_a.pk)._opo_memberships  # cached with the class

    def changes():
        _saved_while_hanging(store.session_key)
        StaffMembership.objects.filter(user=teacher_a).delete()

    _hang_then_return_noticed(own_redis, changes)
    assert SessionStore(store.session_key).load()["step"] == "after"
    assert user_cache.load_user(teacher_a.pk)._opo_memberships == []
    assert ResilientRedisCache._down_until == 0.0  # drained: the next call asks nothing


def test_no_drain_query_while_redis_stays_up(own_redis, db, django_assert_num_queries):
    store = _cached_session(step="before")
    with django_assert_num_queries(0):  # the copy from Redis, nothing from the database
        assert SessionStore(store.session_key).load()["step"] == "before"


def test_a_consent_state_changed_while_redis_hangs_is_never_shown_stale(
    own_redis, login, parent_a, teacher_a, pupil_a, group_a1
):
    """Consent states are never cached: what a teacher sees the moment Redis returns with
    its old keys, before any sweep and in a process that noticed nothing, is the database's."""
    from consent.tests.helpers import decide, purpose

    decide(pupil_a, parent_a, "website", "photo", True)
    parent, teacher = login(parent_a), Client()
    teacher.force_login(teacher_a)
    overview = reverse("consent:group", args=[group_a1.pk])
    query = {"purpose": "website", "media": "photo"}
    assert "state--granted" in teacher.get(overview, query).content.decode()  # all cached
    withdraw = reverse("consent:withdraw", args=[pupil_a.pk])
    target = {"target": f"{purpose('website').pk}:photo"}
    saved = []

    _hang_then_return(own_redis, lambda: saved.append(parent.post(withdraw, target)))

    assert saved[0].status_code == 302
    html = teacher.get(overview, query).content.decode()
    assert "state--refused" in html and "state--granted" not in html


def test_with_the_database_down_too_the_drops_are_asked_for_once_per_pause(
    own_redis, db, monkeypatch
):
    """Every cache call would otherwise try the database again (a connection attempt each)."""
    from django.db import OperationalError

    from accounts import cache_forget

    asked = []

    def database_down():
        asked.append(1)
        raise OperationalError("connection refused")

    monkeypatch.setattr(cache_forget, "queued_keys", database_down)
    monkeypatch.setattr(ResilientRedisCache, "_drain_after", 0.0)
    ResilientRedisCache._down_until = time.monotonic()  # an outage noticed, now over
    cache.set("opo.test.k", "v")
    assert cache.get("opo.test.k") == "v"  # Redis answers; reads go on
    assert len(asked) == 1
