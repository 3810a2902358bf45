"""No e-mail address with an IP address in square brackets for a domain (a "domain
literal", eva@[127.0.0.1]) comes in (opo_portal.fields.validate_email_address).

Django's EmailValidator takes one, so until 2026-12-07 every address field did: the
admin's accounts and address rows, "Mijn account"'s extra address and allauth's own
address check. No parent's or colleague's address is one, and mail to it goes to a machine
by its number (the portal's own, a school's network) instead of to a mail domain. Refused
with its own error, nothing stored; stored ones are listed by `check_account_addresses`."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.adapters import AccountAdapter
from accounts.models import User
from accounts.tests.test_admin import _change_form
from conftest import reauthenticate
from opo_portal.fields import validate_email_address

REFUSED = "Een e-mailadres heeft na de @ een domeinnaam (zoals school.nl)"

ADDRESSES = ["nieuw@[127.0.0.1]", "nieuw@[10.0.0.7]", "nieuw@[IPv6:::1]", "nieuw@[::1]"]


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("typed", ADDRESSES)
def test_it_refuses_a_domain_literal_with_its_own_error(typed):
    with pytest.raises(ValidationError) as refused:
        validate_email_address(typed)
    assert refused.value.code == "domain_literal"


@pytest.mark.parametrize(
    "typed", ["nieuw@example.org", "nieuw@sub.example.nl", '"a@[1.2.3.4]"@example.org']
)
def test_it_takes_an_address_with_a_domain_name(typed):
    validate_email_address(typed)


def test_the_admin_refuses_a_new_account_at_such_an_address(admin_client):
    password = "Xk3!long-pass"
    form = {"email": ADDRESSES[0], "password1": password, "password2": password}
    html = _page(admin_client.post(reverse("admin:accounts_user_add"), form))
    assert REFUSED in html
    assert not User.objects.filter(email__startswith="nieuw").exists()


def test_the_admin_refuses_to_give_an_account_such_an_address(admin_client, teacher_a):
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    html = _page(admin_client.post(url, {**_change_form(teacher_a), "email": ADDRESSES[1]}))
    assert REFUSED in html
    teacher_a.refresh_from_db()
    assert teacher_a.email == "juf.a@example.org"


def test_the_admin_refuses_such_an_address_row(admin_client, parent_a):
    form = {"user": str(parent_a.pk), "email": ADDRESSES[0], "verified": "on"}
    html = _page(admin_client.post(reverse("admin:account_emailaddress_add"), form))
    assert REFUSED in html
    assert not EmailAddress.objects.exists()


def test_my_account_refuses_such_an_address(login, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client = login(parent_a)
    reauthenticate(client)
    response = client.post(reverse("account_email"), {"action_add": "", "email": ADDRESSES[0]})
    assert REFUSED in _page(response)
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [parent_a.email]


def test_allauths_address_check_refuses_such_an_address(rf):
    adapter = AccountAdapter(rf.get("/"))
    with pytest.raises(ValidationError) as refused:
        adapter.clean_email(ADDRESSES[0])
    assert refused.value.code == "domain_literal"
