from celery import shared_task

from ops import health


@shared_task(name=health.HEARTBEAT_TASK, ignore_result=True)
def heartbeat() -> None:
    """Sent by beat every HEALTH_HEARTBEAT_SECONDS; running it proves a worker consumes."""
    health.record("worker")
