"""Migration 0007: the unconfirmed addresses that "Mijn account" let a user add although
another account logs in with them or has them confirmed or as its main address (before
AddEmailForm refused it) are removed: confirmed, one would have logged the other person in
to this account."""

import importlib

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.apps import apps

from conftest import make_user

pytestmark = pytest.mark.django_db
migration = importlib.import_module("accounts.migrations.0007_drop_addresses_of_other_accounts")


def migrate() -> None:
    migration.drop_addresses_of_other_accounts(apps, None)


def address(user, email: str, *, verified: bool = False, primary: bool = False):
    return EmailAddress.objects.create(user=user, email=email, verified=verified, primary=primary)


def remaining(user) -> set[str]:
    return set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))


def test_it_removes_an_unconfirmed_address_another_account_logs_in_with(parent_a, parent_b):
    added = address(parent_a, "Ouder.B@Example.org")  # other capitals than parent_b's login
    EmailConfirmation.objects.create(email_address=added, key="abc")
    migrate()
    assert remaining(parent_a) == set()
    assert not EmailConfirmation.objects.exists()


def test_it_removes_an_unconfirmed_address_another_account_confirmed_or_made_its_main(
    parent_a, parent_b
):
    address(parent_b, "tweede.b@example.org", verified=True)
    address(parent_b, "hoofd.b@example.org", primary=True)
    address(parent_a, "tweede.b@example.org")
    address(parent_a, "HOOFD.B@example.org")
    migrate()
    assert remaining(parent_a) == set()
    assert remaining(parent_b) == {"tweede.b@example.org", "hoofd.b@example.org"}


def test_it_keeps_every_other_address(parent_a, parent_b):
    address(parent_a, "ouder.a@example.org", verified=True, primary=True)
    address(parent_a, "nog.niet.bevestigd@example.org")  # nobody else's
    address(parent_a, "gedeeld@example.org")  # also only added, unconfirmed, by another
    address(make_user("derde@example.org"), "gedeeld@example.org")
    address(parent_a, "ouder.b@example.org", verified=True)  # confirmed: not this migration's
    migrate()
    assert remaining(parent_a) == {
        "ouder.a@example.org",
        "nog.niet.bevestigd@example.org",
        "gedeeld@example.org",
        "ouder.b@example.org",
    }


def test_it_keeps_an_unconfirmed_main_address_and_the_own_login(parent_a, parent_b):
    address(parent_a, "ouder.b@example.org", primary=True)
    address(parent_b, "ouder.b@example.org")  # parent_b's own login, not yet confirmed
    migrate()
    assert remaining(parent_a) == {"ouder.b@example.org"}
    assert remaining(parent_b) == {"ouder.b@example.org"}
