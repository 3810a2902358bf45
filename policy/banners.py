"""The banner that asks staff to read the current protocol version (PORTAL_BANNER_PROVIDERS)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from policy.models import ProtocolVersion
from schools.access import is_staff_member


def unread_protocol_banner(request) -> list[dict]:
    """For staff who have not confirmed the current version: one query, nothing cached.

    The membership lookup is shared with the menu (schools.access caches it on the user
    for this request only).
    """
    user = request.user
    if not user.is_authenticated or not is_staff_member(user):
        return []
    # SELECT number, EXISTS(acknowledgement of user) FROM version WHERE published
    # ORDER BY number DESC LIMIT 1
    current = (
        ProtocolVersion.objects.published()
        .with_confirmation_of(user)
        .order_by("-number")
        .values_list("number", "confirmed")
        .first()
    )
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
            "url": reverse("policy:current") + "#bevestigen",
            "link_text": _("Read the protocol"),
        }
    ]
