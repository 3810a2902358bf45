"""Outbox duty handlers for the protocol (see outbox/services.py): one e-mail to one
staff member each, marked done only after the SMTP server accepted it."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.languages import in_language_of
from outbox.services import duty_mail, emailed_users, recipient_email
from policy.models import Acknowledgement, ProtocolVersion, Release
from schools.models import StaffMembership

logger = logging.getLogger(__name__)


def staff_ids() -> list[int]:
    """Every staff member an e-mail reaches (active), once, whatever their roles."""
    users = emailed_users().filter(memberships__isnull=False)
    return sorted(set(users.values_list("pk", flat=True)))


def _still_to_read(user_id: int, version: ProtocolVersion) -> ProtocolVersion | None:
    """At send time (an e-mail may wait in the outbox for hours), the version an e-mail
    about `version` asks `user_id` to read: `version`, or the correction of it that
    applies now. None, and nothing is sent, when they are no longer staff, confirmed it
    since the e-mail was queued, or a new version replaced it (whose own e-mail asks
    them). Logged with ids only. Three queries."""
    if not StaffMembership.objects.filter(user_id=user_id).exists():
        logger.info("protocol e-mail to user %s not sent: no longer staff", user_id)
        return None
    applies = version
    later = ProtocolVersion.objects.published().filter(number__gt=version.number)
    for newer in later.select_related("release").order_by("number"):
        if not newer.is_correction():
            logger.info(
                "protocol e-mail of version %s to user %s not sent: version %s replaced it",
                version.pk,
                user_id,
                newer.pk,
            )
            return None
        applies = newer
    if Acknowledgement.objects.filter(user_id=user_id, version=applies).exists():
        logger.info("protocol e-mail to user %s not sent: confirmed meanwhile", user_id)
        return None
    return applies


def protocol_published_email_send(*, release_id: int, user_id: int) -> None:
    """A new protocol version needs reading: tell one staff member (unless they no longer
    need to: _still_to_read)."""
    release = Release.objects.select_related("version").get(pk=release_id)
    if _still_to_read(user_id, release.version) is None:
        return
    email = recipient_email(user_id)
    if email is None:
        return
    with in_language_of(user_id):
        subject = _("Please read version %(number)s of the social media protocol") % {
            "number": release.version.number
        }
        reply_to = settings.FOUNDATION_CONTACT_EMAIL  # the foundation's e-mail, its address
        since = _changes_since(user_id, release.version)
        body = render_to_string(
            "policy/email/published.txt",
            {
                "version": release.version,
                "since": since,
                "diff_url": _diff_url(since, release.version),
                # where the page's confirm form is, at the top: the e-mail asks for that
                "url": settings.SITE_URL + reverse("policy:current") + "#bevestigen",
                "reply_to": reply_to,
            },
        )
        duty_mail(subject, body, email, reply_to=reply_to)
    logger.info("protocol release %s e-mailed to user %s", release_id, user_id)


def _changes_since(user_id: int, version: ProtocolVersion) -> ProtocolVersion | None:
    """Where the e-mail's "what changed" starts: the version the reader last confirmed
    having read (_last_read), else the version before `version`; None for a first
    version. At most two queries."""
    read = _last_read(user_id, version)
    if read is not None:
        return read
    earlier = ProtocolVersion.objects.published().filter(number__lt=version.number)
    return earlier.order_by("-number").first()


def _last_read(user_id: int, version: ProtocolVersion) -> ProtocolVersion | None:
    """The version before `version` the reader last confirmed having read (for a
    confirmation a correction kept, the version it corrected); None if none. One query."""
    latest = (
        Acknowledgement.objects.filter(user_id=user_id, version__number__lt=version.number)
        .select_related("version", "carried_from")
        .order_by("-version__number")
        .first()
    )
    return None if latest is None else latest.carried_from or latest.version


def _diff_url(since: ProtocolVersion | None, version: ProtocolVersion) -> str:
    if since is None:
        return ""
    return settings.SITE_URL + reverse("policy:diff", args=[since.number, version.number])


def protocol_reminder_email_send(*, version_id: int, user_id: int) -> None:
    """A staff member has not confirmed the current version: remind them once, with a
    link to what changed since the version they last confirmed (none if they never did:
    the whole text is new to them). Checked at send time (_still_to_read): nothing to
    someone who confirmed or left meanwhile, nor about a version a new one replaced; a
    correction published meanwhile is the version they are reminded of."""
    version = _still_to_read(user_id, ProtocolVersion.objects.get(pk=version_id))
    if version is None:
        return
    email = recipient_email(user_id)
    if email is None:
        return
    with in_language_of(user_id):
        subject = _("Reminder: please read version %(number)s of the social media protocol") % {
            "number": version.number
        }
        reply_to = settings.FOUNDATION_CONTACT_EMAIL
        since = _last_read(user_id, version)
        body = render_to_string(
            "policy/email/reminder.txt",
            {
                "version": version,
                "since": since,
                "diff_url": _diff_url(since, version),
                "url": settings.SITE_URL + reverse("policy:current") + "#bevestigen",
                "reply_to": reply_to,
            },
        )
        duty_mail(subject, body, email, reply_to=reply_to)
    logger.info("protocol version %s reminder e-mailed to user %s", version_id, user_id)
