"""Thin Celery tasks for the protocol: ids in, the row claimed, then e-mail."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policy.models import Release

logger = logging.getLogger(__name__)


def staff_emails() -> list[str]:
    """Every active staff member, once, whatever their roles."""
    users = get_user_model().objects.filter(is_active=True, memberships__isnull=False)
    return sorted(set(users.values_list("email", flat=True)))


@shared_task(name="policy.send_protocol_published_emails", max_retries=3)
def send_protocol_published_emails(release_id: int) -> int:
    """A new protocol version needs reading: e-mail staff once (the claim is the row)."""
    claimed = Release.objects.filter(pk=release_id, staff_emailed_at__isnull=True).update(
        staff_emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    release = Release.objects.select_related("version").get(pk=release_id)
    emails = staff_emails()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please read version %(number)s of the social media protocol") % {
            "number": release.version.number
        }
        body = render_to_string(
            "policy/email/published.txt",
            {
                "version": release.version,
                "url": settings.SITE_URL + reverse("policy:current"),
            },
        )
        for email in emails:
            send_mail(subject, body, None, [email])
    logger.info("protocol release %s e-mailed to %s staff", release_id, len(emails))
    return len(emails)
