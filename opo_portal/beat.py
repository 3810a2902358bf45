"""One beat at a time: a Redis lock makes every other beat process idle.

``CELERY_BEAT_SCHEDULER`` points here, so any ``celery beat`` or ``worker --beat`` uses it.
The beat holding the lock (a key with a TTL, renewed on every tick) sends the schedule;
the others tick without sending and take over within ``BEAT_LOCK_TTL`` seconds when the
holder dies. Without Redis (development, memory broker) there is nothing to share and the
only beat runs. Jobs that send something also claim their period (e.g. the monthly digest
per school and month), so even a take-over that replays a missed entry sends nothing twice.

A stop (SIGTERM, SIGINT) is bounded: the lock is released once, and a beat still running
``BEAT_STOP_SECONDS`` after the signal exits without waiting further; either way one log
line says how it stopped.
"""

import contextlib
import logging
import os
import pickle
import signal
import sys
import threading
import time
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
            self._log_change(held)
        self.held = held
        return held

    @staticmethod
    def _log_change(held: bool) -> None:
        """Taking the lock is a normal start (INFO); losing it, another beat having taken
        it over, is a WARNING."""
        if held:
            log.info("beat lock: acquired, sending")
        else:
            log.warning("beat lock: held elsewhere, idle")

    def release(self) -> bool:
        """Give the lock up; False when Redis did not answer (the TTL frees it then)."""
        self.held = False  # once: a stalled Redis costs one socket timeout, not one per close
        try:
            self.client.eval(_RELEASE, 1, LOCK_KEY, self.token)
        except redis.RedisError:
            return False
        return True


class ScheduleFile(dict):
    """Beat's schedule (each entry's last run) in one pickle file, replaced whole on every
    sync: written beside it, flushed to disk, then renamed over it. Celery's default, a
    shelve, is a Berkeley DB file on Debian's Python: a beat killed while writing it
    (SIGKILL, out of memory, power loss) left it broken, and the next start logged an ERROR,
    a traceback and the C library's own lines, then removed it. A file that cannot be read
    now is one WARNING line and an empty schedule, as a first start."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        try:
            with open(path, "rb") as file:
                self.update(pickle.load(file))  # noqa: S301 - beat's own file in var/
        except FileNotFoundError:
            pass
        except Exception as error:  # noqa: BLE001 - any damage: start afresh, say so once
            log.warning(
                "beat: schedule file %s unreadable (%s); starting with a new one",
                path, type(error).__name__,
            )  # fmt: skip

    @classmethod
    def open(cls, path: str, writeback: bool = True) -> "ScheduleFile":
        """Celery's `persistence.open(filename, writeback=True)`."""
        return cls(path)

    def sync(self) -> None:
        partial = f"{self.path}.{os.getpid()}.partial"  # a second beat by mistake: its own
        try:
            with open(partial, "wb") as file:
                pickle.dump(dict(self), file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)

    def close(self) -> None:
        self.sync()


class LockedScheduler(PersistentScheduler):
    persistence = ScheduleFile

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
        # Celery closes twice on a SIGTERM (in its handler, then as start() unwinds).
        how = "no lock held"
        if self.lock is not None and self.lock.held:
            how = "lock released" if self.lock.release() else "lock left to expire"
        super().close()
        if _stop.requested_at is not None and not _stop.finished:
            _stop.done(how)


class _Stop:
    """Bounds a beat's stop: armed by the first SIGTERM or SIGINT (a real beat process only,
    see `install_stop_watchdog`), it ends the process BEAT_STOP_SECONDS later if the lock's
    release, the schedule file or the interpreter's exit still holds it. Lines are written
    directly: a logging call could wait on a lock held by the code the signal interrupted."""

    def __init__(self):
        self.requested_at: float | None = None
        self.signal_name = ""
        self.finished = False  # the lock and the schedule file were dealt with

    def request(self, signum: int) -> None:
        if self.requested_at is not None:
            return
        self.requested_at = time.monotonic()
        self.signal_name = signal.Signals(signum).name
        seconds = getattr(settings, "BEAT_STOP_SECONDS", 8)
        timer = threading.Timer(seconds, self.give_up, args=(seconds,))
        timer.daemon = True
        timer.start()

    def done(self, how: str) -> None:
        self.finished = True
        elapsed = time.monotonic() - (self.requested_at or time.monotonic())
        self.say(logging.INFO, "beat: stopped (%s) in %.1f s, %s", self.signal_name, elapsed, how)

    def give_up(self, seconds: int) -> None:
        if not self.finished:
            self.say(
                logging.ERROR,
                "beat: not stopped within %d s of %s (Redis or the schedule file did not "
                "answer); exiting without waiting further",
                seconds, self.signal_name,
            )  # fmt: skip
            os._exit(1)
        os._exit(0)  # stopped cleanly; only the interpreter's exit was slow

    def say(self, level: int, message: str, *args) -> None:
        from ops.logs import console_formatter

        record = logging.LogRecord(__name__, level, __file__, 0, message, args, None)
        fd = (sys.__stdout__ or sys.stdout).fileno()
        with contextlib.suppress(OSError):
            if level >= logging.ERROR:  # on the way out: a full pipe must not hold the exit
                os.set_blocking(fd, False)
            os.write(fd, (console_formatter().format(record) + "\n").encode())


_stop = _Stop()


def install_stop_watchdog() -> None:
    """In a beat process's main thread (Celery's `beat_init`): SIGTERM and SIGINT arm the
    stop watchdog, then do what they did (Celery's handler saves the schedule and exits)."""
    if threading.current_thread() is not threading.main_thread():
        return  # a beat thread inside a worker (-B with threads): the worker's signals
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)

        def handler(signum, frame, previous=previous):
            _stop.request(signum)
            if callable(previous):
                previous(signum, frame)
            else:
                raise SystemExit(0)

        signal.signal(signum, handler)
