"""The rows the reach ignores, for whoever runs the portal.

    python manage.py check_reach_data

Lists every staff membership that names a group of another school and every pupil in a
group of another school, by id and school name (no pupil names). Exit 0 when there are
none, 1 (CommandError) while any is left: put them right in the admin, whose pupil and
staff membership lists filter them ("group of another school").
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.integrity import groups_of_another_school, pupils_in_another_schools_group
from schools.models import StaffMembership


class Command(BaseCommand):
    help = (
        "List staff memberships naming a group of another school and pupils in a group of "
        "another school (ids and school names); exit 1 while any is left."
    )

    def handle(self, *args, **options):
        groups = groups_of_another_school()
        pupils = pupils_in_another_schools_group()
        if groups:
            self.stdout.write(_("Staff memberships naming a group of another school:"))
            for row in groups:
                self.stdout.write("  " + _membership_line(row))
        if pupils:
            self.stdout.write(_("Pupils in a group of another school:"))
            for pupil_row in pupils:
                self.stdout.write("  " + _pupil_line(pupil_row))
        count = len(groups) + len(pupils)
        if not count:
            self.stdout.write(_("ok: no membership or pupil names a group of another school"))
            return
        raise CommandError(
            ngettext(
                "%(count)d row counts for nobody's reach until you put it right in the admin "
                "(filter “group of another school”)",
                "%(count)d rows count for nobody's reach until you put them right in the admin "
                "(filter “group of another school”)",
                count,
            )
            % {"count": count}
        )


ROLES = dict(StaffMembership.Role.choices)


def _membership_line(row) -> str:
    return _(
        "membership %(membership)d (%(role)s, %(school)s) names group %(group)d of %(group_school)s"
    ) % {
        "membership": row.membership_id,
        "role": ROLES.get(row.role, row.role),
        "school": row.school or _("all schools"),
        "group": row.group_id,
        "group_school": row.group_school,
    }


def _pupil_line(row) -> str:
    return _("pupil %(pupil)d (%(school)s) is in group %(group)d of %(group_school)s") % {
        "pupil": row.pupil_id,
        "school": row.school,
        "group": row.group_id,
        "group_school": row.group_school,
    }
