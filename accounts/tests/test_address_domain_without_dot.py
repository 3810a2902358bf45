"""No e-mail address with a bare host name for a domain (no dot: eva@localhost,
eva@school, ouder@intranet) comes in (opo_portal.fields.validate_email_address).

Django's EmailValidator takes "localhost" (its allowlist), so until 2026-12-07 every
address field did: the admin's accounts and address rows, "Mijn account"'s extra address
and allauth's own address check; another name without a dot ("school") was refused only as
"not valid", without saying what was wrong. Mail to such a domain never reaches a parent
or colleague (it stays on the machine, or in a school's network). Refused with its own
error, nothing stored; stored ones are listed by `check_account_addresses`."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.adapters import AccountAdapter
from accounts.models import User
from accounts.tests.test_admin import _change_form
from conftest import reauthenticate
from opo_portal.fields import validate_email_address

REFUSED = "Een e-mailadres heeft na de @ een volledige domeinnaam"

ADDRESSES = ["nieuw@localhost", "nieuw@school", "ouder@intranet", "nieuw@LOCALHOST"]


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("typed", [*ADDRESSES, '"a@b.nl"@localhost'])
def test_it_refuses_a_domain_without_a_dot_with_its_own_error(typed):
    with pytest.raises(ValidationError) as refused:
        validate_email_address(typed)
    assert refused.value.code == "domain_without_dot"


@pytest.mark.parametrize(
    "typed", ["nieuw@example.org", "nieuw@sub.example.nl", '"a@localhost"@example.org']
)
def test_it_takes_an_address_with_a_dot_in_its_domain(typed):
    validate_email_address(typed)


@pytest.mark.parametrize("typed", ["piet@@example", "linda.privé@example", "nieuw@", "@school"])
def test_an_address_wrong_before_the_at_is_not_valid_as_before(typed):
    """What is wrong there is not the domain: Django's "not valid", not the dot's error."""
    with pytest.raises(ValidationError) as refused:
        validate_email_address(typed)
    assert refused.value.code == "invalid"


def test_the_admin_refuses_a_new_account_at_such_an_address(admin_client):
    password = "Xk3!long-pass"
    form = {"email": ADDRESSES[0], "password1": password, "password2": password}
    html = _page(admin_client.post(reverse("admin:accounts_user_add"), form))
    assert REFUSED in html
    assert not User.objects.filter(email__startswith="nieuw").exists()


def test_the_admin_refuses_to_give_an_account_such_an_address(admin_client, teacher_a):
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    html = _page(admin_client.post(url, {**_change_form(teacher_a), "email": ADDRESSES[0]}))
    assert REFUSED in html
    teacher_a.refresh_from_db()
    assert teacher_a.email == "juf.a@example.org"


def test_the_admin_refuses_such_an_address_row(admin_client, parent_a):
    form = {"user": str(parent_a.pk), "email": ADDRESSES[0], "verified": "on"}
    html = _page(admin_client.post(reverse("admin:account_emailaddress_add"), form))
    assert REFUSED in html
    assert not EmailAddress.objects.exists()


@pytest.mark.parametrize("typed", ADDRESSES[:2])
def test_my_account_refuses_such_an_address(login, parent_a, typed):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client = login(parent_a)
    reauthenticate(client)
    response = client.post(reverse("account_email"), {"action_add": "", "email": typed})
    html = _page(response)
    assert REFUSED in html
    assert f'value="{typed}"' in html  # kept in the field, to correct
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [parent_a.email]


def test_allauths_address_check_refuses_such_an_address(rf):
    adapter = AccountAdapter(rf.get("/"))
    with pytest.raises(ValidationError) as refused:
        adapter.clean_email(ADDRESSES[0])
    assert refused.value.code == "domain_without_dot"


def test_the_password_reset_page_says_what_is_wrong(client, db, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": ADDRESSES[0]})
    assert REFUSED in _page(response)
    assert mailoutbox == []
