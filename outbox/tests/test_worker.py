"""On a real Celery worker (prefork), PostgreSQL and Redis: a duty whose handler kills its
worker process every time (out of memory, kill -9) ends failed instead of running again
after every lease, forever."""

import time
import uuid

import pytest

from conftest import wait_for, worker
from outbox.models import Duty
from outbox.tasks import run_duty

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
