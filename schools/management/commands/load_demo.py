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
        self.stdout.write(f"  {'role':<16} {'e-mail':<{width}}  password")
        for login in logins:
            note = f"  ({login.note})" if login.note else ""
            self.stdout.write(f"  {login.role:<16} {login.email:<{width}}  {DEMO_PASSWORD}{note}")
        self.stdout.write(
            _(
                "Staff accounts set up TOTP (an authenticator app) at their first login. "
                "Other demo parents log in by e-mailed code; the e-mail appears in this console."
            )
        )
