"""Accounts whose addresses were stored with Unicode's direction controls (opo_portal.text).

Every form refuses such an address now (opo_portal.fields.validate_email_address); those
stored before stay as they are: without the control an address may be another account's
(one account per address), so no migration changes them. Listed by id only
(`manage.py check_account_addresses`) for the administrator to change in the admin."""

from typing import NamedTuple

from allauth.account.models import EmailAddress

from accounts.models import User

# opo_portal.text.DIRECTION_CONTROLS, as a character class for the database's regex
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"


class AddressWithDirectionControl(NamedTuple):
    """The account's login address (`address_row_id` None) or one of its address rows."""

    user_id: int
    address_row_id: int | None


def addresses_with_direction_controls() -> list[AddressWithDirectionControl]:
    """Two queries, each an index-less scan of its table: not for a page or /health/."""
    found = [
        AddressWithDirectionControl(pk, None)
        for pk in User.objects.filter(email__regex=HOLDS_A_CONTROL).values_list("pk", flat=True)
    ]
    rows = EmailAddress.objects.filter(email__regex=HOLDS_A_CONTROL)
    found += [
        AddressWithDirectionControl(user_id, pk)
        for pk, user_id in rows.values_list("pk", "user_id")
    ]
    return sorted(found, key=lambda a: (a.user_id, a.address_row_id or 0))
