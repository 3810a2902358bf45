import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from conftest import give_totp, make_user, reauthenticate
from schools.models import StaffMembership


def test_it_speaks_dutch_by_default(client, db):
    response = client.get(reverse("account_login"))
    body = response.content.decode()
    assert '<html lang="nl">' in body
    assert "Naar de inhoud" in body


def test_it_switches_to_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en">' in body
    assert "Skip to content" in body


def test_it_sends_the_admin_login_through_allauth(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response.url, follow=True)
    assert login.request["PATH_INFO"] == reverse("account_login")


def test_it_requires_totp_before_the_admin(login, db):
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    response = login(admin).get("/admin/")
    assert response.url == reverse("mfa_activate_totp")
    give_totp(admin)
    assert login(admin).get("/admin/").status_code == 200


def test_it_names_the_portal_not_django_in_the_admin_titles(login, db):
    admin = give_totp(make_user("admin@example.org", is_staff=True, is_superuser=True))
    client = login(admin)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    logged_out = client.post("/admin/logout/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for body in (index, logged_out):
        assert "Django" not in body.split("<title>")[1].split("</title>")[0]
        assert "OPO Portal" in body


def test_the_login_code_email_does_not_name_the_server(client, parent_a, settings):
    # Django's own Message-ID ends in this machine's host name (socket.getfqdn()): the
    # portal's e-mails are ids at the sender's domain, allauth's too.
    from allauth.account.models import EmailAddress

    settings.DEFAULT_FROM_EMAIL = "OPO Portal <noreply@portal.example.nl>"
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client.post(reverse("account_request_login_code"), {"email": parent_a.email})
    message_id = mail.outbox[0].message()["Message-ID"]
    assert message_id.endswith("@portal.example.nl>"), message_id


def test_it_logs_a_parent_in_by_emailed_code(client, parent_a):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client.post(reverse("account_request_login_code"), {"email": parent_a.email})
    assert len(mail.outbox) == 1
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[0].body).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("accounts:home_parent")


def test_it_allows_no_signup(client, db):
    assert "Registratie gesloten" in client.get(reverse("account_signup")).content.decode()
    client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "a" * 12, "password2": "a" * 12},
    )
    from accounts.models import User

    assert not User.objects.filter(email="x@example.org").exists()


def test_it_rate_limits_failed_logins(client, parent_a):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": parent_a.email, "password": "wrong"})
    # After five failures even the right password is refused for a while.
    response = client.post(url, {"login": parent_a.email, "password": "correct horse 42"})
    assert "Te veel inlogpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.IGNORECASE)


@pytest.fixture
def fresh_limits():
    """Failed logins and mails sent by earlier tests (a shared cache) must not count here."""
    cache.clear()


def test_it_refuses_a_wrong_password_in_formal_dutch(client, parent_a, fresh_limits):
    response = client.post(reverse("account_login"), {"login": parent_a.email, "password": "x"})
    html = response.content.decode()
    assert "Het e-mailadres en/of wachtwoord klopt niet." in html
    assert not INFORMAL.search(html), INFORMAL.search(html)


def test_it_explains_a_too_short_password_in_dutch(login, parent_a):
    data = {"oldpassword": "correct horse 42", "password1": "kort-9", "password2": "kort-9"}
    html = login(parent_a).post(reverse("account_change_password"), data).content.decode()
    assert "Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten." in html
    assert "too short" not in html


def test_it_asks_to_confirm_a_new_address_in_formal_dutch(login, parent_a, fresh_limits):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    data = {"action_add": "", "email": "tweede.adres@example.org"}
    client = login(parent_a)
    reauthenticate(client)
    client.post(reverse("account_email"), data)
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == ["tweede.adres@example.org"]
    assert "U ontvangt deze e-mail omdat" in body
    assert not INFORMAL.search(body), INFORMAL.search(body)


def test_its_account_already_exists_e_mail_says_u(rf):
    # allauth sends it only on signup, which is closed here: rendered directly, in case.
    from django.template.loader import render_to_string
    from django.utils import translation

    context = {"email": "x@example.org", "password_reset_url": "https://portal/reset/"}
    with translation.override("nl"):
        body = render_to_string(
            "account/email/account_already_exists_message.txt", context, request=rf.get("/")
        )
    assert "U ontvangt deze e-mail omdat" in body
    assert not INFORMAL.search(body), INFORMAL.search(body)


@pytest.mark.parametrize("flow", ["account_reset_password", "account_request_login_code"])
def test_an_unknown_address_is_told_to_ask_the_school_not_to_sign_up(client, db, flow):
    """Signup is closed: the unknown-account e-mail sends nobody to it."""
    client.post(reverse(flow), {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Bij dit adres is geen account bekend." in body
    assert "Vraag de administratie van de school welk e-mailadres" in body
    assert reverse("account_signup") not in body
    assert "http" not in body.split("Vraag de administratie")[1].split("\n\n")[0]


@pytest.mark.parametrize("earlier_tests", range(4))
def test_it_sends_a_code_whatever_earlier_tests_asked(client, parent_a, earlier_tests):
    """allauth allows 3 codes a minute per address, counted in the cache, which outlives a
    test: from the fourth test in a row the code never came (conftest forgets the counts)."""
    test_it_logs_a_parent_in_by_emailed_code(client, parent_a)


def test_staff_without_totp_see_no_menu_that_leads_back_to_its_set_up(login, db, school_a):
    """Every staff page sends them to TOTP set-up first: the set-up page offers only "My
    account" and logging out, not a teacher's menu whose items all lead back to it."""
    teacher = make_user("nieuw@example.org")
    StaffMembership.objects.create(user=teacher, role="teacher", school=school_a)
    client = login(teacher)
    check_new = reverse("consent:check_new")
    reauthenticate(client)  # allauth asks the password again before the set-up
    setup = client.get(reverse("mfa_activate_totp"), HTTP_ACCEPT_LANGUAGE="nl")
    assert setup.status_code == 200
    assert f'href="{check_new}"' not in setup.content.decode()
    assert f'href="{reverse("account_logout")}"' in setup.content.decode()
    give_totp(teacher)
    home = client.get(reverse("accounts:home_teacher"), HTTP_ACCEPT_LANGUAGE="nl")
    assert f'href="{check_new}"' in home.content.decode()


def test_it_tells_a_parent_who_asked_several_codes_to_wait_a_minute(client, parent_a, fresh_limits):
    """allauth allows 3 codes a minute per address; the fourth said "Te veel
    inlogpogingen" (too many failed logins), which the parent had not made, and nothing of
    the codes already on their way."""
    for _ in range(3):
        client.post(reverse("account_request_login_code"), {"email": parent_a.email})
        client.cookies.clear()  # a new browser: not sent on to the code step
    response = client.post(reverse("account_request_login_code"), {"email": parent_a.email})
    html = response.content.decode()
    assert response.status_code == 200
    assert "inlogpogingen" not in html
    assert "Wacht een minuut" in html
    assert "in uw inbox staan" in html
