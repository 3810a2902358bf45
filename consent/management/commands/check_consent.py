"""The check before posting, from the command line (not stored).

    python manage.py check_consent --school vlindertuin --purpose sociale-media \
        --media video --pupils 1001,1002

Exit 0: may be published; 1: may not; 2 (one line on stderr): bad input.
"""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from consent.models import MediaType
from consent.rules import purpose_infos
from consent.services import check_results
from consent.verdict import pupil_verdicts, verdict_text
from schools.models import Pupil, School


class BadInput(Exception):
    pass


class Command(BaseCommand):
    help = "Check consent for pupils (leerlingnummers) on a channel and media type."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="school code")
        parser.add_argument("--purpose", required=True, help="purpose code, e.g. website")
        parser.add_argument("--media", required=True, help="photo, video or audio")
        parser.add_argument("--pupils", required=True, help="leerlingnummers, comma-separated")

    def handle(self, *args, **options):
        try:
            school, info, media, pupils = self._parse(options)
        except BadInput as error:
            self.stderr.write(str(error))
            sys.exit(2)
        results = check_results(info=info, media_type=media, pupils=pupils)
        verdicts = pupil_verdicts(pupils, results)
        for v in verdicts:
            self.stdout.write(
                f"{v.symbol} {v.pupil.leerlingnummer} {v.pupil.first_name}: {v.label}"
            )
        self.stdout.write(verdict_text(info.purpose, media, verdicts))
        sys.exit(0 if all(v.allowed for v in verdicts) else 1)

    def _parse(self, options):
        school = School.objects.filter(code=options["school"]).first()
        if school is None:
            raise BadInput(_("unknown school: %(code)s") % {"code": options["school"]})
        infos = [i for i in purpose_infos(codes=[options["purpose"]]) if i.purpose.active]
        if not infos:
            raise BadInput(
                _("unknown or inactive purpose: %(code)s") % {"code": options["purpose"]}
            )
        media = options["media"]
        if media not in MediaType.values:
            raise BadInput(
                _("unknown media type: %(media)s (use %(choices)s)")
                % {"media": media, "choices": ", ".join(MediaType.values)}
            )
        numbers = [n.strip() for n in options["pupils"].split(",") if n.strip()]
        if not numbers:
            raise BadInput(_("no leerlingnummers given"))
        found = {
            p.leerlingnummer: p
            for p in Pupil.objects.current().filter(school=school, leerlingnummer__in=numbers)
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise BadInput(
                _("unknown leerlingnummer at %(school)s: %(numbers)s")
                % {"school": school.code, "numbers": ", ".join(missing)}
            )
        return school, infos[0], media, [found[n] for n in dict.fromkeys(numbers)]
