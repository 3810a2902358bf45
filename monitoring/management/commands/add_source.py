"""python manage.py add_source --kind rss|mastodon|bluesky --url URL --name NAME [--school CODE]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.forms import SourceForm
from schools.models import School


class Command(BaseCommand):
    help = "Add a monitoring source (validated like the board's form)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=["rss", "mastodon", "bluesky"])
        parser.add_argument("--url", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--school", default="", help="school code")
        parser.add_argument("--interval", type=int, default=30, help="minutes between fetches")

    def handle(self, *args, kind, url, name, school, interval, **options):
        school_id = None
        if school:
            school_id = School.objects.filter(code=school).values_list("id", flat=True).first()
            if school_id is None:
                raise CommandError(_("unknown school code: %(code)s") % {"code": school})
        form = SourceForm(
            {
                "kind": kind,
                "url": url,
                "name": name,
                "school": school_id,
                "interval_minutes": interval,
            }
        )
        if not form.is_valid():
            errors = "; ".join(
                f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in form.errors.items()
            )
            raise CommandError(errors)
        source = form.save(commit=False)
        source.next_run_at = timezone.now()
        source.save()
        self.stdout.write(
            _("source %(id)d added: %(kind)s %(url)s")
            % {"id": source.pk, "kind": source.kind, "url": source.url}
        )
