"""Thin Celery tasks: ids in, a service call, safe to run twice."""

import datetime
import logging

from celery import shared_task

from monitoring import notifications, services
from monitoring.sources.base import FetchError

log = logging.getLogger(__name__)
MAX_FETCH_RETRIES = 3


@shared_task(name="monitoring.dispatch_due_sources")
def dispatch_due_sources() -> int:
    return len(services.sources_dispatch())


@shared_task(bind=True, name="monitoring.fetch_source", max_retries=MAX_FETCH_RETRIES)
def fetch_source(self, source_id: int, queued_at: str | None = None) -> None:
    # The task id is the claim token: a task redelivered after a crashed worker keeps its id
    # and may take its own claim again. `queued_at` is the dispatcher's mark (ISO time): a
    # first attempt runs only while it is still the source's; a retry always runs.
    only_if = None
    if queued_at and not self.request.retries:
        only_if = datetime.datetime.fromisoformat(queued_at)
    try:
        services.source_poll(
            source_id=source_id, token=f"task-{self.request.id}", queued_at=only_if
        )
    except FetchError as error:
        countdown = services.retry_countdown(error=error, retries=self.request.retries)
        # Eager mode (development without Redis) cannot wait: the next dispatch tries again.
        if countdown is None or self.request.is_eager or self.request.retries >= self.max_retries:
            return
        raise self.retry(countdown=countdown, exc=error) from error


@shared_task(name="monitoring.apply_retention")
def apply_retention() -> None:
    services.posts_apply_retention()


@shared_task(name="monitoring.send_monthly_digest")
def send_monthly_digest() -> int:
    return notifications.monthly_digest_send()


@shared_task(name="monitoring.retrain_learned_layer")
def retrain_learned_layer() -> int | None:
    from monitoring.learning import learned_model_train

    model = learned_model_train()
    return model.version if model else None


@shared_task(name="monitoring.escalate_urgent_stale_cases")
def escalate_urgent_stale_cases() -> int:
    return notifications.urgent_stale_escalate()
