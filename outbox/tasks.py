"""Thin Celery tasks for the outbox (services.py says how it works)."""

from celery import shared_task

from outbox import services


@shared_task(name="outbox.run_duty", ignore_result=True)
def run_duty(duty_id: int) -> bool:
    return services.duty_run(duty_id=duty_id)


@shared_task(name="outbox.sweep", ignore_result=True)
def sweep() -> int:
    return services.duties_sweep()
