"""Beat's crontab entries run at the schools' hours (CELERY_TIMEZONE Europe/Amsterdam), in
winter and summer time: the digest at 07:00 on the 1st, the nightly jobs once a night, also
in the nights the clocks change. A misspelt or dropped setting would move them to UTC.

The real beat code decides (celery.beat.Scheduler, the entries of settings), on a clock
set with time-machine; the previous run's time is recorded as beat records it (the app's
clock, in the app's time zone)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.beat import Scheduler

from opo_portal.celery import app

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(*args, fold=0) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=AMSTERDAM, fold=fold)


def due(name: str, *, last: datetime.datetime, now: datetime.datetime) -> bool:
    scheduler = Scheduler(app, lazy=True)
    scheduler.setup_schedule()
    scheduler.update_from_dict(app.conf.beat_schedule)
    entry = scheduler.schedule[name]
    with time_machine.travel(last, tick=False):  # the previous run, as beat records it
        entry.last_run_at = entry.default_now()
    with time_machine.travel(now, tick=False):
        return entry.is_due()[0]


def test_the_app_keeps_the_schools_time_zone():
    assert str(app.timezone) == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("last", "first_of_month"),
    [(local(2026, 1, 1, 7, 0), (2026, 2, 1)), (local(2026, 6, 1, 7, 0), (2026, 7, 1))],
    ids=["winter", "summer"],
)
def test_the_digest_goes_at_seven_in_amsterdam(last, first_of_month):
    assert not due("monitoring-digest", last=last, now=local(*first_of_month, 6, 59))
    assert due("monitoring-digest", last=last, now=local(*first_of_month, 7, 0, 30))


NIGHTLY = [
    "accounts-clear-expired-sessions",  # 02:38
    "schools-erase-left-pupils",  # 02:41
    "schools-access-history-retention",  # 02:44
    "monitoring-retrain-learned-layer",  # 02:47
]


@pytest.mark.parametrize("name", NIGHTLY)
def test_a_nightly_job_runs_in_the_night_the_clocks_go_forward(name):
    """29 March 2026 has no 02:00-03:00: the job runs once that night, after 03:00."""
    last = local(2026, 3, 28, 2, 50)
    assert not due(name, last=last, now=local(2026, 3, 29, 1, 59))
    assert due(name, last=last, now=local(2026, 3, 29, 3, 50))


@pytest.mark.parametrize("name", NIGHTLY)
def test_a_nightly_job_runs_once_in_the_night_the_clocks_go_back(name):
    """25 October 2026 has 02:00-03:00 twice: after the first 02:5x, not again in the second."""
    first = local(2026, 10, 25, 2, 50)
    assert not due(name, last=first, now=local(2026, 10, 25, 2, 50, fold=1))
    assert due(name, last=first, now=local(2026, 10, 26, 2, 50))
