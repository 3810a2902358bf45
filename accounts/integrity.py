"""Accounts whose addresses were stored with Unicode's direction controls (opo_portal.text),
with an IP address in square brackets for a domain ("eva@[127.0.0.1]") or with a domain
without a dot ("eva@localhost").

Every form refuses such an address now (opo_portal.fields.validate_email_address); those
stored before stay as they are: without the control an address may be another account's
(one account per address), and what an address in brackets or without a dot should have
been only its owner knows, so no migration changes them. Listed by id only
(`manage.py check_account_addresses`) for the administrator to change in the admin."""

from typing import NamedTuple

from allauth.account.models import EmailAddress

from accounts.models import User

# opo_portal.text.DIRECTION_CONTROLS, as a character class for the database's regex
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"


# opo_portal.fields.has_domain_literal: after the last @, "[" up to a "]" at the end; the
# same in PostgreSQL's regular expressions and in Python's (SQLite's REGEXP)
HAS_A_DOMAIN_LITERAL = r"@\[[^@]*\]$"

# opo_portal.fields.has_domain_without_dot: after the last @, no dot, not empty and not
# starting with "[" (a literal, listed as one); a "[" in brackets is literal in both
HAS_A_DOMAIN_WITHOUT_DOT = r"@[^@.[][^@.]*$"


class AddressToChange(NamedTuple):
    """The account's login address (`address_row_id` None) or one of its address rows."""

    user_id: int
    address_row_id: int | None


def _addresses_matching(pattern: str) -> list[AddressToChange]:
    """Two queries, each an index-less scan of its table: not for a page or /health/."""
    found = [
        AddressToChange(pk, None)
        for pk in User.objects.filter(email__regex=pattern).values_list("pk", flat=True)
    ]
    rows = EmailAddress.objects.filter(email__regex=pattern)
    found += [AddressToChange(user_id, pk) for pk, user_id in rows.values_list("pk", "user_id")]
    return sorted(found, key=lambda a: (a.user_id, a.address_row_id or 0))


def addresses_with_direction_controls() -> list[AddressToChange]:
    return _addresses_matching(HOLDS_A_CONTROL)


def addresses_with_domain_literals() -> list[AddressToChange]:
    return _addresses_matching(HAS_A_DOMAIN_LITERAL)


def addresses_with_domains_without_dot() -> list[AddressToChange]:
    return _addresses_matching(HAS_A_DOMAIN_WITHOUT_DOT)
