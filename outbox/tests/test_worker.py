"""On a real Celery worker (prefork), PostgreSQL and Redis: a duty whose handler kills its
worker process every time (out of memory, kill -9) ends failed instead of running again
after every lease, forever."""

import time
import uuid

import pytest
from django.test import override_settings

from conftest import wait_for, worker
from outbox.models import Duty
from outbox.tasks import _within_the_lease, run_duty

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

LEASE = 5  # OUTBOX_LEASE_SECONDS' minimum


def test_it_fails_a_duty_whose_handler_kills_its_worker_every_time(services_up, tmp_path):
    runs = tmp_path / "runs"
    duty = Duty.objects.create(
        key="kills-its-worker",
        handler="outbox.tests.handlers.kills_its_worker",
        payload={"path": str(runs)},
    )
    duties = Duty.objects.filter(pk=duty.pk)

    def handler_runs() -> int:
        return runs.read_text().count("ran") if runs.exists() else 0

    queue = f"test-outbox-{uuid.uuid4().hex[:8]}"
    limits = {"OUTBOX_LEASE_SECONDS": str(LEASE), "OUTBOX_MAX_LOST_ATTEMPTS": "2"}
    with worker(queue, pool="prefork", **limits) as process:
        for attempt in (1, 2):
            run_duty.apply_async((duty.pk,), queue=queue)
            assert wait_for(lambda n=attempt: handler_runs() == n)
            # The child died; Celery requeues the message (acks late, reject on worker
            # lost) and a new child finds the lease still held. Then the lease runs out.
            time.sleep(LEASE + 1)
        run_duty.apply_async((duty.pk,), queue=queue)  # as the sweeper does after a lease
        failed = wait_for(lambda: duties.filter(status=Duty.Status.FAILED).exists(), 30)
        assert process.poll() is None, "the worker itself stays up"
    duty.refresh_from_db()
    assert failed, f"still {duty.status} after {duty.attempts} attempts"
    assert (duty.attempts, duty.lost_attempts, handler_runs()) == (3, 2, 2)


def test_a_handler_never_sends_after_its_lease_ran_out(services_up, tmp_path):
    """The lease is what keeps a second worker away; Celery's time limit (300 s by default,
    CELERY_TASK_TIME_LIMIT) let a handler run on after a shorter OUTBOX_LEASE_SECONDS, or
    the limit raised past it, while the sweeper handed the duty to another worker: the
    same e-mail (a takedown notice) went twice. The handler stops at its lease."""
    runs = tmp_path / "runs"
    duty = Duty.objects.create(
        key="outlives-its-lease",
        handler="outbox.tests.handlers.outlives_its_lease",
        payload={"path": str(runs), "seconds": LEASE + 3},
    )
    queue = f"test-outbox-{uuid.uuid4().hex[:8]}"
    # The message carries its time limits from the sender (web, worker and beat share
    # one environment): as dispatched with the same lease.
    with override_settings(OUTBOX_LEASE_SECONDS=LEASE):
        limits = _within_the_lease()
    with worker(queue, pool="prefork", OUTBOX_LEASE_SECONDS=str(LEASE)) as process:
        run_duty.apply_async((duty.pk,), queue=queue, **limits)
        assert wait_for(lambda: runs.exists())
        time.sleep(LEASE + 5)  # past the lease, and past the handler's own end
        assert process.poll() is None, "the worker itself stays up"
    assert runs.read_text().splitlines() == ["started"]
    duty.refresh_from_db()
    assert duty.status == Duty.Status.PENDING  # tried again after its backoff
