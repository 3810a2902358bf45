from django.core.management.base import BaseCommand, CommandError

from ops.health import readiness


class Command(BaseCommand):
    help = "Check database, Redis, worker and beat; exit 1 and name the part that is down."

    def handle(self, *args, **options):
        checks = readiness()
        for check in checks:
            mark = "ok  " if check.ok else "DOWN"
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
        down = [c.name for c in checks if not c.ok]
        if down:
            raise CommandError("down: " + ", ".join(down))
