import logging
import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, before_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")

app = Celery("opo_portal")
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
def _log_without_exception_messages(logger=None, **kwargs):
    """LOG_FORMAT=text: Celery's own handlers drop exception messages as ours do (ops.logs)."""
    from ops.logs import celery_handlers_without_messages

    celery_handlers_without_messages(logger)
