"""Keep the session's remembered TOTP check (accounts.middleware) in step with the user."""

from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.middleware import TOTP_SESSION_KEY
from accounts.roles import has_totp, requires_mfa


@receiver(user_logged_in)
def remember_totp_at_login(sender, request=None, user=None, **kwargs):
    """Ask once, at login, so that no later request needs to (the login writes anyway)."""
    session = getattr(request, "session", None)
    if session is not None and requires_mfa(user) and has_totp(user):
        session[TOTP_SESSION_KEY] = user.pk


@receiver(authenticator_added)
def remember_new_totp(sender, request=None, user=None, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and user is not None and has_totp(user):
        session[TOTP_SESSION_KEY] = user.pk


@receiver(authenticator_removed)
def forget_totp(sender, request=None, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(TOTP_SESSION_KEY, None)
