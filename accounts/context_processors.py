import time

from django.conf import settings
from django.utils.module_loading import import_string

from accounts import page_scalars
from accounts.middleware import session_has_totp
from accounts.navigation import navigation_for
from accounts.roles import requires_mfa
from accounts.security_middleware import seconds_left


def navigation(request) -> dict:
    """Menu items for the user's roles, and banners the apps want on every page.

    Each entry of settings.PORTAL_BANNER_PROVIDERS is a function(request) returning a
    list of {"text", "url", "link_text"} dicts, so apps add banners without this app
    importing them. The numbers both show come from one query (accounts.page_scalars).
    """
    if not hasattr(request, "user"):
        # An error page for a request stopped before authentication (a bad Host: 400).
        return {"nav_items": [], "site_banners": []}
    if waiting_for_totp(request):
        # staff before TOTP set-up: every menu item and banner leads back to the set-up
        return {"nav_items": [], "site_banners": []}
    banners = []
    for dotted_path in settings.PORTAL_BANNER_PROVIDERS:
        banners.extend(import_string(dotted_path)(request))
    scalars = page_scalars.for_request(request)
    return {"nav_items": navigation_for(request.user, scalars), "site_banners": banners}


def waiting_for_totp(request) -> bool:
    """Staff who have not set up TOTP yet (StaffMfaRequiredMiddleware sends them back to
    its set-up from every page but "My account" and logging out). Asked from the session
    first: no query for staff whose TOTP this session saw, nor for parents."""
    user = request.user
    return user.is_authenticated and requires_mfa(user) and not session_has_totp(request)


def session_warning(request) -> dict:
    """For staff, whose sessions end after a time without a request: the seconds left, for
    the warning base.html includes (static/js/session-warning.js). Parents get none."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not requires_mfa(user):
        return {}
    warning = settings.STAFF_SESSION_WARNING_SECONDS
    left = seconds_left(request.session, now=time.time())
    return {"session_left": {**left, "warning": warning, "minutes": max(1, round(warning / 60))}}
