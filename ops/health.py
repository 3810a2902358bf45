"""Readiness: is every part the portal needs up, and which one is down?

The worker and beat leave timestamps in Redis (see `record`): beat when it publishes the
heartbeat task, a worker when it runs it. Redis is read directly, not through the Django
cache, so a cache that degrades to memory never hides a dead Redis.

The outbox backlog is reported beside the checks, never as one: readiness that failed on
it would take web nodes out of the load balancer, and no web node can clear a backlog.
"""

import functools
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from opo_portal.cache import redis_failed, redis_unavailable
from outbox.services import duties_backlog

log = logging.getLogger(__name__)
HEARTBEAT_TASK = "ops.heartbeat"
KEYS = {"beat": "opo:health:beat", "worker": "opo:health:worker"}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


# The probe's own ping: a Redis that accepts and never answers (hung, kill -STOP) cost
# every /health/ready the 2 s socket timeout, and a probe answering late is counted as
# failed by orchestrators anyway. A healthy Redis answers a PING in well under 1 ms.
PROBE_TIMEOUT = 0.5


def _redis(timeout: float = 2):
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )


def record(part: str, at: float | None = None) -> None:
    """Note that `part` ("beat" or "worker") was alive at `at` (now by default)."""
    if not settings.REDIS_URL:
        return
    # Kept without expiry (it was a day: a beat stopped for two was then "has never
    # published its schedule"): an absent key means "never seen", an old one "stale since".
    _redis().set(KEYS[part], str(at or time.time()))


def last_seen(part: str) -> float | None:
    value = _redis().get(KEYS[part])
    return float(value) if value else None


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "down", with its class
        return Check(
            "database", False, _("not reachable (%(error)s)") % {"error": type(exc).__name__}
        )
    return Check("database", True, _("answers"))


@functools.cache
def _code_migrations() -> tuple[frozenset[tuple[str, str]], dict[tuple[str, str], tuple]]:
    """The code's migrations (a squashed one instead of those it replaces) and, for each
    squashed one, what it replaces. Read from disk once per process (8 ms measured; the
    migration planner, which reads the database's graph too, cost 6-10 ms on every call and
    90 ms on the first): the code does not change under a running process."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    replaces = {key: tuple(m.replaces) for key, m in loader.replacements.items()}
    return frozenset(loader.graph.nodes), replaces


def unapplied(applied: set[tuple[str, str]]) -> list[str]:
    """The code's migrations missing from `applied` (rows of django_migrations), sorted."""
    nodes, replaces = _code_migrations()
    missing = [
        key
        for key in nodes
        if key not in applied and not (key in replaces and set(replaces[key]) <= applied)
    ]
    return sorted(f"{app}.{name}" for app, name in missing)


def check_migrations() -> Check:
    """Is the database behind the code? A restore of an older backup, or code deployed
    on this node before `release` ran elsewhere, answers 500 on every page that reads
    what a missing migration adds, while every other check says ok. One query per probe
    (django_migrations, ~100 rows); migrations the code does not know (the next release
    migrated first, a rolling deploy) are not a failure: migrations add before they remove."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {(app, name) for app, name in cursor.fetchall()}
    except DatabaseError as exc:  # no table at all: a database never migrated
        log.warning("health: migrations not read (%s)", type(exc).__name__)
        return Check(
            "migrations", False, _("not readable (%(error)s)") % {"error": type(exc).__name__}
        )
    missing = unapplied(applied)
    if not missing:
        return Check("migrations", True, _("all applied"))
    shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
    return Check(
        "migrations",
        False,
        _("database behind the code: %(count)d not applied (%(names)s)")
        % {"count": len(missing), "names": shown},
    )


def check_redis() -> Check:
    if not settings.REDIS_URL:
        return Check("redis", True, _("not configured (development: memory broker and cache)"))
    import redis

    try:
        _redis(PROBE_TIMEOUT).ping()
    except redis.ResponseError as exc:  # it answers: REDIS_URL's /N is not one of its databases
        return Check(
            "redis",
            False,
            _("answers, but has no database %(number)s (%(error)s)")
            % {"number": redis_database_number(), "error": " ".join(str(exc).split())},
        )
    except Exception as exc:  # noqa: BLE001
        return Check("redis", False, _("not reachable (%(error)s)") % {"error": type(exc).__name__})
    return Check("redis", True, _("answers"))


def redis_database_number() -> str:
    return urlparse(settings.REDIS_URL).path.strip("/") or "0"


def _age(part: str, now: float) -> float | None:
    seen = last_seen(part)
    return None if seen is None else max(0.0, now - seen)


def _stale(name: str, age: float | None, limit: int, never: str) -> Check:
    if age is None:
        return Check(name, False, never)
    if age > limit:
        return Check(name, False, _("last seen %(seconds)d s ago") % {"seconds": age})
    return Check(name, True, _("seen %(seconds)d s ago") % {"seconds": age})


def check_beat(now: float) -> Check:
    if not settings.REDIS_URL:
        return Check("beat", True, _("not needed (tasks run eagerly)"))
    never = _("has never published its schedule")
    return _stale("beat", _age("beat", now), settings.HEALTH_BEAT_STALE_SECONDS, never)


def check_worker(now: float, *, ping: bool = True) -> Check:
    """Fresh heartbeat, or else (when `ping`) a worker that answers a broadcast ping now."""
    if not settings.REDIS_URL:
        return Check("worker", True, _("not needed (tasks run eagerly)"))
    never = _("no worker has answered")
    result = _stale("worker", _age("worker", now), settings.HEALTH_WORKER_STALE_SECONDS, never)
    if result.ok or not ping:
        return result
    from opo_portal.celery import app

    try:
        answered = app.control.ping(timeout=1.0)
    except Exception as exc:  # noqa: BLE001 - a broker connection lost with a Redis restart
        log.warning("health: worker ping failed (%s)", type(exc).__name__)
        answered = []
    if answered:
        record("worker", now)
        return Check("worker", True, _("answered a ping just now"))
    return result


def readiness(*, now: float | None = None) -> list[Check]:
    now = now or time.time()
    database_check = check_database()
    checks = [database_check]
    if database_check.ok:
        checks.append(check_migrations())
    else:
        checks.append(Check("migrations", False, _("unknown while the database is down")))
    redis_check = check_redis()
    checks.append(redis_check)
    if redis_check.ok:
        checks += [check_worker(now), check_beat(now)]
    else:
        unknown = _("unknown while Redis is down")
        checks += [Check("worker", False, unknown), Check("beat", False, unknown)]
    return checks


def beat_liveness(*, now: float | None = None) -> list[Check]:
    """Redis and beat's heartbeat only: the beat container's healthcheck (compose.yaml,
    `manage.py health --beat`). A beat that stopped publishing (hung, or cut off from
    Redis) is stale after HEALTH_BEAT_STALE_SECONDS, whatever the other parts say."""
    redis_check = check_redis()
    if not redis_check.ok:
        return [redis_check, Check("beat", False, _("unknown while Redis is down"))]
    return [redis_check, check_beat(now or time.time())]


def stale_parts(*, now: float | None = None) -> list[Check]:
    """Worker and beat problems for a page: cheap (two Redis reads, no ping, no database).
    After a Redis error (here, the cache's or the broker's) Redis is left alone for a while
    (`opo_portal.cache.redis_unavailable`): a Redis that hangs cost every board home the
    socket timeout."""
    now = now or time.time()
    down = Check("redis", False, _("not reachable"))
    if settings.REDIS_URL and redis_unavailable():
        return [down]
    try:
        checks = [check_beat(now), check_worker(now, ping=False)]
    except Exception as exc:  # noqa: BLE001 - Redis itself is down
        import redis

        if isinstance(exc, redis.RedisError):
            redis_failed()
        return [down]
    return [c for c in checks if not c.ok]


def passed(checks: list[Check], name: str) -> bool:
    return any(c.name == name and c.ok for c in checks)


def outbox_backlog() -> dict | None:
    """Pending duties, the oldest one's age in seconds, and `stuck` once that age passes
    HEALTH_OUTBOX_STUCK_SECONDS; None when the database does not answer."""
    try:
        backlog = duties_backlog()
    except DatabaseError as exc:
        log.warning("health: outbox backlog not read (%s)", type(exc).__name__)
        return None
    oldest = backlog.oldest_seconds
    stuck = oldest is not None and oldest > settings.HEALTH_OUTBOX_STUCK_SECONDS
    return {"pending": backlog.pending, "oldest_seconds": oldest, "stuck": stuck}


def describe_outbox(outbox: dict) -> str:
    if not outbox["pending"]:
        return _("nothing pending")
    return _("%(pending)d pending, the oldest for %(seconds)d s") % {
        "pending": outbox["pending"],
        "seconds": outbox["oldest_seconds"],
    }


def unanswered_cases() -> dict | None:
    """Open cases nobody answers for (monitoring.selectors.unanswered_cases); reported
    beside the checks like the outbox, never a reason to fail. None when the database
    does not answer."""
    from monitoring.selectors import unanswered_cases as read

    try:
        return read()
    except DatabaseError as exc:
        log.warning("health: unanswered cases not read (%s)", type(exc).__name__)
        return None


def unanswered_takedowns() -> dict | None:
    """Open takedowns nobody can act on (consent.services.takedowns_nobody_has): a picture
    that should come down with nobody left to take it down. Reported like the cases."""
    from consent.services import takedowns_nobody_has

    try:
        return takedowns_nobody_has()
    except DatabaseError as exc:
        log.warning("health: unanswered takedowns not read (%s)", type(exc).__name__)
        return None


def describe_unanswered_takedowns(unanswered: dict) -> str:
    if not unanswered["tasks"]:
        return _("every open takedown has someone to take the picture down")
    return _(
        "%(tasks)d open takedown(s) nobody can act on (no director, no board member): %(schools)s"
    ) % {"tasks": unanswered["tasks"], "schools": ", ".join(unanswered["schools"])}


def describe_unanswered(unanswered: dict) -> str:
    if not unanswered["cases"]:
        return _("every open case has someone to answer for it")
    return _(
        "%(cases)d open case(s) nobody answers for (no director, no board member): %(schools)s"
    ) % {"cases": unanswered["cases"], "schools": ", ".join(unanswered["schools"])}
