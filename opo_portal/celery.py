import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")

app = Celery("opo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="opo_portal.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker; used by health checks and tests."""
    return "pong"
