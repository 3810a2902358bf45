from django.core.management.base import BaseCommand, CommandError

from ops.health import (
    describe_outbox,
    describe_unanswered,
    outbox_backlog,
    passed,
    readiness,
    unanswered_cases,
)


class Command(BaseCommand):
    help = (
        "Check database, Redis, worker and beat; exit 1 and name the part that is down. "
        "Also shows the outbox backlog (STUCK when the oldest pending duty is too old) and "
        "open cases nobody answers for (ALERT: a school without director, no board member)."
    )

    def handle(self, *args, **options):
        checks = readiness()
        for check in checks:
            mark = "ok  " if check.ok else "DOWN"
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
        outbox = outbox_backlog() if passed(checks, "database") else None
        if outbox is not None:  # reported, never a reason to fail (ops.health says why)
            mark = "STUCK" if outbox["stuck"] else "ok  "
            self.stdout.write(f"{mark} outbox: {describe_outbox(outbox)}")
        unanswered = unanswered_cases() if passed(checks, "database") else None
        if unanswered is not None:  # reported, never a reason to fail
            mark = "ALERT" if unanswered["cases"] else "ok  "
            self.stdout.write(f"{mark} cases: {describe_unanswered(unanswered)}")
        down = [c.name for c in checks if not c.ok]
        if down:
            raise CommandError("down: " + ", ".join(down))
