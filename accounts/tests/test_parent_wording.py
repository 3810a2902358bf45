"""What a parent reads around e-mail links and passwords is plain Dutch with "u": the
pages and messages allauth and Django word clumsily in their own Dutch catalogues
("Ongeldige sleutel", "e-mail verificatie link", "de e-mailadres") say in our words what
happened and what to do. Through allauth's real views."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.utils.html import strip_tags

from conftest import PASSWORD, reauthenticate

CHANGE = "/accounts/password/change/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def page_text(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def shown_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_says_a_used_password_reset_link_no_longer_works(client, parent_a):
    response = client.get("/accounts/password/reset/key/1-not-a-valid-token/")
    assert "Deze link werkt niet meer" in page_text(response)
    assert "Ongeldige sleutel" not in page_text(response)


def test_it_says_how_to_get_a_new_address_confirmation_link(client):
    response = client.get("/accounts/confirm-email/not-a-valid-key/")
    text = page_text(response)
    assert "verlopen of al gebruikt" in text and "verificatie" not in text
    assert 'Vraag op <a href="/accounts/email/">Mijn account</a> een nieuwe link aan' in (
        response.content.decode()
    )


def test_it_says_a_password_like_the_address_is_like_your_address(login, parent_a):
    client = login(parent_a)
    response = client.post(
        CHANGE,
        {"oldpassword": PASSWORD, "password1": "ouder.a@example.org", "password2": "x"},
    )
    assert "lijkt te veel op uw e-mailadres" in page_text(response)
    assert "op de e-mailadres" not in page_text(response)


def test_it_confirms_a_changed_password_in_a_sentence(login, parent_a):
    client = login(parent_a)
    new = "nieuw-wacht-2026"
    response = client.post(CHANGE, {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert response.status_code == 302
    assert shown_messages(response) == ["Uw wachtwoord is gewijzigd."]


def test_it_says_where_the_address_confirmation_went(login, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client = login(parent_a)
    reauthenticate(client)
    response = client.post("/accounts/email/", {"action_add": "", "email": "tweede@example.org"})
    assert (
        "We hebben een e-mail naar tweede@example.org gestuurd om dit adres te bevestigen."
        in shown_messages(response)
    )
    body = mail.outbox[-1].body
    # on SITE_URL, as every e-mail's link, not the address the page was asked at
    link = f"Klopt dit? Bevestig het dan met deze link: {settings.SITE_URL}/accounts/confirm-email/"
    assert link in body


def test_it_names_the_remember_me_box_for_what_it_does(client):
    assert "Ingelogd blijven op dit apparaat" in page_text(client.get("/accounts/login/"))


def test_its_e_mails_greet_and_sign_as_a_letter_not_with_the_web_address(client, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": parent_a.email})
    body = mail.outbox[-1].body
    assert body.startswith("Goedendag,\n")
    signed = "Met vriendelijke groet,\nOPO Portal, Stichting OPO Borger-Odoorn"
    assert body.rstrip().endswith(signed)
    assert "testserver!" not in body  # allauth: "Hallo van testserver!"


def test_it_offers_the_password_from_the_code_page_in_plain_words(client):
    text = page_text(client.get("/accounts/login/code/"))
    assert "Op een andere manier inloggen" in text and "aanmeld-opties" not in text


def test_it_offers_a_parent_without_a_password_to_set_one_not_to_change_it(login, code_parent):
    html = login(code_parent).get("/accounts/email/").content.decode()
    assert '<a class="action-link" href="/accounts/password/set/">Een wachtwoord instellen' in html
    assert "Uw wachtwoord wijzigen" not in html


def test_it_offers_a_parent_with_a_password_to_change_it(login, parent_a):
    html = login(parent_a).get("/accounts/email/").content.decode()
    assert '<a class="action-link" href="/accounts/password/change/">Uw wachtwoord wijzigen' in html
    assert "/accounts/password/set/" not in html


def test_it_says_let_op_when_a_signed_in_parent_opens_the_password_reset(login, parent_a):
    """allauth's Dutch says "Notitie: U bent al ingelogd als …", a word from a notebook."""
    text = page_text(login(parent_a).get("/accounts/password/reset/"))
    assert "Let op: u bent al ingelogd als Ouder A." in text
    assert "Notitie" not in text
