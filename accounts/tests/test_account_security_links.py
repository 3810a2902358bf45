""" "Mijn account" offers the login code app (TOTP) to those who need it: staff must set
it up (README, "Demo logins"; accounts.roles.requires_mfa), parents log in with a
password or an e-mailed code and are not pushed to an app they do not need. A parent
who set one up anyway still finds it, to see their recovery codes or switch it off."""

import pytest
from django.urls import reverse

from conftest import give_totp, reauthenticate

MFA = reverse("mfa_index")


def account_page(client) -> str:
    return client.get(reverse("account_email")).content.decode()


def test_it_does_not_offer_a_parent_the_login_code_app(login, parent_a):
    html = account_page(login(parent_a))
    assert f'href="{MFA}"' not in html
    assert "Inlogcode-app" not in html


def test_it_still_shows_a_parent_the_login_code_app_they_set_up(login, parent_a):
    give_totp(parent_a)
    assert f'href="{MFA}"' in account_page(login(parent_a))


@pytest.mark.parametrize("member", ["teacher_a", "director_a", "board", "privacy_officer"])
def test_it_offers_staff_their_login_code_app(request, login, member):
    assert f'href="{MFA}"' in account_page(login(request.getfixturevalue(member)))


def test_it_offers_it_to_a_parent_who_is_also_staff_before_set_up(login, new_teacher):
    """new_teacher is a parent made teacher who has not set up TOTP yet."""
    assert f'href="{MFA}"' in account_page(login(new_teacher))


ACTIVATE = reverse("mfa_activate_totp")
STAFF_REASON = "Medewerkers zien gegevens van leerlingen"


def test_the_set_up_page_gives_a_parent_a_parents_reason(login, parent_a):
    """A parent who sets the app up by choice is not told "Medewerkers zien gegevens van
    leerlingen": that is why staff must."""
    client = login(parent_a)
    reauthenticate(client)
    response = client.get(ACTIVATE)
    assert response.status_code == 200
    html = response.content.decode()
    assert STAFF_REASON not in html
    assert "Zo kan niemand anders inloggen met alleen uw wachtwoord." in html


def test_the_set_up_page_gives_staff_theirs(login, teacher_a):
    from allauth.mfa.models import Authenticator

    client = login(teacher_a)
    Authenticator.objects.filter(user=teacher_a).delete()  # as before their set-up
    reauthenticate(client)
    response = client.get(ACTIVATE)
    assert response.status_code == 200
    assert STAFF_REASON in response.content.decode()
