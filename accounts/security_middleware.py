"""Two rules every response follows, as middleware so that no view can forget them.

NoStoreMiddleware: a signed-in person's pages show data about pupils or parents (names,
consent, e-mail addresses, CSV exports), so no browser or proxy may keep a copy.

SessionLimitsMiddleware: staff sessions end after STAFF_SESSION_MAX_SECONDS (12 h) and
after STAFF_SESSION_IDLE_SECONDS (30 min) without a request; a parent's after
PARENT_SESSION_MAX_SECONDS (12 h), or PARENT_REMEMBERED_MAX_SECONDS (30 days) when they
ticked "remember me" on the login form. A person who is staff anywhere gets the staff rule,
and so does an admin user (who reads every pupil in the admin): the people who must use
TOTP (accounts.roles.requires_mfa). Staff pages warn before either limit ends the session
(static/js/session-warning.js, accounts.views.session_status): asking the seconds left with
GET on that endpoint is not a request that counts, so the warning's checks keep no one in.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _

from accounts.navigation import url_for
from accounts.roles import requires_mfa

STARTED, SEEN = "opo_session_started", "opo_session_seen"
# Write "last seen" at most once a minute: idle time is measured to that precision.
SEEN_PRECISION = 60


# What add_never_cache_headers writes on a response without caching headers of its own.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if signed_in(request):
            never_cache(response)
        return response


def signed_in(request) -> bool:
    """Signed in when answered, or arriving with a session cookie: some answers to a
    signed-in person are made while nobody is signed in (a method refused before sessions
    are read, the request that finds the session expired, the logout). Static files
    (WhiteNoise answers them before sessions are read) hold nobody's data and stay cached."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES and not request.path.startswith(
        settings.STATIC_URL
    ):
        return True  # asked first: no query, and the user may be unreadable (PostgreSQL away)
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def never_cache(response) -> None:
    """add_never_cache_headers, without parsing headers when the view set none (most pages)."""
    if "Cache-Control" in response or "Expires" in response:
        add_never_cache_headers(response)
    else:
        response.headers["Expires"] = http_date()
        response.headers["Cache-Control"] = NEVER_CACHE


def remembered(session) -> bool:
    """True when allauth set a lasting expiry because "remember me" was ticked."""
    expiry = session.get("_session_expiry")
    return isinstance(expiry, int) and expiry > 0


def session_expired(*, session, staff: bool, now: float) -> bool:
    started = session.get(STARTED, now)
    seen = session.get(SEEN, now)
    if staff:
        return (
            now - started > settings.STAFF_SESSION_MAX_SECONDS
            or now - seen > settings.STAFF_SESSION_IDLE_SECONDS
        )
    limit = (
        settings.PARENT_REMEMBERED_MAX_SECONDS
        if remembered(session)
        else settings.PARENT_SESSION_MAX_SECONDS
    )
    return now - started > limit


def seconds_left(session, *, now: float) -> dict[str, int]:
    """A staff session's whole seconds until its idle limit and until its absolute limit."""
    idle = settings.STAFF_SESSION_IDLE_SECONDS - (now - session.get(SEEN, now))
    most = settings.STAFF_SESSION_MAX_SECONDS - (now - session.get(STARTED, now))
    return {"idle": max(0, int(idle)), "max": max(0, int(most))}


def session_start(*, request, user) -> None:
    """Stamp a new login (receiver of user_logged_in): no extra write on later requests."""
    now = time.time()
    request.session[STARTED] = request.session[SEEN] = now
    if requires_mfa(user):
        request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            staff = requires_mfa(request.user)
            if session_expired(session=request.session, staff=staff, now=now):
                logout(request)
                if request.method != "POST":  # a POST's message: LoginAfterFormMiddleware
                    messages.info(request, _("Your session has ended. Please log in again."))
                return redirect_to_login(request.get_full_path())
            if not _asks_seconds_left(request):
                self._touch(request.session, staff=staff, now=now)
        return self.get_response(request)

    @staticmethod
    def _touch(session, *, staff: bool, now: float) -> None:
        if STARTED not in session:  # a session from before these limits existed
            session[STARTED] = now
        if now - session.get(SEEN, 0) >= SEEN_PRECISION:
            session[SEEN] = now
        if staff and session.get_expiry_age() > settings.STAFF_SESSION_IDLE_SECONDS:
            # The cookie and the stored session end with the idle limit too.
            session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


def _asks_seconds_left(request) -> bool:
    """The session warning's check (GET, several tabs each): not activity, else the
    warning would keep an idle session alive. Its POST, "Stay logged in", is."""
    return request.method in ("GET", "HEAD") and request.path == url_for("account_session")
