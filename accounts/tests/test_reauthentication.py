"""Adding, removing or choosing the main e-mail address asks again who you are, through
allauth's real views: a password, an e-mailed code for an account without one, TOTP or
the password for staff. A stolen session alone cannot move an account to another address."""

import datetime
import re
import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from conftest import reauthenticate

EMAIL = "/accounts/email/"
PASSWORD_STEP = "/accounts/reauthenticate/?next=%2Faccounts%2Femail%2F"
CODE_STEP = "/accounts/reauthenticate/code/?next=%2Faccounts%2Femail%2F"
TOTP_STEP = "/accounts/2fa/reauthenticate/?next=%2Faccounts%2Femail%2F"
NEW = "nieuw.adres@example.org"
ADD = {"action_add": "", "email": NEW}


@pytest.fixture(autouse=True)
def _fresh_limits():
    """allauth counts codes and reauthentications in the (shared) cache."""
    cache.clear()


def confirmed(user, email=None, primary=True) -> EmailAddress:
    email = email or user.email
    return EmailAddress.objects.create(user=user, email=email, verified=True, primary=primary)


def added() -> bool:
    return EmailAddress.objects.filter(email=NEW).exists()


def mailed_code() -> str:
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)


# --- A password ---------------------------------------------------------------------------
def test_it_asks_for_the_password_before_adding_an_address(login, parent_a):
    confirmed(parent_a)
    response = login(parent_a).post(EMAIL, ADD)
    assert (response.status_code, response["Location"]) == (302, PASSWORD_STEP)
    assert not added() and mail.outbox == []  # not even the check to the new address


@pytest.mark.parametrize("action", ["action_remove", "action_primary"])
def test_it_asks_for_the_password_before_removing_or_choosing_the_main_address(
    login, parent_a, action
):
    confirmed(parent_a)
    second = confirmed(parent_a, "tweede@example.org", primary=False)
    response = login(parent_a).post(EMAIL, {action: "", "email": second.email})
    assert (response.status_code, response["Location"]) == (302, PASSWORD_STEP)
    second.refresh_from_db()  # still there, still not the main address
    assert not second.primary
    assert EmailAddress.objects.get(primary=True).email == parent_a.email


def test_it_adds_the_address_once_the_password_is_confirmed(login, parent_a):
    confirmed(parent_a)
    client = login(parent_a)
    client.post(EMAIL, ADD)
    page = client.get(PASSWORD_STEP).content.decode()
    assert "Bevestig voor de veiligheid van uw account nog eens wie u bent." in page
    assert "Gebruik een code die we u e-mailen" in page  # a parent may use a code instead
    response = reauthenticate(client, EMAIL)
    assert (response.status_code, response["Location"]) == (302, EMAIL)
    assert added() and [m.to for m in mail.outbox] == [[NEW]]  # the new address's check


def test_it_does_not_add_with_a_wrong_password(login, parent_a):
    confirmed(parent_a)
    client = login(parent_a)
    client.post(EMAIL, ADD)
    response = reauthenticate(client, EMAIL, password="fout wachtwoord")
    assert response.status_code == 200 and not added()


def test_it_asks_again_once_the_timeout_has_passed(login, parent_a):
    confirmed(parent_a)
    client = login(parent_a)
    reauthenticate(client)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=301), tick=False):
        response = client.post(EMAIL, ADD)
    assert response["Location"] == PASSWORD_STEP and not added()


def test_it_does_not_ask_twice_within_the_timeout(login, parent_a):
    confirmed(parent_a)
    client = login(parent_a)
    reauthenticate(client)
    assert client.post(EMAIL, ADD)["Location"] == EMAIL and added()


# --- An e-mailed code (no password) ---------------------------------------------------------
def test_it_asks_a_parent_without_a_password_for_an_e_mailed_code(login, code_parent):
    response = login(code_parent).post(EMAIL, ADD)
    assert (response.status_code, response["Location"]) == (302, CODE_STEP)
    assert not added() and mail.outbox == []


def test_it_adds_the_address_once_the_e_mailed_code_is_confirmed(login, code_parent):
    client = login(code_parent)
    client.post(EMAIL, ADD)
    page = client.get(CODE_STEP).content.decode()
    assert "Stuur mij een code" in page and "ouder.code@example.org" in page
    assert mail.outbox == []  # only a click sends one
    sent = client.post(CODE_STEP, {"action_send": ""})
    assert (sent.status_code, sent["Location"]) == (302, CODE_STEP)
    [message] = mail.outbox
    assert message.to == [code_parent.email]
    assert message.subject == "[OPO Portal] Uw code om te bevestigen dat u het bent"
    assert "Code uit de e-mail" in client.get(CODE_STEP).content.decode()
    response = client.post(CODE_STEP, {"code": mailed_code()})
    assert (response.status_code, response["Location"]) == (302, EMAIL)
    assert added() and mail.outbox[-1].to == [NEW]


def test_it_forgets_the_code_after_three_wrong_ones(login, code_parent):
    client = login(code_parent)
    client.post(EMAIL, ADD)
    client.post(CODE_STEP, {"action_send": ""})
    code = mailed_code()
    for _ in range(2):
        assert client.post(CODE_STEP, {"code": "AAAA-AAAA"}).status_code == 200
    third = client.post(CODE_STEP, {"code": "AAAA-AAAA"})
    assert (third.status_code, third["Location"]) == (302, CODE_STEP)
    assert "te vaak onjuist" in client.get(CODE_STEP).content.decode()
    assert client.post(CODE_STEP, {"code": code}).status_code == 200  # the right one, too late
    assert not added()


def test_a_code_expires(login, code_parent):
    client = login(code_parent)
    client.post(EMAIL, ADD)
    client.post(CODE_STEP, {"action_send": ""})
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        assert client.post(CODE_STEP, {"code": mailed_code()}).status_code == 200
    assert not added()


def test_it_limits_the_codes_sent_to_one_address(login, code_parent):
    client = login(code_parent)
    for _ in range(4):
        client.post(CODE_STEP, {"action_send": ""})
    assert len(mail.outbox) == 3  # allauth's login-code limit: 3 a minute per address
    assert "Wacht een minuut" in client.get(CODE_STEP).content.decode()


# --- Staff: TOTP or password, never a code --------------------------------------------------
# (allauth refuses a new address on an account with TOTP outright; staff can still remove
# one or choose another main address, e.g. one the admin added.)
def totp_code(user) -> str:
    """What the user's app shows now; called with the clock stopped."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(decrypt(authenticator.data["secret"]), counter))


@pytest.fixture
def teacher_with_two_addresses(teacher_a):
    confirmed(teacher_a)
    confirmed(teacher_a, "juf.thuis@example.org", primary=False)
    return teacher_a


CHOOSE = {"action_primary": "", "email": "juf.thuis@example.org"}


def main_address() -> str:
    return EmailAddress.objects.get(primary=True).email


def test_it_lets_staff_confirm_with_totp_and_offers_no_code(login, teacher_with_two_addresses):
    client = login(teacher_with_two_addresses)
    assert client.post(EMAIL, CHOOSE)["Location"] == PASSWORD_STEP
    page = client.get(PASSWORD_STEP).content.decode()
    assert "Gebruik uw inlogcode-app of een herstelcode" in page
    assert "e-mailen" not in page
    assert client.get(CODE_STEP)["Location"] == PASSWORD_STEP  # no code for staff
    assert main_address() == "juf.a@example.org"
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(TOTP_STEP, {"code": totp_code(teacher_with_two_addresses)})
    assert (response.status_code, response["Location"]) == (302, EMAIL)
    assert main_address() == "juf.thuis@example.org"


def test_it_lets_staff_confirm_with_the_password(login, teacher_with_two_addresses):
    client = login(teacher_with_two_addresses)
    assert client.post(EMAIL, CHOOSE)["Location"] == PASSWORD_STEP
    assert main_address() == "juf.a@example.org"
    assert reauthenticate(client, EMAIL)["Location"] == EMAIL
    assert main_address() == "juf.thuis@example.org"


# --- Staff with neither password nor TOTP: a code, as for a parent ------------------------
ACTIVATE_TOTP = "/accounts/2fa/totp/activate/"
ACTIVATE_TOTP_CODE_STEP = (
    "/accounts/reauthenticate/code/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
)


def test_it_asks_staff_without_a_password_or_totp_for_a_code(login, new_teacher):
    """allauth has nothing to ask them and would let a stolen session change the account,
    tie its own authenticator app to it, say. (Right after the login, setting up TOTP is
    not asked again: AccountAdapter.is_reauthentication_required.)"""
    client = login(new_teacher)
    response = client.get(ACTIVATE_TOTP)
    assert (response.status_code, response["Location"]) == (302, ACTIVATE_TOTP_CODE_STEP)
    assert client.post(EMAIL, ADD)["Location"] == CODE_STEP and not added()
    assert "Stuur mij een code" in client.get(ACTIVATE_TOTP_CODE_STEP).content.decode()
