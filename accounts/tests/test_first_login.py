"""First staff login: password once, then TOTP set-up in Dutch with a way on."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from conftest import make_user
from schools.models import StaffMembership


@pytest.fixture
def new_teacher(school_a, group_a1):
    from allauth.account.models import EmailAddress

    user = make_user("nieuwe.juf@example.org", full_name="Nieuwe Juf")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    membership = StaffMembership.objects.create(
        user=user, role=StaffMembership.Role.TEACHER, school=school_a
    )
    membership.groups.set([group_a1])
    return user


def test_it_asks_the_password_once_before_totp_set_up(client, new_teacher):
    response = client.post(
        reverse("account_login"),
        {"login": new_teacher.email, "password": "correct horse 42"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    html = response.content.decode()
    assert 'name="password"' not in html


def _log_in(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": "correct horse 42"})


def test_it_explains_totp_set_up_in_dutch_with_a_numeric_code_field(client, new_teacher):
    _log_in(client, new_teacher)
    response = client.get(reverse("mfa_activate_totp"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stap 1: installeer een app op uw telefoon" in html
    assert "Microsoft Authenticator" in html and "FreeOTP" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, inline: no request
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)</code>', html)[1]
    assert len(secret) >= 16  # the whole secret, not cut off
    field = re.search(r'<input[^>]*name="code"[^>]*>', html)[0]
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field
    assert " je " not in html and " jouw " not in html


def test_it_activates_totp_and_shows_recovery_codes_with_a_way_on(client, new_teacher):
    _log_in(client, new_teacher)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)</code>', html)[1]
    if 30 - time.time() % 30 < 3:  # never type a code that expires on the way
        time.sleep(30 - time.time() % 30 + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert "Uw herstelcodes" in html
    assert f'href="{reverse("home")}"' in html and "verder naar mijn startpagina" in html


def test_it_does_not_invite_anyone_to_sign_up(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert "registreer" not in html.lower()
    assert "e-mailadres dat de school van u heeft" in html


def test_it_offers_no_remove_button_for_the_only_address(client, new_teacher, login):
    from conftest import give_totp

    give_totp(new_teacher)
    html = login(new_teacher).get(reverse("account_email")).content.decode()
    assert "new_teacher" not in html
    assert "nieuwe.juf@example.org" in html
    assert 'name="action_remove"' not in html
    assert "kan niet worden verwijderd" in html


def test_it_still_asks_again_for_an_authenticator_from_before(login, teacher_a):
    response = login(teacher_a).get(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_the_login_code_step_says_a_recovery_code_works_there_too(client, teacher_a):
    """A staff member who lost their phone was asked only for "de code van zes cijfers uit
    de app", although the recovery codes page promises they can log in with one of those
    codes instead; the field takes both."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django.core.cache import cache

    cache.clear()  # allauth's rate limits: earlier tests' requests do not count
    EmailAddress.objects.create(user=teacher_a, email=teacher_a.email, verified=True)
    [recovery_code, *_] = RecoveryCodes.activate(teacher_a).get_unused_codes()
    data = {"login": teacher_a.email, "password": "correct horse 42"}
    step = client.post(reverse("account_login"), data, follow=True)
    html = step.content.decode()
    assert step.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert "of een van uw herstelcodes" in html
    response = client.post(reverse("mfa_authenticate"), {"code": recovery_code})
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("accounts:home_teacher")
