"""A password reset by e-mailed link proves the person reads the address it went to: when
the account has that one address, it counts as confirmed. allauth leaves it unconfirmed
(its reset token does not say which address the link went to), so a parent whose account
the school made reset the password, logged in with it, and was asked to confirm the very
address the link had just reached: a second e-mail, a second link."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

NEW = "een nieuw wachtwoord 7"


@pytest.fixture
def reset_by_link(client, eager_tasks, django_capture_on_commit_callbacks):
    """Asks a reset for `address`, follows the e-mailed link and sets NEW."""

    def reset(address: str):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_reset_password"), {"email": address})
        [message] = [m for m in mail.outbox if m.to == [address]]
        link = re.search(r"https?://\S+/password/reset/key/\S+", message.body)[0]
        response = client.get(link, follow=True)
        form = response.redirect_chain[-1][0]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(form, {"password1": NEW, "password2": NEW}, follow=True)
        assert response.status_code == 200
        mail.outbox.clear()

    return reset


def log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": NEW})


def test_a_reset_by_link_confirms_the_accounts_one_address(client, parent_a, reset_by_link):
    reset_by_link(parent_a.email)

    assert EmailAddress.objects.get(user=parent_a).verified
    response = log_in(client, parent_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")  # not "confirm your address"
    assert mail.outbox == []  # no confirmation e-mail


def test_it_confirms_nothing_when_the_account_has_more_than_one_address(
    client, parent_a, reset_by_link
):
    """The link does not say which of them it went to."""
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, primary=True)
    EmailAddress.objects.create(user=parent_a, email="tweede@example.org")

    reset_by_link("tweede@example.org")

    assert not EmailAddress.objects.filter(user=parent_a, verified=True).exists()


def test_a_failed_reset_confirms_nothing(client, parent_a, reset_by_link):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, primary=True)
    bad = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x-y"})
    client.post(bad, {"password1": NEW, "password2": NEW})
    assert not EmailAddress.objects.get(user=parent_a).verified


def test_the_reset_link_stops_working_once_an_address_is_added(client, parent_a):
    """What the one-address rule rests on: the token covers the account's addresses, so a
    link sent before a second address was added cannot confirm the first."""
    from allauth.account.forms import default_token_generator

    token = default_token_generator.make_token(parent_a)
    EmailAddress.objects.create(user=parent_a, email="tweede@example.org")
    parent_a.refresh_from_db()
    assert not default_token_generator.check_token(parent_a, token)
