"""A Redis cache that degrades instead of failing: with Redis down, reads miss and writes do
nothing (logged), so logins (allauth's rate limits), sessions (cached_db falls back to the
database) and pages keep working. After an error the cache skips Redis for a few seconds
(``RETRY_AFTER``) so an outage costs each request nothing, not a timeout per call.

After a pause, the first call that reaches Redis drops what changes queued for dropping
meanwhile (``_forget_queued_entries``) before anything else is read. Until one did, the
outbox asks Redis through the cache before it publishes (``redis_asked_again``): a pause
that ended while a request ran cost its commit the broker's 5 s on a Redis still hanging.

The pause is the process's, for the server: the outbox's publisher (the broker is the same
Redis) skips the broker while it lasts and starts it after a failed publish
(``redis_unavailable``, ``redis_failed``). A Redis that hangs then costs a save one cache
timeout (1 s), not that and the broker's socket timeout (5 s) on top.

allauth's keys (login rate limits and their locks, used TOTP codes) are not dropped while
Redis is away but kept in this process's memory (``LOCAL_WHILE_DOWN``): as misses, every
limit was off for the whole outage (unlimited password guesses) and a TOTP code could be
used twice. Per process, a limit allows at most its count times the web processes, and
nobody is locked out: a fresh process starts at nought.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
RETRY_AFTER = 5.0
# allauth.core.internal.ratelimit ("allauth:rl:…", with ":lock") and
# allauth.mfa.totp.internal.auth ("allauth.mfa.totp.used?…")
LOCAL_WHILE_DOWN = ("allauth:", "allauth.")


def redis_unavailable() -> bool:
    """True while this process leaves Redis alone after an error (cache or broker)."""
    return time.monotonic() < ResilientRedisCache._down_until


def redis_asked_again() -> bool:
    """True when Redis may be used: no call failed since it last answered or, the pause
    after an error being over, it answers the cache now (within the cache's 1 s timeout;
    the queued drops go first). False during the pause, and when asking failed (a new
    pause). Asked before anything that would wait on it longer (a publish: 5 s)."""
    if not ResilientRedisCache._down_until:
        return True
    from django.core.cache import caches

    cache = caches["default"]  # the backend itself: `cache` is a proxy
    if isinstance(cache, ResilientRedisCache) and not redis_unavailable():
        cache.has_key("opo.redis.asked")  # an error starts the pause again
    return not redis_unavailable()


def redis_failed() -> None:
    """Leave Redis alone for ``RETRY_AFTER`` seconds: a call just failed on it."""
    ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER


class _ReusingClient(RedisCacheClient):
    """One redis.Redis per connection pool instead of a new one for every cache call.

    Django builds a client object per call, which cost a logged-in request more CPU than the
    Redis round trip itself. A client is thread-safe (it takes connections from its pool),
    and Django keeps one cache object per thread anyway.
    """

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's own
        clients = self.__dict__.setdefault("_opo_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # shared by all instances: the outage is the server's, not a thread's
    _drain_after = 0.0  # the queued drops are not read before (the database was down)
    # allauth's keys while Redis is away (LOCAL_WHILE_DOWN); bounded, as any locmem cache
    _local = LocMemCache("opo-while-redis-down", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient

    def validate_key(self, key):
        # Django warns about keys memcached would refuse, walking every character of every key
        # on every call; Redis takes any key.
        pass

    def _call(self, method: str, *args, fallback=None, **kwargs):
        if time.monotonic() < ResilientRedisCache._down_until:
            return self._without_redis(method, args, kwargs, fallback)
        try:
            if ResilientRedisCache._down_until and time.monotonic() >= self._drain_after:
                self._forget_queued_entries()
            return getattr(super(), method)(*args, **kwargs)
        except RedisError as error:
            redis_failed()
            log.warning(
                "cache: Redis unavailable (%s); degrading to no cache for %ss",
                type(error).__name__,
                RETRY_AFTER,
            )
            return self._without_redis(method, args, kwargs, fallback)

    @classmethod
    def _without_redis(cls, method: str, args: tuple, kwargs: dict, fallback):
        """What a call answers while Redis is away: `fallback` (a miss, a no-op), but for
        allauth's keys this process's own copy."""
        key = args[0] if args else None
        if isinstance(key, str) and key.startswith(LOCAL_WHILE_DOWN):
            return getattr(cls._local, method)(*args, **kwargs)
        return fallback

    def _forget_queued_entries(self) -> None:
        """The first call after this process found Redis down: drop every cached entry a
        change queued for dropping meanwhile (accounts.cache_forget), before anything is read.

        A Redis that hung, or restarted from its AOF, comes back with copies that changes
        made meanwhile could not drop: a removed teacher's memberships, a logged-out or
        since-saved session. The outbox's duty drops them at the next sweep, up to
        OUTBOX_SWEEP_SECONDS later; every process that noticed the outage (each one that
        served a request meanwhile) drops them itself first. One query, only then."""
        from django.db import DatabaseError
        from django.db.transaction import TransactionManagementError

        from accounts.cache_forget import queued_keys  # here: accounts imports this module

        try:
            keys = queued_keys()
        except (DatabaseError, TransactionManagementError) as error:
            # PostgreSQL down too: asked again after a pause, not on every cache call; the
            # sweep drops them meanwhile once it runs.
            ResilientRedisCache._drain_after = time.monotonic() + RETRY_AFTER
            log.warning("cache: queued drops not read (%s)", type(error).__name__)
            return
        if keys:
            super().delete_many(keys)  # a RedisError: down again, tried after the next pause
        ResilientRedisCache._down_until = 0.0
        log.info("cache: Redis answers again; %s queued entries dropped", len(keys))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Consistent with a miss: the key was absent, so "added". allauth takes its rate-limit
        # lock and marks TOTP codes used with add(); False would lock everyone out.
        return self._call("add", key, value, timeout, version, fallback=True)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version, fallback=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version, fallback=False)

    def delete(self, key, version=None):
        return self._call("delete", key, version, fallback=False)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version, fallback={})

    def has_key(self, key, version=None):
        return self._call("has_key", key, version, fallback=False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call("incr", key, delta, version, fallback=missing)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version, fallback=list(data))

    def delete_many(self, keys, version=None):
        self._call("delete_many", keys, version)

    def delete_many_or_raise(self, keys, version=None):
        """Without the pause and the fallback: for a duty that must know it reached Redis."""
        super().delete_many(keys, version)

    def clear(self):
        return self._call("clear", fallback=False)
