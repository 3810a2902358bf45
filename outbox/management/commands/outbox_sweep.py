from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from outbox.services import duties_sweep


class Command(BaseCommand):
    help = "Dispatch pending outbox duties whose time has come (beat does this every 30 s)."

    def handle(self, *args, **options):
        count = duties_sweep()
        self.stdout.write(
            ngettext("%(count)d duty dispatched", "%(count)d duties dispatched", count)
            % {"count": count}
        )
