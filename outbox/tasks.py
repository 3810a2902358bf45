"""Thin Celery tasks for the outbox (services.py says how it works)."""

from celery import shared_task
from django.conf import settings

from outbox import services


def _within_the_lease() -> dict:
    """run_duty's time limits: never past the duty's lease. A handler still running when
    its lease ran out (OUTBOX_LEASE_SECONDS shorter than CELERY_TASK_TIME_LIMIT, or the
    limit raised past it; a slow SMTP server) sent its e-mail while the sweeper had handed
    the duty to a second worker, which sent it too. Stopped at the soft limit, the attempt
    is a failure, retried after its backoff; at the hard one, a lost attempt."""
    lease = settings.OUTBOX_LEASE_SECONDS
    hard = min(lease, settings.CELERY_TASK_TIME_LIMIT)
    soft = min(lease - max(1, min(5, lease // 5)), settings.CELERY_TASK_SOFT_TIME_LIMIT)
    return {"time_limit": hard, "soft_time_limit": soft}


@shared_task(name="outbox.run_duty", ignore_result=True, **_within_the_lease())
def run_duty(duty_id: int) -> bool:
    return services.duty_run(duty_id=duty_id)


@shared_task(name="outbox.sweep", ignore_result=True)
def sweep() -> int:
    return services.duties_sweep()
