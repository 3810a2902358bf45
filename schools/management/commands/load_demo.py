from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from schools.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the fictional demo schools, pupils, parents and one login per role; then the "
        "demo data of every app in PORTAL_DEMO_LOADERS. Safe to run again."
    )

    def handle(self, *args, **options):
        logins = demo_load()
        width = max(len(login.email) for login in logins)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded. Logins:")))
        role, email, password = _("role"), _("e-mail"), _("password")
        self.stdout.write(f"  {role:<20} {email:<{width}}  {password}")
        for login in logins:
            note = f"  ({login.note})" if login.note else ""
            line = f"  {login.label!s:<20} {login.email:<{width}}  {DEMO_PASSWORD}{note}"
            self.stdout.write(line)
        self.stdout.write(
            _(
                "Staff accounts set up a login code app (TOTP) at their first login. "
                "Other demo parents log in by e-mailed code; the e-mail appears in this console."
            )
        )
