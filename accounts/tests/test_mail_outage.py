"""allauth's e-mails (login code, password reset) with the SMTP server down: the form again
with a message in Dutch, nothing stored, never a 500; with SMTP back it works as before."""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory

from accounts.adapters import MailNotSent
from accounts.middleware import MailNotSentMiddleware
from conftest import reauthenticate

pytestmark = pytest.mark.django_db
SAID = "We konden u zojuist geen e-mail sturen; er is niets veranderd."
LOGIN_CODE, RESET = "/accounts/login/code/", "/accounts/password/reset/"


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    settings.EMAIL_TIMEOUT = 1
    return settings


def _ask(url: str, email: str):
    client = Client(raise_request_exception=False)
    response = client.post(url, {"email": email})
    return client, response


@pytest.mark.parametrize("url", [LOGIN_CODE, RESET])
def test_it_shows_the_form_again_with_a_message_when_smtp_is_down(smtp_down, parent_a, url, caplog):
    with caplog.at_level(logging.WARNING):
        client, response = _ask(url, parent_a.email)
    assert (response.status_code, response["Location"]) == (302, url)
    page = client.get(url)
    assert page.status_code == 200 and SAID in page.content.decode()
    assert "ConnectionRefusedError" in caplog.text and parent_a.email not in caplog.text


def test_it_keeps_no_login_code_it_could_not_send(smtp_down, parent_a):
    client, _response = _ask(LOGIN_CODE, parent_a.email)
    assert client.get("/accounts/login/code/confirm/").status_code != 200  # nothing pending
    smtp_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = client.post(LOGIN_CODE, {"email": parent_a.email})
    assert again.status_code == 302 and again["Location"] == "/accounts/login/code/confirm/"
    assert [m.to for m in mail.outbox] == [[parent_a.email]]


def test_an_address_added_without_its_check_being_sent_is_not_kept(smtp_down, parent_a):
    client = Client(raise_request_exception=False)
    client.force_login(parent_a)
    reauthenticate(client)
    response = client.post("/accounts/email/", {"action_add": "", "email": "nieuw@example.org"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/email/")
    assert SAID in client.get("/accounts/email/").content.decode()
    assert not EmailAddress.objects.filter(email="nieuw@example.org").exists()


def test_an_unknown_address_reads_the_same(smtp_down):
    client, response = _ask(LOGIN_CODE, "niemand@example.org")
    assert response.status_code == 302
    assert SAID in client.get(LOGIN_CODE).content.decode()


def test_a_get_that_could_not_send_gets_the_try_again_page():
    middleware = MailNotSentMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(RequestFactory().get("/x/"), MailNotSent())
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert middleware.process_exception(RequestFactory().get("/x/"), ValueError()) is None
