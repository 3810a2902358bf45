"""Adding, removing or choosing the main e-mail address asks again who you are, through
allauth's real views: a password, TOTP or the password for staff. A stolen session alone
cannot move an account to another address."""

import datetime
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


def test_it_lets_staff_confirm_with_totp(login, teacher_with_two_addresses):
    client = login(teacher_with_two_addresses)
    assert client.post(EMAIL, CHOOSE)["Location"] == PASSWORD_STEP
    page = client.get(PASSWORD_STEP).content.decode()
    assert "Gebruik uw inlogcode-app of een herstelcode" in page
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
