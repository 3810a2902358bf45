from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts.adapters import MailNotSent
from accounts.roles import has_totp, requires_mfa
from opo_portal.middleware import service_unavailable

# Paths a staff member without TOTP may still reach: logging in and out, setting up
# TOTP itself, static files, the language switch and the health check.
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/health/")

# The id of the user this session saw with a TOTP authenticator. Remembered so that a
# logged-in request does not ask the database again; dropped when the user removes an
# authenticator (accounts.signals) and gone with the session at logout.
TOTP_SESSION_KEY = "opo_totp_user"


class StaffMfaRequiredMiddleware:
    """Send staff to TOTP set-up before any page that could show pupil data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and requires_mfa(user)
            and not session_has_totp(request)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def session_has_totp(request) -> bool:
    """has_totp, asked once per session: only a yes is remembered (set-up must show up)."""
    if request.session.get(TOTP_SESSION_KEY) == request.user.pk:
        return True
    if not has_totp(request.user):
        return False
    request.session[TOTP_SESSION_KEY] = request.user.pk
    return True


class MailNotSentMiddleware:
    """An account e-mail that could not be sent (accounts.adapters.MailNotSent): a form is
    shown again with a message saying so, anything else gets the "try again" page (503).

    A form of allauth's posted runs in one transaction, rolled back when its e-mail could
    not be sent: adding an address writes the address before it mails the check, and the
    message says nothing has changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _posted_account_form(request):
            with transaction.atomic():
                return self.get_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MailNotSent):
            return None
        if _posted_account_form(request):
            transaction.set_rollback(True)  # the transaction __call__ opened
        if request.method == "POST":
            messages.error(request, MAIL_NOT_SENT)
            return redirect(request.get_full_path())
        return service_unavailable()


ACCOUNT_PAGES = "/accounts/"  # allauth's, as opo_portal/urls.py includes them


def _posted_account_form(request) -> bool:
    return request.method == "POST" and request.path.startswith(ACCOUNT_PAGES)


MAIL_NOT_SENT = _(
    "We could not send you an e-mail just now, so nothing has changed. "
    "Please try again in a few minutes."
)


class LoginAfterFormMiddleware:
    """A form sent after the session ended (staff: 30 minutes idle, a logout or a new
    password elsewhere) is answered with the login page, whose `next` was the form's own
    address: after logging in the browser asks it with GET, and an action that only takes
    POST ("Verwijderd", "Afhandelen", a case's note) answered a blank 405. For a POST,
    `next` becomes the page the form was on (the Referer, sent by the browser for our own
    pages: SECURE_REFERRER_POLICY "same-origin"), so the person lands where they were and
    sends the form again. Without a Referer of this host `next` stays as it was.

    The login page says that what was sent was not saved: without it a parent who logged
    in again saw their child's page as before and took their answers as saved. What was
    typed is not kept: after the login it could be someone else (a family tablet). Sits
    inside MessageMiddleware, so the message is stored (in the cookie: the session is
    gone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _sent_to_login(request, response):
            return response
        messages.error(request, NOT_SAVED)
        page = form_page(request)
        return redirect_to_login(page) if page else response


NOT_SAVED = _(
    "You were no longer logged in, so what you sent was not saved. Log in again: you then "
    "return to the page, where you can fill it in and send it again."
)


def _sent_to_login(request, response) -> bool:
    """A POST outside the account pages answered with the login page and a `next`, as
    login_required and the session limits answer (a logout's redirect has no `next`)."""
    if request.method != "POST" or response.status_code != 302:
        return False
    if request.path.startswith(ACCOUNT_PAGES):
        return False
    location = urlsplit(response.get("Location", ""))
    return location.path == resolve_url(settings.LOGIN_URL) and "next" in parse_qs(location.query)


def form_page(request) -> str:
    """The path (and query) of the page a POST came from, when the Referer names a page of
    this host; '' otherwise."""
    referer = request.headers.get("referer", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not referer or not allowed:
        return ""
    parts = urlsplit(referer)
    if not parts.path.startswith("/") or parts.path.startswith(("//", "/\\")):
        return ""  # "//evil.example/x", a path of ours, is another host in an href
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
