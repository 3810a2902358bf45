"""Setting a password on an account without one asks again who you are first, as an e-mail
change does (README "Accounts"): a parent who logs in by code confirms with an e-mailed
code. A stolen session alone cannot give itself a lasting way in. Through allauth's real
views; the notice duties run in-process after the commit."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache

from accounts.tests.test_notices import assert_formal_dutch, notices
from accounts.tests.test_reauthentication import CODE_STEP as EMAIL_CODE_STEP
from accounts.tests.test_reauthentication import mailed_code
from conftest import reauthenticate
from outbox.models import Duty

SET = "/accounts/password/set/"
CHANGE = "/accounts/password/change/"
CODE_STEP = "/accounts/reauthenticate/code/?next=%2Faccounts%2Fpassword%2Fset%2F"
NEW_PASSWORD = "nieuw-wacht-2026"
PASSWORDS = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
NOTICE = "[OPO Portal] Wachtwoord ingesteld"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def run_duties(eager_tasks, django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def has_password(user) -> bool:
    user.refresh_from_db()
    return user.has_usable_password()


def confirm_by_code(client, step=CODE_STEP):
    client.post(step, {"action_send": ""})
    return client.post(step, {"code": mailed_code()})


def test_it_asks_a_parent_without_a_password_for_a_code_before_showing_the_form(login, code_parent):
    response = login(code_parent).get(SET)
    assert (response.status_code, response["Location"]) == (302, CODE_STEP)


def test_it_sets_nothing_posted_without_a_recent_confirmation(login, code_parent):
    client = login(code_parent)
    response = client.post(SET, PASSWORDS, follow=True)
    assert response.redirect_chain == [(SET, 302), (CODE_STEP, 302)]
    assert "Uw wachtwoord is nog niet ingesteld" in response.content.decode()
    assert not has_password(code_parent)
    assert not Duty.objects.exists() and mail.outbox == []


def test_the_posted_password_is_not_kept_for_after_the_code(login, code_parent):
    """allauth keeps a posted form in the session to resume it; this one would be the new
    password in plain text, in Redis and in the database's sessions."""
    client = login(code_parent)
    client.post(SET, PASSWORDS)
    assert NEW_PASSWORD not in str(client.session.items())
    assert all(NEW_PASSWORD not in str(s.get_decoded()) for s in Session.objects.all())


def test_it_sets_the_password_after_the_code_and_tells_the_account(login, code_parent, run_duties):
    """The whole way, as a parent from the pupil import: refused, the e-mailed code, the
    form again, and the account's address hears of it."""
    client = login(code_parent)
    client.post(SET, PASSWORDS)
    response = confirm_by_code(client)
    assert (response.status_code, response["Location"]) == (302, SET)
    assert "Wachtwoord instellen" in client.get(SET).content.decode()
    with run_duties():
        response = client.post(SET, PASSWORDS)
    assert response.status_code == 302 and has_password(code_parent)
    assert code_parent.check_password(NEW_PASSWORD)
    assert Duty.objects.filter(handler="accounts.duties.account_notice_send").count() == 1
    assert notices() == {NOTICE: [code_parent.email]}
    assert_formal_dutch(mail.outbox[-1])
    assert "Uw wachtwoord is ingesteld." in mail.outbox[-1].body


def test_a_code_given_for_an_e_mail_change_counts_for_the_password_too(login, code_parent):
    """One confirmation lasts 5 minutes, whatever asked for it."""
    client = login(code_parent)
    confirm_by_code(client, EMAIL_CODE_STEP)
    assert client.post(SET, PASSWORDS).status_code == 302
    assert has_password(code_parent)


def test_it_sends_an_account_with_a_password_to_the_change_page(login, parent_a):
    """That page asks for the old password; there is nothing to set."""
    client = login(parent_a)
    reauthenticate(client)
    response = client.post(SET, PASSWORDS)
    assert (response.status_code, response["Location"]) == (302, CHANGE)
    assert not parent_a.check_password(NEW_PASSWORD)


def test_it_asks_staff_without_a_password_or_totp_for_a_code(login, new_teacher):
    client = login(new_teacher)
    response = client.post(SET, PASSWORDS, follow=True)
    assert response.redirect_chain == [(SET, 302), (CODE_STEP, 302)]
    assert "Stuur mij een code" in response.content.decode()
    assert not has_password(new_teacher)
    confirm_by_code(client)
    assert client.post(SET, PASSWORDS).status_code == 302 and has_password(new_teacher)
