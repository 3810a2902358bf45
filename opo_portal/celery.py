import functools
import logging
import os
import sys

from celery import Celery
from celery.apps import worker as celery_worker
from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    beat_init,
    before_task_publish,
    worker_shutting_down,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")

app = Celery("opo_portal")


@app.on_configure.connect
def _settings_errors_as_one_line(sender=None, **kwargs):
    """Celery reads Django's settings when it first needs its own (a worker, beat or
    `celery inspect` started by hand): a bad one is one line on stderr and exit 2, as from
    manage.py, not a traceback through click and Celery."""
    from django.conf import settings

    # imported here: `python -m opo_portal.checkconfig` imports this package first
    from opo_portal.checkconfig import configuration_errors_as_one_line

    with configuration_errors_as_one_line():
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting reads them all


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="opo_portal.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker; used by health checks and tests."""
    return "pong"


@before_task_publish.connect
def _note_beat_alive(sender=None, **kwargs):
    """Beat publishes the heartbeat task; publishing it is beat's sign of life (ops.health)."""
    if sender != "ops.heartbeat":
        return
    from ops.health import record

    try:
        record("beat")
    except Exception:  # the publish itself decides whether beat is healthy
        logging.getLogger(__name__).exception("could not record the beat heartbeat")


@after_setup_logger.connect
@after_setup_task_logger.connect
def _log_in_our_format(logger=None, **kwargs):
    """Celery's own handlers write our format (ops.logs): time in UTC, level, exceptions
    without their messages."""
    from ops.logs import celery_handlers_in_our_format

    celery_handlers_in_our_format(logger)


# On SIGTERM (a stop, a reload, `docker stop`) Celery printed a blank line and a bare
# "worker: Warm shutdown (MainProcess)", with neither time nor level, and no JSON object
# with LOG_FORMAT=json. Its SIGTERM handler is told to stay quiet; the line below says it.
celery_worker.install_worker_term_handler = functools.partial(
    celery_worker.install_worker_term_handler, verbose=False
)


@worker_shutting_down.connect
def _say_shutdown_as_a_log_line(sig=None, how=None, **kwargs):
    """Runs inside the signal handler, where a logging call could wait for ever on a lock
    the interrupted code holds: the record is formatted (no lock) and written at once."""
    from ops.logs import console_formatter

    record = logging.LogRecord(
        "celery.apps.worker", logging.INFO, __file__, 0, "worker: %s shutdown (%s)",
        (how, sig), None,
    )  # fmt: skip
    line = console_formatter().format(record) + "\n"
    os.write((sys.__stdout__ or sys.stdout).fileno(), line.encode())


@beat_init.connect
def _bound_the_beats_stop(sender=None, **kwargs):
    """A beat process (`celery beat`, or the one `worker --beat` starts) stops within
    BEAT_STOP_SECONDS of a SIGTERM, and says how in one line (opo_portal/beat.py)."""
    from opo_portal.beat import install_stop_watchdog

    install_stop_watchdog()
