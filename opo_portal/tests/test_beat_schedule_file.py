"""Beat's schedule file survives a beat killed mid-write, and a broken one is one line.

Celery's default store is a shelve, on Debian's Python a Berkeley DB file: after a beat was
killed (SIGKILL, out of memory, power loss) its next start logged an ERROR with a traceback,
lines of the C library without time or level, and the file was removed with every last-run
time in it (walk-through of README "Production", 2026-12-05).
"""

import os
import re

import pytest

from opo_portal import beat
from opo_portal.celery import app
from ops.tests.test_logs import (
    _production_lines,
    _test_database_url,
    assert_time_and_level,
)


def _scheduler(path) -> beat.LockedScheduler:
    scheduler = beat.LockedScheduler(app=app, schedule_filename=str(path), lazy=True)
    scheduler.setup_schedule()
    return scheduler


def test_it_keeps_the_last_run_times_across_a_restart(tmp_path, settings):
    settings.REDIS_URL = ""  # one beat, no lock
    first = _scheduler(tmp_path / "schedule")
    name = next(iter(first.schedule))
    first.schedule[name] = first.schedule[name].next()  # as after sending it
    ran_at = first.schedule[name].last_run_at
    first.close()
    second = _scheduler(tmp_path / "schedule")
    assert second.schedule[name].last_run_at == ran_at
    second.close()


def test_a_sync_that_fails_half_way_leaves_the_previous_file(tmp_path, settings):
    settings.REDIS_URL = ""
    scheduler = _scheduler(tmp_path / "schedule")
    before = (tmp_path / "schedule").read_bytes()
    scheduler._store["unpicklable"] = lambda: None  # pickle stops at it, mid-file
    with pytest.raises(Exception):  # noqa: B017 - pickle's own error type varies
        scheduler.sync()
    assert (tmp_path / "schedule").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedule"]


@pytest.mark.services
def test_a_broken_schedule_file_is_one_warning_line(tmp_path, db):
    from conftest import require_service

    for name in ("celerybeat-schedule", "celerybeat-schedule.db"):
        (tmp_path / name).write_bytes(os.urandom(12288))  # what a kill mid-write can leave
    env = {
        **os.environ,
        "LOG_FORMAT": "text",
        "REDIS_URL": require_service("REDIS_URL"),  # the run's own database
        "DATABASE_URL": _test_database_url() or "postgres://x@127.0.0.1/x",
        "SECRET_KEY": "production-test-key-" + "0123456789abcdef" * 2,
        "ALLOWED_HOSTS": "portal.example.org",
        "EMAIL_URL": "console://",
        "SITE_URL": "https://portal.example.org",
        "CELERY_BEAT_DIR": str(tmp_path),
    }
    lines = _production_lines("beat", env, "beat lock:")
    for line in lines:
        assert_time_and_level(line)
    assert not [line for line in lines if " ERROR " in line], lines
    warned = [line for line in lines if re.search(r" WARNING .*schedule file .*unreadable", line)]
    assert len(warned) == 1, lines
