"""The banner that asks staff to read the current protocol version (PORTAL_BANNER_PROVIDERS)."""

from django.db import connection
from django.utils.translation import gettext as _

from accounts.navigation import menu_url
from policy.models import ProtocolVersion
from schools.access import is_staff_member

# ProtocolVersion.objects.published().with_confirmation_of(user).order_by("-number")
# .values_list("number", "confirmed").first(), written out: it runs on every staff page,
# and building it through the ORM cost more CPU than running it (tests compare the two).
CURRENT_SQL = (
    "SELECT v.number, EXISTS(SELECT 1 FROM policy_acknowledgement a"
    " WHERE a.version_id = v.id AND a.user_id = %s)"
    " FROM policy_protocolversion v WHERE v.status = %s ORDER BY v.number DESC LIMIT 1"
)


def unread_protocol_banner(request) -> list[dict]:
    """For staff who have not confirmed the current version: one query, nothing cached
    (publishing a version or confirming one shows from the next page on).

    The membership lookup is shared with the menu (schools.access caches it on the user
    for this request only).
    """
    user = request.user
    if not user.is_authenticated or not is_staff_member(user):
        return []
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_SQL, [user.pk, ProtocolVersion.Status.PUBLISHED.value])
        current = cursor.fetchone()
    if current is None or current[1]:
        return []
    number = current[0]
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
