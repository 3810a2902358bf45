"""The banner that asks staff to read the current protocol version (PORTAL_BANNER_PROVIDERS)."""

from django.utils.translation import gettext as _

from accounts import page_scalars
from accounts.navigation import menu_url
from policy.models import ProtocolVersion
from schools.access import is_staff_member

# The number of the current published version when `user` has not confirmed it (NULL
# when confirmed, or nothing is published). The ORM's
# ProtocolVersion.objects.published().with_confirmation_of(user).order_by("-number")
# .values_list("number", "confirmed").first(), written out: it runs on every staff page,
# and building it through the ORM cost more CPU than running it (tests compare the two).
UNREAD_SQL = (
    "SELECT CASE WHEN EXISTS(SELECT 1 FROM policy_acknowledgement a"
    " WHERE a.version_id = v.id AND a.user_id = %s) THEN NULL ELSE v.number END"
    " FROM policy_protocolversion v WHERE v.status = %s ORDER BY v.number DESC LIMIT 1"
)


def unread_protocol_query(user) -> tuple[str, list] | None:
    """A page scalar (settings.PORTAL_PAGE_SCALARS): for staff, the number of the current
    version if they have not confirmed it. Nothing cached: publishing a version or
    confirming one shows from the next page on."""
    if not is_staff_member(user):
        return None
    return UNREAD_SQL, [user.pk, ProtocolVersion.Status.PUBLISHED.value]


def unread_protocol_banner(request) -> list[dict]:
    """For staff who have not confirmed the current version. Read with the menu's numbers
    in one query (accounts.page_scalars); the membership lookup is shared with the menu
    (schools.access caches it on the user for this request only)."""
    number = page_scalars.for_request(request).get("unread_protocol")
    if number is None:
        return []
    return [
        {
            "text": _(
                "You have not yet confirmed that you read the social media protocol "
                "(version %(number)s)."
            )
            % {"number": number},
            "url": menu_url("policy:current") + "#bevestigen",
            "link_text": _("Read the protocol"),
        }
    ]
