"""A parent stops reminder e-mails with one click (RFC 2369 List-Unsubscribe, RFC 8058
one-click List-Unsubscribe-Post): a signed token names the parent, so no login is needed
and nothing but the parent's own reminders can be changed with it. Stopping reminders
answers no question: the school still publishes nothing where no parent answered."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from consent.models import ReminderOptOut

SALT = "consent.reminder_stop"


def reminder_stop_url(user_id: int) -> str:
    """The link in a reminder to `user_id`, on SITE_URL."""
    # without a timestamp: each reminder to a parent carries the same link
    token = signing.Signer(salt=SALT).sign_object(user_id)
    return settings.SITE_URL + reverse("consent:reminders_stop", args=[token])


def reminder_stop_user_id(token: str) -> int | None:
    """The parent a token was made for, None for a token we did not sign (altered, cut
    off in a mail client) or for an account that is gone."""
    try:
        user_id = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return user_id if get_user_model().objects.filter(pk=user_id).exists() else None


def reminders_stop(*, user_id: int) -> None:
    """No more reminders to `user_id`. Idempotent: a second click (or the mail provider's
    POST after the parent's own) keeps the first moment."""
    ReminderOptOut.objects.get_or_create(user_id=user_id)


def reminders_resume(*, user_id: int) -> None:
    ReminderOptOut.objects.filter(user_id=user_id).delete()


def reminders_stopped(user_id: int) -> bool:
    return ReminderOptOut.objects.filter(user_id=user_id).exists()


def reminder_opt_out(user_id: int) -> ReminderOptOut | None:
    """The parent's stop, with its moment, for their right of access; None: not stopped."""
    return ReminderOptOut.objects.filter(user_id=user_id).first()
