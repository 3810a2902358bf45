"""One beat at a time: a Redis lock makes every other beat process idle.

``CELERY_BEAT_SCHEDULER`` points here, so any ``celery beat`` or ``worker --beat`` uses it.
The beat holding the lock (a key with a TTL, renewed on every tick) sends the schedule;
the others tick without sending and take over within ``BEAT_LOCK_TTL`` seconds when the
holder dies. Without Redis (development, memory broker) there is nothing to share and the
only beat runs. Jobs that send something also claim their period (e.g. the monthly digest
per school and month), so even a take-over that replays a missed entry sends nothing twice.
"""

import contextlib
import logging
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)

LOCK_KEY = "opo:beat:lock"
# Renew our lock if we hold it, else take it if free. 1 = we hold it now.
_ACQUIRE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class BeatLock:
    def __init__(self, url: str, ttl: int):
        self.ttl = ttl
        self.token = uuid.uuid4().hex
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1)
        self.held = False

    def hold(self) -> bool:
        """True when this process holds the lock now. A Redis error means "not held"."""
        try:
            held = bool(self.client.eval(_ACQUIRE, 1, LOCK_KEY, self.token, self.ttl * 1000))
        except redis.RedisError as error:
            held = False
            log.warning("beat lock: Redis unavailable (%s); not sending", type(error).__name__)
        if held != self.held:
            log.warning("beat lock: %s", "acquired, sending" if held else "held elsewhere, idle")
        self.held = held
        return held

    def release(self) -> None:
        with contextlib.suppress(redis.RedisError):  # else the TTL frees it
            self.client.eval(_RELEASE, 1, LOCK_KEY, self.token)


class LockedScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        url = getattr(settings, "REDIS_URL", "")
        ttl = getattr(settings, "BEAT_LOCK_TTL", 30)
        self.lock = BeatLock(url, ttl) if url else None
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs) -> float:
        if self.lock is None:
            return super().tick(*args, **kwargs)
        renew = self.lock.ttl / 3
        if not self.lock.hold():
            return renew
        return min(super().tick(*args, **kwargs), renew)

    def close(self) -> None:
        if self.lock is not None and self.lock.held:
            self.lock.release()
        super().close()
