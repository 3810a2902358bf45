"""A deactivated account (the school or the board switched it off): logging in with the
right password says so and whom to ask, in the portal's words; asking for a sign-in code
or a new password gets the same answer on the page as any address (no enumeration), and
the e-mail to the address says the account is switched off, not that there is none."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from conftest import PASSWORD


@pytest.fixture
def switched_off(parent_a):
    cache.clear()  # allauth's rate limits: earlier tests' requests do not count
    parent_a.is_active = False
    parent_a.save(update_fields=["is_active"])
    return parent_a


def logged_in_page(client, user) -> str:
    data = {"login": user.email, "password": PASSWORD}
    response = client.post(reverse("account_login"), data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_it_tells_a_switched_off_account_whom_to_ask(client, switched_off):
    html = logged_in_page(client, switched_off)
    assert reverse("account_logout") not in html  # not logged in
    assert "Dit account is uitgeschakeld" in html
    assert "Neem dan contact op met de administratie van de school" in html
    assert "inactief" not in html


def test_it_tells_it_in_english_too(client, switched_off):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = logged_in_page(client, switched_off)
    assert "This account is switched off" in html
    assert "contact the school's administration" in html


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("account_request_login_code", "email"), ("account_reset_password", "email")],
)
def test_the_e_mail_says_the_account_is_switched_off(client, switched_off, url_name, field):
    client.post(reverse(url_name), {field: switched_off.email})
    [message] = mail.outbox
    assert message.to == [switched_off.email]
    assert "uitgeschakeld" in message.subject
    assert "uitgeschakeld" in message.body
    assert "geen account bekend" not in message.body
    assert "contact op met de administratie van de school" in message.body


@pytest.mark.parametrize("url_name", ["account_request_login_code", "account_reset_password"])
def test_the_page_answers_as_for_an_address_without_an_account(client, switched_off, url_name):
    """Whoever asks learns nothing of the account from the page: only the inbox does."""
    answered = client.post(reverse(url_name), {"email": switched_off.email}, follow=True)
    client.cookies.clear()
    unknown = client.post(reverse(url_name), {"email": "niemand@example.org"}, follow=True)
    assert answered.redirect_chain == unknown.redirect_chain
    shown = answered.content.decode().replace(switched_off.email, "ADDRESS")
    assert shown.count("ADDRESS") == unknown.content.decode().count("niemand@example.org")
