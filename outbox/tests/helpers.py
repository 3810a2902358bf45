"""Helpers for tests that follow a duty to its e-mail."""


def run_due_duties() -> None:
    """Run every pending outbox duty, also those a handler wrote (a duty readdressed), as
    workers would; without Celery, so the test sees each e-mail a duty sends."""
    from outbox.models import Duty
    from outbox.services import duty_run

    for _round in range(5):
        pending = list(Duty.objects.filter(status=Duty.Status.PENDING).values_list("pk", flat=True))
        if not pending:
            return
        for duty_id in pending:
            duty_run(duty_id=duty_id)
