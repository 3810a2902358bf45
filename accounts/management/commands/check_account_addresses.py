"""The accounts whose address holds a direction control, for whoever runs the portal.

    python manage.py check_account_addresses

Lists, by account id (no address, no name), every account whose login address or one
of whose address rows was stored with a Unicode direction control (U+202A-U+202E,
U+2066-U+2069) before the forms refused them (accounts.integrity). Exit 0 when there are
none, 1 (CommandError) while any is left: change the address in the admin (the account's
page under "Gebruikers", or the row under "E-mailadressen").
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.integrity import AddressWithDirectionControl, addresses_with_direction_controls


class Command(BaseCommand):
    help = (
        "List accounts whose login address or an address row holds a Unicode direction "
        "control (account and row ids); exit 1 while any is left."
    )

    def handle(self, *args, **options):
        found = addresses_with_direction_controls()
        if not found:
            self.stdout.write(_("ok: no e-mail address holds a direction control"))
            return
        self.stdout.write(_("E-mail addresses holding a direction control (such as U+202E):"))
        for address in found:
            self.stdout.write("  " + _line(address))
        count = len({address.user_id for address in found})
        raise CommandError(
            ngettext(
                "%(count)d account has an address that reads as another; change it in the "
                "admin (the account under “Users”, an address row under “E-mail addresses”)",
                "%(count)d accounts have an address that reads as another; change them in the "
                "admin (the account under “Users”, an address row under “E-mail addresses”)",
                count,
            )
            % {"count": count}
        )


def _line(address: AddressWithDirectionControl) -> str:
    if address.address_row_id is None:
        return _("account %(account)d: its login address") % {"account": address.user_id}
    return _("account %(account)d: address row %(row)d") % {
        "account": address.user_id,
        "row": address.address_row_id,
    }
