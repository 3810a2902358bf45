"""python manage.py poll_sources (--all | --source ID): the pipeline, synchronously, once."""

from django.core.management.base import BaseCommand, CommandError

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
                raise CommandError(f"no fetchable source with id {source}")
            if not fetched.filter(active=True).exists():
                raise CommandError(f"source {source} is paused; resume it first")
        classifier = services.build_classifier()
        for source_id, name in fetched.values_list("id", "name"):
            try:
                run = services.source_poll(source_id=source_id, classifier=classifier)
            except FetchError as error:
                self.stdout.write(f"{source_id} {name}: failed ({error})")
                continue
            if run is None:
                self.stdout.write(f"{source_id} {name}: skipped, already running elsewhere")
            else:
                self.stdout.write(
                    f"{source_id} {name}: {run.status}, {run.new_count} new, "
                    f"{run.updated_count} edited, {run.duplicate_count} duplicates"
                )
