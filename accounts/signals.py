"""Forget a session's remembered TOTP when the user removes an authenticator."""

from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver

from accounts.middleware import TOTP_SESSION_KEY


@receiver(authenticator_removed)
def forget_totp(sender, request=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(TOTP_SESSION_KEY, None)
