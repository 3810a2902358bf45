"""A notice to the account's addresses after an address is added, removed or made the main
one, and after a password change: through the outbox, in Dutch with "u", to every
confirmed address (and to a removed one). The changes go through allauth's real views;
the duties run in-process after the commit."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.tests.test_reauthentication import CODE_STEP, mailed_code
from conftest import PASSWORD, reauthenticate
from opo_portal.tests.test_language_crawl import DUTCH, ENGLISH, INFORMAL
from outbox.models import Duty
from outbox.services import duty_run

EMAIL = "/accounts/email/"
HOME = "ouder.a@example.org"
SECOND = "tweede@example.org"
NEW_PASSWORD = "nieuw-wacht-2026"
PASSWORDS = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def parent(login, parent_a):
    """parent_a, with the password confirmed a moment ago (as allauth asks first)."""
    EmailAddress.objects.create(user=parent_a, email=HOME, verified=True, primary=True)
    client = login(parent_a)
    reauthenticate(client)
    return client


@pytest.fixture
def run_duties(eager_tasks, django_capture_on_commit_callbacks):
    """The request's transaction commits, and each duty it wrote runs right after."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def notices() -> dict[str, list[str]]:
    """Subject -> recipients of the notices sent (not the address checks)."""
    found: dict[str, list[str]] = {}
    for message in mail.outbox:
        if "U ontvangt deze e-mail omdat het volgende is gewijzigd" in message.body:
            found.setdefault(message.subject, []).extend(message.to)
    return found


def assert_formal_dutch(message):
    text = f"{message.subject}\n{message.body}"
    for line in text.replace(HOME, "").replace(SECOND, "").splitlines():
        assert not ENGLISH.search(line) and not INFORMAL.search(line), line


def test_it_tells_the_old_address_when_an_address_is_added(parent, run_duties):
    with run_duties():
        parent.post(EMAIL, {"action_add": "", "email": SECOND})
    assert notices() == {"[OPO Portal] E-mailadres toegevoegd": [HOME]}
    [notice] = [m for m in mail.outbox if m.to == [HOME]]
    assert f"E-mailadres {SECOND} is aan uw account toegevoegd." in notice.body
    assert "IP-adres: 127.0.0.1" in notice.body
    assert_formal_dutch(notice)


def test_it_tells_every_confirmed_address_when_the_main_address_changes(
    parent, parent_a, run_duties
):
    EmailAddress.objects.create(user=parent_a, email=SECOND, verified=True)
    with run_duties():
        parent.post(EMAIL, {"action_primary": "", "email": SECOND})
    assert notices() == {"[OPO Portal] E-mailadres gewijzigd": [HOME, SECOND]}
    assert f"van {HOME} in {SECOND}" in mail.outbox[0].body


def test_it_tells_the_removed_address_too(parent, parent_a, run_duties):
    EmailAddress.objects.create(user=parent_a, email=SECOND, verified=True)
    with run_duties():
        parent.post(EMAIL, {"action_remove": "", "email": SECOND})
    assert notices() == {"[OPO Portal] E-mailadres verwijderd": [HOME, SECOND]}


def test_it_tells_the_account_when_its_password_changes(parent, run_duties):
    with run_duties():
        parent.post(reverse("account_change_password"), PASSWORDS)
    assert notices() == {"[OPO Portal] Wachtwoord gewijzigd": [HOME]}
    assert_formal_dutch(mail.outbox[0])


def test_the_notice_is_in_the_owners_choice_not_the_pages_language(parent, run_duties):
    """The owner reads it: a page in English (a cookie from before signing in, never
    chosen while signed in) leaves the owner's Dutch."""
    parent.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with run_duties():
        parent.post(reverse("account_change_password"), PASSWORDS)
    assert list(notices()) == ["[OPO Portal] Wachtwoord gewijzigd"]


def test_an_owner_who_chose_english_gets_the_notice_in_english(parent, run_duties):
    parent.post(reverse("set_language"), {"language": "en", "next": "/"})
    parent.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"  # the page in Dutch again
    with run_duties():
        parent.post(reverse("account_change_password"), PASSWORDS)
    [message] = mail.outbox
    assert message.subject == "[OPO Portal] Password changed"  # sentence case
    problems = [line for line in message.body.splitlines() if DUTCH.search(line)]
    assert not problems, problems


@pytest.mark.parametrize(("language", "label"), [("nl", "Datum"), ("en", "Date")])
def test_the_notice_dates_the_change_in_the_portals_format(parent, run_duties, language, label):
    """English wrote Django's default, "March 29, 2026, 12:30 a.m."."""
    parent.post(reverse("set_language"), {"language": language, "next": "/"})
    with time_machine.travel(timezone.now(), tick=False), run_duties():
        parent.post(reverse("account_change_password"), PASSWORDS)
        with translation.override(language):
            when = formats.date_format(timezone.localtime(), "j F Y H:i")
    [message] = mail.outbox
    assert f"- {label}: {when}\n" in message.body


def test_a_password_change_is_kept_while_its_notice_waits_for_the_smtp_server(
    parent, parent_a, run_duties, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    with run_duties():
        response = parent.post(reverse("account_change_password"), PASSWORDS)
    assert response.status_code == 302
    parent_a.refresh_from_db()
    assert parent_a.check_password(NEW_PASSWORD)
    [duty] = Duty.objects.filter(handler="accounts.duties.account_notice_send")
    assert duty.status == Duty.Status.PENDING and "ConnectionRefusedError" in duty.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert duty_run(duty_id=duty.pk)
    assert notices() == {"[OPO Portal] Wachtwoord gewijzigd": [HOME]}


def test_nothing_is_written_before_the_change_is_confirmed(login, parent_a):
    EmailAddress.objects.create(user=parent_a, email=HOME, verified=True, primary=True)
    login(parent_a).post(EMAIL, {"action_add": "", "email": SECOND})
    assert not Duty.objects.exists()


def test_a_parent_who_logs_in_by_code_adds_an_address_and_the_old_one_is_told(
    login, code_parent, run_duties
):
    """The whole way, as a parent from the pupil import: refused until the e-mailed code,
    then added, and the old address hears of it."""
    client = login(code_parent)
    response = client.post(EMAIL, {"action_add": "", "email": SECOND})
    assert response["Location"] == CODE_STEP and not EmailAddress.objects.filter(email=SECOND)
    client.post(CODE_STEP, {"action_send": ""})
    with run_duties():
        response = client.post(CODE_STEP, {"code": mailed_code()})
    assert response["Location"] == EMAIL
    assert EmailAddress.objects.filter(email=SECOND, user=code_parent).exists()
    assert notices() == {"[OPO Portal] E-mailadres toegevoegd": [code_parent.email]}


def test_it_tells_the_account_when_its_password_is_reset(client, parent_a, run_duties):
    EmailAddress.objects.create(user=parent_a, email=HOME, verified=True, primary=True)
    key = default_token_generator.make_token(parent_a)
    url = reverse("account_reset_password_from_key", args=[user_pk_to_url_str(parent_a), key])
    form = client.get(url)["Location"]
    with run_duties():
        client.post(form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    parent_a.refresh_from_db()
    assert parent_a.check_password(NEW_PASSWORD)
    assert notices() == {"[OPO Portal] Nieuw wachtwoord": [HOME]}


def test_the_notice_with_ip_and_browser_is_deleted_after_the_outbox_term(
    parent, run_duties, settings
):
    """The sent notice's duty keeps the rendered text (IP address, browser) for the admin
    only OUTBOX_DONE_RETENTION_DAYS; the daily retention task then deletes it."""
    from schools.tasks import erase_left_pupils

    settings.OUTBOX_DONE_RETENTION_DAYS = 30
    with run_duties():
        parent.post(reverse("account_change_password"), PASSWORDS)
    [notice] = Duty.objects.filter(handler="accounts.duties.account_notice_send")
    assert (notice.status, "IP-adres: 127.0.0.1" in notice.payload["body"]) == ("done", True)
    erase_left_pupils.apply().get()
    assert Duty.objects.filter(pk=notice.pk).exists()
    Duty.objects.filter(pk=notice.pk).update(done_at=notice.done_at - timedelta(days=31))
    erase_left_pupils.apply().get()
    assert not Duty.objects.filter(pk=notice.pk).exists()


def test_it_says_what_to_do_when_the_change_was_not_yours(parent, run_duties):
    """ "Beveilig dan direct uw account" left a parent who logs in by code without a step
    to take: the notice names one (a new password through "Wachtwoord vergeten?") and
    whom to tell."""
    with run_duties():
        parent.post(reverse("account_change_password"), PASSWORDS)
    [message] = [m for m in mail.outbox if "gewijzigd" in m.subject]
    assert "Wachtwoord vergeten?" in message.body
    assert "neem contact op met de school" in message.body
