"""Reauthentication by an e-mailed code, for the accounts allauth cannot ask again.

With ACCOUNT_REAUTHENTICATION_REQUIRED allauth asks for the password or a TOTP code before
an e-mail address is added, removed or made the main one. An account with neither (a
parent who logs in by e-mailed code) it lets through without asking
(`did_recently_reauthenticate` in allauth.account.internal.flows.reauthentication), so a
stolen session could move such an account to another address. Such an account confirms
with a code mailed to its main address instead; a parent who did set a password may use
either. Staff are not offered a code: they confirm with TOTP or their password, as allauth
allows, since an e-mailed code is weaker than the second factor they log in with; only a
staff member with neither (not yet set up) confirms by code, rather than not at all.

Setting a password on an account without one asks the same way (accounts.views
.PasswordSetView), and so do allauth's TOTP and recovery code pages.
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter

# Internal to allauth (pinned in requirements.txt): the session's log of how the user
# authenticated, which allauth's own reauthentication reads and writes too.
from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.mfa.utils import is_mfa_enabled

from accounts.roles import requires_mfa

CODE_SESSION_KEY = "opo_reauthentication_code"
CODE_TEMPLATE = "account/email/reauthentication_code"


def offers_code(user) -> bool:
    """Parents confirm by code; anyone with an authenticator does not, nor does staff with
    a password. Staff with neither (a parent from the pupil import made a teacher, before
    setting up TOTP) logged in by code and have nothing else to give; allauth would ask
    them nothing at all."""
    if not user.is_authenticated or is_mfa_enabled(user):
        return False
    return not requires_mfa(user) or not user.has_usable_password()


def code_is_due(request) -> bool:
    """True where allauth would let the request through unasked: an account without a
    password or authenticator that has not confirmed within the timeout."""
    user = request.user
    return (
        offers_code(user)
        and not user.has_usable_password()
        and not reauthenticated_recently(request)
    )


def reauthenticated_recently(request) -> bool:
    records = get_authentication_records(request, request.user)
    moments = [record["at"] for record in records if record.get("reauthenticated")]
    timeout = account_settings.REAUTHENTICATION_TIMEOUT
    return bool(moments) and time.time() - max(moments) < timeout


def code_address(user) -> str:
    return EmailAddress.objects.get_primary_email(user)


def code_send(request) -> bool:
    """Mail a new code to the account's main address; False when that address was sent
    codes too often just now (allauth's login-code limit, per address). The code is kept
    only once the e-mail went: an SMTP error (MailNotSent) leaves the session as it was."""
    address = code_address(request.user)
    if not ratelimit.consume(request, action="request_login_code", key=address.lower()):
        return False
    adapter = get_adapter()
    code = adapter.generate_login_code()
    adapter.send_mail(CODE_TEMPLATE, address, {"code": code})
    request.session[CODE_SESSION_KEY] = {
        "code": code,
        "user_id": request.user.pk,
        "sent_at": time.time(),
        "attempts_left": account_settings.LOGIN_BY_CODE_MAX_ATTEMPTS,
    }
    return True


def pending_code(request) -> str:
    """The code sent to this user and still valid, or "" (no code matches "")."""
    state = request.session.get(CODE_SESSION_KEY)
    if not state or state["user_id"] != request.user.pk:
        return ""
    if time.time() - state["sent_at"] > account_settings.LOGIN_BY_CODE_TIMEOUT:
        return ""
    return state["code"]


def code_rejected(request) -> bool:
    """Count a wrong answer against the code sent; True when that used the last try and
    the code is gone (a new one must be asked for)."""
    if not pending_code(request):
        return False
    state = request.session[CODE_SESSION_KEY]
    state["attempts_left"] -= 1
    if state["attempts_left"] > 0:
        request.session[CODE_SESSION_KEY] = state
        return False
    del request.session[CODE_SESSION_KEY]
    return True


def code_accepted(request) -> None:
    """Record the reauthentication as allauth records a password or TOTP one."""
    del request.session[CODE_SESSION_KEY]
    record_authentication(request, request.user, method="code", reauthenticated=True)
