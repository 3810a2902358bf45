"""Outbox duty handlers for the protocol (see outbox/services.py): one e-mail to one
staff member each, marked done only after the SMTP server accepted it."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.languages import in_language_of
from outbox.services import duty_mail, emailed_users, recipient_email
from policy.models import ProtocolVersion, Release

logger = logging.getLogger(__name__)


def staff_ids() -> list[int]:
    """Every staff member an e-mail reaches (active), once, whatever their roles."""
    users = emailed_users().filter(memberships__isnull=False)
    return sorted(set(users.values_list("pk", flat=True)))


def protocol_published_email_send(*, release_id: int, user_id: int) -> None:
    """A new protocol version needs reading: tell one staff member."""
    release = Release.objects.select_related("version").get(pk=release_id)
    email = recipient_email(user_id)
    if email is None:
        return
    with in_language_of(user_id):
        subject = _("Please read version %(number)s of the social media protocol") % {
            "number": release.version.number
        }
        reply_to = settings.FOUNDATION_CONTACT_EMAIL  # the foundation's e-mail, its address
        body = render_to_string(
            "policy/email/published.txt",
            {
                "version": release.version,
                # where the page's confirm form is, at the top: the e-mail asks for that
                "url": settings.SITE_URL + reverse("policy:current") + "#bevestigen",
                "reply_to": reply_to,
            },
        )
        duty_mail(subject, body, email, reply_to=reply_to)
    logger.info("protocol release %s e-mailed to user %s", release_id, user_id)


def protocol_reminder_email_send(*, version_id: int, user_id: int) -> None:
    """A staff member has not confirmed the current version: remind them once."""
    version = ProtocolVersion.objects.get(pk=version_id)
    email = recipient_email(user_id)
    if email is None:
        return
    with in_language_of(user_id):
        subject = _("Reminder: please read version %(number)s of the social media protocol") % {
            "number": version.number
        }
        reply_to = settings.FOUNDATION_CONTACT_EMAIL
        body = render_to_string(
            "policy/email/reminder.txt",
            {
                "version": version,
                "url": settings.SITE_URL + reverse("policy:current") + "#bevestigen",
                "reply_to": reply_to,
            },
        )
        duty_mail(subject, body, email, reply_to=reply_to)
    logger.info("protocol version %s reminder e-mailed to user %s", version_id, user_id)
