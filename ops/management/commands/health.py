from django.core.management.base import BaseCommand, CommandError

from ops.health import (
    beat_liveness,
    describe_outbox,
    describe_unanswered,
    describe_unanswered_takedowns,
    outbox_backlog,
    passed,
    readiness,
    unanswered_cases,
    unanswered_takedowns,
)


class Command(BaseCommand):
    help = (
        "Check database, Redis, worker and beat; exit 1 and name the part that is down. "
        "Also shows the outbox backlog (STUCK when the oldest pending duty is too old) and "
        "open cases nobody answers for (ALERT: a school without director, no board member)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--beat",
            action="store_true",
            help="Only Redis and beat's heartbeat (the beat container's healthcheck).",
        )

    def handle(self, *args, **options):
        if options["beat"]:
            self._report(beat_liveness())
            return
        checks = readiness()
        self._write(checks)
        outbox = outbox_backlog() if passed(checks, "database") else None
        if outbox is not None:  # reported, never a reason to fail (ops.health says why)
            mark = "STUCK" if outbox["stuck"] else "ok  "
            self.stdout.write(f"{mark} outbox: {describe_outbox(outbox)}")
        unanswered = unanswered_cases() if passed(checks, "database") else None
        if unanswered is not None:  # reported, never a reason to fail
            mark = "ALERT" if unanswered["cases"] else "ok  "
            self.stdout.write(f"{mark} cases: {describe_unanswered(unanswered)}")
        takedowns = unanswered_takedowns() if passed(checks, "database") else None
        if takedowns is not None:  # reported, never a reason to fail
            mark = "ALERT" if takedowns["tasks"] else "ok  "
            self.stdout.write(f"{mark} takedowns: {describe_unanswered_takedowns(takedowns)}")
        self._fail_if_down(checks)

    def _report(self, checks):
        self._write(checks)
        self._fail_if_down(checks)

    def _write(self, checks):
        for check in checks:
            mark = "ok  " if check.ok else "DOWN"
            self.stdout.write(f"{mark} {check.name}: {check.detail}")

    def _fail_if_down(self, checks):
        down = [c.name for c in checks if not c.ok]
        if down:
            raise CommandError("down: " + ", ".join(down))
