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


def email_input(html: str) -> str:
    return next(tag for tag in html.split("<input") if 'name="email"' in tag)


def add_address(client, typed: str):
    return client.post(reverse("account_email"), {"action_add": "", "email": typed})


def test_a_refused_address_stays_in_the_field(login, parent_a):
    """A typo: the parent corrects it, and need not type it again."""
    client = login(verified(parent_a))
    reauthenticate(client)
    response = add_address(client, "linda.privé@example")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Voer een geldig e-mailadres in." in html
    assert 'value="linda.privé@example"' in email_input(html)
    assert EmailAddress.objects.filter(user=parent_a).count() == 1


def test_the_empty_form_has_no_address_in_it(login, parent_a):
    assert "value=" not in email_input(account_page(login(verified(parent_a))))


def test_it_refuses_the_address_of_another_account(login, parent_a, parent_b, mailoutbox):
    """allauth let a parent add another family's address, unconfirmed, and mailed it a
    link that, once clicked, made it a login of this account (a parent who logs in by code
    has no confirmed address yet): one account per address, as the admin keeps it."""
    client = login(verified(parent_a))
    reauthenticate(client)
    EmailAddress.objects.create(user=parent_b, email="thuis.b@example.org", verified=False)
    for typed in (parent_b.email.upper(), "thuis.b@example.org"):
        response = add_address(client, typed)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Een ander account gebruikt dit e-mailadres al." in html
        assert f'value="{typed}"' in email_input(html)
    assert list(EmailAddress.objects.filter(user=parent_a).values_list("email", flat=True)) == [
        parent_a.email
    ]
    assert not mailoutbox
