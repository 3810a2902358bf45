import datetime
import logging
import smtplib
import time
from urllib.parse import urlsplit, urlunsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter

# Internal to allauth (pinned in requirements.txt): the session's log of how the user
# authenticated. Read only, to see whether the user has just logged in.
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Q
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import notices, reauthentication
from opo_portal.fields import validate_email_address
from outbox.services import mail_headers

log = logging.getLogger(__name__)


CODE_METHOD = _("Use a code sent by e-mail")
UNKNOWN_ACCOUNT = "account/email/unknown_account"
SWITCHED_OFF_ACCOUNT = "account/email/inactive_account"
USER_AGENT_SHOWN = 200  # characters of the browser's name a notice quotes, as allauth's


class MailNotSent(Exception):
    """allauth could not hand an e-mail (a login code, a password reset link, an address
    check) to the SMTP server; accounts.middleware.MailNotSentMiddleware tells the user."""


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the school (pupil import, admin); nobody signs up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def clean_email(self, email: str) -> str:
        """allauth's check of every address typed into its forms (sign-up, an added
        address, a password reset): none holds a direction control (opo_portal.fields)."""
        validate_email_address(email)
        return super().clean_email(email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails are sent during the request: an SMTP outage becomes MailNotSent
        (logged by type, without the address) instead of a 500. allauth stores a login code
        only after it was sent, so nothing is left half-done."""
        template_prefix = _unknown_or_switched_off(template_prefix, email)
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("account e-mail %s not sent: %s", template_prefix, type(error).__name__)
            raise MailNotSent from error

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's e-mails get the outbox's headers (`outbox.services.mail_headers`): a
        Message-ID at the sender's domain (Django's own names the server, socket.getfqdn())
        and Auto-Submitted, so no auto-reply comes back to a login code."""
        message = super().render_mail(template_prefix, email, context, headers)
        for name, value in mail_headers().items():
            message.extra_headers.setdefault(name, value)
        return message

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site_url(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_login_redirect_url(self, request) -> str:
        return resolve_url("home")

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A staff member who has just logged in is sent to set up TOTP and then shown the
        recovery codes; asking for the password again there would be asking it twice. Only
        that first set-up is spared: with an authenticator from before this login, or after
        the reauthentication timeout, allauth asks as usual.

        An account allauth has no way to ask (no password, no authenticator: a parent who
        logs in by code, or staff before they set up TOTP) it would let through; it is
        asked for an e-mailed code instead (accounts.reauthentication)."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and _just_logged_in_without_mfa():
            return False
        if required and context.request and reauthentication.code_is_due(context.request):
            # allauth's middleware suspends the request and sends this on to the first
            # method below: the e-mailed code.
            raise ReauthenticationRequired
        return required

    def get_reauthentication_methods(self, user) -> list[dict]:
        methods = super().get_reauthentication_methods(user)
        if reauthentication.offers_code(user):
            url = reverse("account_reauthenticate_by_code")
            methods.append({"id": "code", "description": CODE_METHOD, "url": url})
        return methods

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """allauth's security notices (ACCOUNT_EMAIL_NOTIFICATIONS) go to every confirmed
        address of the account through the outbox (accounts.notices), not to one address
        during the request."""
        if not account_settings.EMAIL_NOTIFICATIONS:
            return
        request = self.request
        facts = {
            "request": request,
            "current_site": get_current_site(request),
            "timestamp": timezone.now(),
            "ip": self.get_client_ip(request),
            "user_agent": self.get_http_user_agent(request)[:USER_AGENT_SHOWN],
        }
        notices.notices_queue(
            adapter=self,
            template_prefix=template_prefix,
            user=user,
            context={**facts, **(context or {})},
            email=email,
        )


def _unknown_or_switched_off(template_prefix: str, email: str) -> str:
    """allauth looks up active accounts only, so a sign-in code or a new password asked for
    a deactivated account's address mails "no account is known for this address": untrue,
    and it sends the owner to ask which address the school has. That mail says the account
    is switched off instead; the page shown is the same either way (no enumeration)."""
    if template_prefix != UNKNOWN_ACCOUNT:
        return template_prefix
    addressed = Q(email__iexact=email) | Q(emailaddress__email__iexact=email)
    if get_user_model().objects.filter(addressed, is_active=False).exists():
        return SWITCHED_OFF_ACCOUNT
    return template_prefix


def on_site_url(url: str) -> str:
    """A link for an e-mail on SITE_URL, as every other e-mail's: allauth builds it from
    the request (http://testserver/…, an internal host name, http:// behind a proxy that
    does not say https), and the e-mail is read elsewhere, later."""
    parts = urlsplit(url)
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def _just_logged_in_without_mfa() -> bool:
    request = context.request
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    timeout = account_settings.REAUTHENTICATION_TIMEOUT
    logins = [r.get("at", 0) for r in get_authentication_records(request, user)]
    recent = [at for at in logins if time.time() - at < timeout]
    if not recent:
        return False
    # Set-up in this session only: no authenticator from before this login.
    since = datetime.datetime.fromtimestamp(min(recent), tz=datetime.UTC)
    return not Authenticator.objects.filter(user=user, created_at__lt=since).exists()
