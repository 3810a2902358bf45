"""python manage.py poll_sources (--all | --source ID): the pipeline, synchronously, once."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from monitoring import services
from monitoring.models import Source
from monitoring.sources.base import FetchError


class Command(BaseCommand):
    help = "Fetch sources now and run classification; failures are recorded, never fatal."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every active source")
        which.add_argument("--source", type=int, help="one source id")

    def handle(self, *args, all, source, **options):
        fetched = Source.objects.filter(active=True).exclude(kind=Source.Kind.MANUAL)
        if source is not None:
            fetched = Source.objects.filter(pk=source).exclude(kind=Source.Kind.MANUAL)
            if not fetched.exists():
                raise CommandError(_("no fetchable source with id %(id)d") % {"id": source})
            if not fetched.filter(active=True).exists():
                raise CommandError(_("source %(id)d is paused; resume it first") % {"id": source})
        classifier = services.build_classifier()
        for source_id, name in fetched.values_list("id", "name"):
            try:
                run = services.source_poll(source_id=source_id, classifier=classifier)
            except FetchError as error:
                self.stdout.write(
                    _("%(id)d %(name)s: failed (%(error)s)")
                    % {"id": source_id, "name": name, "error": error}
                )
                continue
            if run is None:
                self.stdout.write(
                    _("%(id)d %(name)s: skipped, already running elsewhere")
                    % {"id": source_id, "name": name}
                )
            else:
                self.stdout.write(
                    _(
                        "%(id)d %(name)s: %(status)s, %(new)d new, %(edited)d edited, "
                        "%(same)d duplicates"
                    )
                    % {
                        "id": source_id,
                        "name": name,
                        "status": run.get_status_display(),
                        "new": run.new_count,
                        "edited": run.updated_count,
                        "same": run.duplicate_count,
                    }
                )
