from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.importer import (
    NotTextError,
    WorkbookTooLargeError,
    pupils_import,
    read_text,
    too_large_file,
    too_large_workbook,
)
from schools.models import School


class Command(BaseCommand):
    help = (
        "Import pupils and their parents from a CSV or .xlsx file into one school: all rows "
        "or none. Pupils of the school missing from the file are marked as left."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="CSV file (UTF-8, UTF-16 or Windows-1252; ; , or tab separated) or .xlsx workbook",
        )
        parser.add_argument("--school", required=True, help="school code, e.g. vlindertuin")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument(
            "--allow-most-leaving",
            action="store_true",
            help="import even when more than half of the school's pupils would be marked as left",
        )
        parser.add_argument(
            "--next-school-year",
            action="store_true",
            help="the list for next school year (imported in June or July): that year's groups",
        )

    def handle(self, *args, file, school, dry_run, allow_most_leaving, **options):
        next_school_year = options.get("next_school_year", False)
        target = School.objects.filter(code=school).first()
        if target is None:
            raise CommandError(_("There is no school with code %(code)s.") % {"code": school})
        limit = settings.PUPIL_IMPORT_MAX_BYTES  # the page's (schools.forms)
        try:
            # One byte past the limit at most: a huge file (or /dev/zero) is never held
            with Path(file).open("rb") as opened:
                data = opened.read(limit + 1)
            if len(data) > limit:
                raise CommandError(too_large_file(limit))
            text = read_text(data)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from error
        except WorkbookTooLargeError as error:
            raise CommandError(too_large_workbook()) from error
        except NotTextError as error:
            raise CommandError(
                _("%(file)s is neither a text (CSV) file nor an Excel workbook (.xlsx).")
                % {"file": file}
            ) from error
        report = pupils_import(
            school=target,
            text=text,
            dry_run=dry_run,
            progress=self.show_progress,
            allow_most_leaving=allow_most_leaving,
            next_school_year=next_school_year,
        )
        for line in report.warnings:
            self.stdout.write(self.style.WARNING(line))
        if report.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(columns)s") % {"columns": ", ".join(report.ignored_columns)}
            )
        if report.errors:
            for line in report.errors:
                self.stderr.write(line)
            raise CommandError(
                _("Problems found: %(count)s. Nothing was imported.")
                % {"count": len(report.errors)}
            )
        for label, number in report.counts():
            self.stdout.write(f"{label}: {number}")
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was written.")))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported into %(school)s, school year %(year)s.")
                    % {"school": target.code, "year": report.school_year}
                )
            )

    def show_progress(self, done: int, total: int) -> None:
        # The noun agrees with the total: "1 of 1 row", "1 of 3 rows".
        line = ngettext(
            "%(done)s of %(total)s row checked", "%(done)s of %(total)s rows checked", total
        )
        self.stdout.write(line % {"done": done, "total": total})
