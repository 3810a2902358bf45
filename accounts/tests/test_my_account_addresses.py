""" "Mijn account" offers to add an e-mail address only where allauth accepts one: allauth
refuses a new address on an account with a login code app (TOTP), so staff were told to
"add a new one first" and then refused. They are told instead whom to ask."""

from allauth.account.models import EmailAddress
from django.urls import reverse

from conftest import reauthenticate

ADD_FIELD = 'name="action_add"'


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def account_page(client) -> str:
    return client.get(reverse("account_email")).content.decode()


def test_it_offers_a_parent_to_add_an_address(login, parent_a):
    html = account_page(login(verified(parent_a)))
    assert ADD_FIELD in html
    assert "voeg eerst een nieuw adres toe" in html


def test_it_offers_no_address_form_to_an_account_with_a_login_code_app(login, teacher_a):
    client = login(verified(teacher_a))
    html = account_page(client)
    assert ADD_FIELD not in html
    assert "voeg eerst een nieuw adres toe" not in html
    assert "kunt u hier geen e-mailadres toevoegen" in html
    assert "Vraag het de beheerder van het portaal" in html


def test_allauth_does_refuse_that_address(login, teacher_a):
    """Why the form is not offered: what it would do, sent anyway."""
    client = login(verified(teacher_a))
    reauthenticate(client)
    data = {"action_add": "", "email": "nieuw.adres@example.org"}
    response = client.post(reverse("account_email"), data)
    assert response.status_code == 200
    assert "inlogcode-app" in response.content.decode()
    assert not EmailAddress.objects.filter(email="nieuw.adres@example.org").exists()


def test_it_tells_an_account_with_two_addresses_and_the_app_the_same(login, teacher_a):
    """Choosing the main address or removing one still works there; adding does not."""
    EmailAddress.objects.create(user=teacher_a, email="tweede@example.org", verified=True)
    html = account_page(login(verified(teacher_a)))
    assert 'name="action_primary"' in html and 'name="action_remove"' in html
    assert ADD_FIELD not in html
    assert "kunt u hier geen e-mailadres toevoegen" in html
