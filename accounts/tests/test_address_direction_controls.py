"""No e-mail address with Unicode's direction controls comes in (opo_portal.text).

Django's EmailValidator takes any character from U+00A1 up in an address's domain, so
"jan@exa" + U+202E + "mple.org" passed every address field: the admin's, "Mijn account"'s
extra address, the admin's address rows. Such an address reads as another on every page
and, copied into the access history, on its lines too. No address has one: refused with
its own error, nothing stored. Nobody signs up (AccountAdapter.is_open_for_signup); the
address check allauth's forms share (AccountAdapter.clean_email) refuses it as well."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.adapters import AccountAdapter
from accounts.models import User
from accounts.tests.test_admin import _change_form
from conftest import reauthenticate

REFUSED = "Een e-mailadres bevat geen onzichtbare tekens die de leesrichting omdraaien"

# in the domain (which Django's validator lets through), at its end, in the local part
ADDRESSES = [
    "nieuw@exa\u202emple.org",
    "nieuw@example.org\u2069",
    "\u2066nieuw@example.org",
    "nie\u202auw@example.org",
]


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("typed", ADDRESSES)
def test_the_admin_refuses_a_new_account_at_such_an_address(admin_client, typed):
    password = "Xk3!long-pass"
    form = {"email": typed, "password1": password, "password2": password}
    html = _page(admin_client.post(reverse("admin:accounts_user_add"), form))
    assert REFUSED in html
    assert "Voer een geldig e-mailadres in." not in html  # one error, the one that says why
    assert not User.objects.filter(email__startswith="nieuw").exists()


@pytest.mark.parametrize("typed", ADDRESSES)
def test_the_admin_refuses_to_give_an_account_such_an_address(admin_client, teacher_a, typed):
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    html = _page(admin_client.post(url, {**_change_form(teacher_a), "email": typed}))
    assert REFUSED in html
    teacher_a.refresh_from_db()
    assert teacher_a.email == "juf.a@example.org"


def test_the_admin_refuses_such_an_address_row(admin_client, parent_a):
    """An address row logs in and becomes the account's address when made the main one."""
    form = {"user": str(parent_a.pk), "email": ADDRESSES[0], "verified": "on"}
    html = _page(admin_client.post(reverse("admin:account_emailaddress_add"), form))
    assert REFUSED in html
    assert not EmailAddress.objects.exists()


@pytest.mark.parametrize("typed", ADDRESSES)
def test_my_account_refuses_such_an_address(login, parent_a, typed):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client = login(parent_a)
    reauthenticate(client)
    response = client.post(reverse("account_email"), {"action_add": "", "email": typed})
    assert REFUSED in _page(response)
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [parent_a.email]


def test_allauths_address_check_refuses_such_an_address(rf):
    """What allauth's sign-up and add-address forms call for every new address."""
    adapter = AccountAdapter(rf.get("/"))
    with pytest.raises(ValidationError) as refused:
        adapter.clean_email("nieuw@exa\u202emple.org")
    assert refused.value.code == "direction_controls"
    assert adapter.clean_email("nieuw@example.org") == "nieuw@example.org"


def test_nobody_signs_up_with_such_an_address(client, db):
    password = "Xk3!long-pass"
    form = {"email": ADDRESSES[0], "password1": password, "password2": password}
    assert "Registratie gesloten" in _page(client.post(reverse("account_signup"), form))
    assert not User.objects.exists()


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
