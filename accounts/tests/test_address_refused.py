"""Addresses that read as another or that no e-mail reaches are refused wherever an
account's address is typed (opo_portal.fields.validate_email_address), each kind with its
own error and nothing stored: the admin's accounts and address rows, "Mijn account"'s extra
address, allauth's own address check (sign-up is closed, AccountAdapter.is_open_for_signup).

- Unicode's direction controls ("jan@exa" + U+202E + "mple.org"): Django's EmailValidator
  takes any character from U+00A1 up in a domain, so such an address passed every field and
  read as another on every page and, copied into the access history, on its lines too.
- An IP address in square brackets for a domain (a "domain literal", eva@[127.0.0.1]):
  Django's validator takes one; mail to it goes to a machine by its number (the portal's
  own, one in a school's network) instead of to a mail domain.
- A domain without a dot (eva@localhost, eva@school, ouder@intranet): Django's validator
  takes "localhost" (its allowlist) and called the others only "not valid"; mail to such a
  domain stays on the machine or in a school's network.

Until 2026-12-07 (the domains) and before (the controls) every one of these fields took
them. Stored ones are listed by `check_account_addresses`. The schools' forms and the
pupil import: schools/tests/test_address_refused.py."""

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.adapters import AccountAdapter
from accounts.models import User
from accounts.tests.test_admin import _change_form
from conftest import reauthenticate
from opo_portal.fields import validate_email_address


@dataclass(frozen=True)
class Kind:
    refused: str  # the start of its own error, in Dutch
    addresses: tuple[str, ...]


KINDS = {
    "direction_controls": Kind(
        "Een e-mailadres bevat geen onzichtbare tekens die de leesrichting omdraaien",
        # in the domain (which Django's validator lets through), at its end, in the local part
        (
            "nieuw@exa\u202emple.org",
            "nieuw@example.org\u2069",
            "\u2066nieuw@example.org",
            "nie\u202auw@example.org",
        ),
    ),
    "domain_literal": Kind(
        "Een e-mailadres heeft na de @ een domeinnaam (zoals school.nl)",
        ("nieuw@[127.0.0.1]", "nieuw@[10.0.0.7]", "nieuw@[IPv6:::1]", "nieuw@[::1]"),
    ),
    "domain_without_dot": Kind(
        "Een e-mailadres heeft na de @ een volledige domeinnaam",
        ("nieuw@localhost", "nieuw@school", "ouder@intranet", "nieuw@LOCALHOST"),
    ),
}
EVERY_ADDRESS = [(code, typed) for code, kind in KINDS.items() for typed in kind.addresses]
FIRST_OF_EACH = [(code, kind.addresses[0]) for code, kind in KINDS.items()]
NOT_VALID = "Voer een geldig e-mailadres in."


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _refused_alone(html: str, code: str) -> None:
    """The kind's own error, not Django's "not valid" beside it: one error, the one that
    says what is wrong."""
    assert KINDS[code].refused in html
    assert NOT_VALID not in html


@pytest.mark.parametrize(("code", "typed"), [*EVERY_ADDRESS, ("domain_without_dot", '"a@b.nl"@x')])
def test_it_refuses_each_kind_with_its_own_error(code, typed):
    with pytest.raises(ValidationError) as refused:
        validate_email_address(typed)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "typed",
    [
        "nieuw@example.org",
        "nieuw@sub.example.nl",
        '"a@localhost"@example.org',
        '"a@[1.2.3.4]"@example.org',
    ],
)
def test_it_takes_an_address_with_a_domain_name(typed):
    validate_email_address(typed)


@pytest.mark.parametrize("typed", ["piet@@example", "linda.privé@example", "nieuw@", "@school"])
def test_an_address_wrong_before_the_at_is_not_valid_as_before(typed):
    """What is wrong there is not the domain: Django's "not valid", not the dot's error."""
    with pytest.raises(ValidationError) as refused:
        validate_email_address(typed)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize(("code", "typed"), EVERY_ADDRESS)
def test_the_admin_refuses_a_new_account_at_such_an_address(admin_client, code, typed):
    password = "Xk3!long-pass"
    form = {"email": typed, "password1": password, "password2": password}
    accounts = User.objects.count()
    _refused_alone(_page(admin_client.post(reverse("admin:accounts_user_add"), form)), code)
    assert User.objects.count() == accounts


@pytest.mark.parametrize(("code", "typed"), FIRST_OF_EACH)
def test_the_admin_refuses_to_give_an_account_such_an_address(admin_client, teacher_a, code, typed):
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    html = _page(admin_client.post(url, {**_change_form(teacher_a), "email": typed}))
    _refused_alone(html, code)
    teacher_a.refresh_from_db()
    assert teacher_a.email == "juf.a@example.org"


@pytest.mark.parametrize(("code", "typed"), FIRST_OF_EACH)
def test_the_admin_refuses_such_an_address_row(admin_client, parent_a, code, typed):
    """An address row logs in and becomes the account's address when made the main one."""
    form = {"user": str(parent_a.pk), "email": typed, "verified": "on"}
    html = _page(admin_client.post(reverse("admin:account_emailaddress_add"), form))
    assert KINDS[code].refused in html
    assert not EmailAddress.objects.exists()


@pytest.mark.parametrize(("code", "typed"), EVERY_ADDRESS)
def test_my_account_refuses_such_an_address(login, parent_a, code, typed):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client = login(parent_a)
    reauthenticate(client)
    response = client.post(reverse("account_email"), {"action_add": "", "email": typed})
    html = _page(response)
    assert KINDS[code].refused in html
    assert f'value="{typed}"' in html  # kept in the field, to correct
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [parent_a.email]


@pytest.mark.parametrize(("code", "typed"), FIRST_OF_EACH)
def test_allauths_address_check_refuses_such_an_address(rf, code, typed):
    """What allauth's sign-up and add-address forms call for every new address."""
    adapter = AccountAdapter(rf.get("/"))
    with pytest.raises(ValidationError) as refused:
        adapter.clean_email(typed)
    assert refused.value.code == code
    assert adapter.clean_email("nieuw@example.org") == "nieuw@example.org"


def test_nobody_signs_up_with_such_an_address(client, db):
    password = "Xk3!long-pass"
    form = {"email": FIRST_OF_EACH[0][1], "password1": password, "password2": password}
    assert "Registratie gesloten" in _page(client.post(reverse("account_signup"), form))
    assert not User.objects.exists()


@pytest.mark.parametrize(("code", "typed"), FIRST_OF_EACH)
def test_the_password_reset_page_says_what_is_wrong(client, db, mailoutbox, code, typed):
    response = client.post(reverse("account_reset_password"), {"email": typed})
    assert KINDS[code].refused in _page(response)
    assert mailoutbox == []


# 308 characters: Django's validator and allauth's field take up to 320, the column 254
TOO_LONG = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"


def test_my_account_refuses_an_address_longer_than_the_column(login, parent_a):
    """The field's own checks were replaced by the direction-control one: an address of
    255 to 320 characters passed and the database refused it, a 500 on PostgreSQL."""
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client = login(parent_a)
    reauthenticate(client)
    response = client.post(reverse("account_email"), {"action_add": "", "email": TOO_LONG})
    assert "niet meer dan 254 tekens" in _page(response)
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [parent_a.email]
