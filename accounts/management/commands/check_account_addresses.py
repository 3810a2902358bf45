"""The accounts whose address the forms would refuse, for whoever runs the portal.

    python manage.py check_account_addresses

Lists, by account id (no address, no name), every account whose login address or one
of whose address rows was stored with a Unicode direction control (U+202A-U+202E,
U+2066-U+2069), with an IP address in square brackets for a domain ("eva@[127.0.0.1]") or
with a domain without a dot ("eva@localhost"), before the forms refused them
(accounts.integrity). Exit 0 when there are none, 1 (CommandError) while any is left:
change the address in the admin (the account's page under "Gebruikers", or the row under
"E-mailadressen").
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.integrity import (
    AddressToChange,
    addresses_with_direction_controls,
    addresses_with_domain_literals,
    addresses_with_domains_without_dot,
)


class Command(BaseCommand):
    help = (
        "List accounts whose login address or an address row holds a Unicode direction "
        "control, an IP address in square brackets or a domain without a dot (account and row "
        "ids); exit 1 while any is left."
    )

    def handle(self, *args, **options):
        kinds = [
            (
                _("E-mail addresses holding a direction control (such as U+202E):"),
                addresses_with_direction_controls(),
            ),
            (
                _(
                    "E-mail addresses with an IP address in square brackets instead of a "
                    "domain name (such as [127.0.0.1]):"
                ),
                addresses_with_domain_literals(),
            ),
            (
                _("E-mail addresses with a domain name without a dot (such as localhost):"),
                addresses_with_domains_without_dot(),
            ),
        ]
        if not any(found for _heading, found in kinds):
            self.stdout.write(
                _(
                    "ok: no e-mail address holds a direction control, an IP address in "
                    "square brackets or a domain name without a dot"
                )
            )
            return
        accounts: set[int] = set()
        for heading, found in kinds:
            if not found:
                continue
            self.stdout.write(heading)
            for address in found:
                self.stdout.write("  " + _line(address))
            accounts.update(address.user_id for address in found)
        count = len(accounts)
        raise CommandError(
            ngettext(
                "%(count)d account has an address that the forms refuse; change it in the "
                "admin (the account under “Users”, an address row under “E-mail addresses”)",
                "%(count)d accounts have an address that the forms refuse; change them in the "
                "admin (the account under “Users”, an address row under “E-mail addresses”)",
                count,
            )
            % {"count": count}
        )


def _line(address: AddressToChange) -> str:
    if address.address_row_id is None:
        return _("account %(account)d: its login address") % {"account": address.user_id}
    return _("account %(account)d: address row %(row)d") % {
        "account": address.user_id,
        "row": address.address_row_id,
    }
