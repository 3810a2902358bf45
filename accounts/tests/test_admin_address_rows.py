"""allauth's address rows in the admin keep one account per e-mail address too.

Each row logs in (and receives password resets), so a row giving one account an address
another account logs in with or has added, whatever its capitals and confirmed or not,
would let both share logins and resets: the admin's row form refused only what the
database's own index refuses (the same confirmed address, same capitals). Refused now
with the words of the user form and "Mijn account", nothing stored."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from accounts.tests.test_admin import _change_form

TAKEN = "Een ander account gebruikt dit e-mailadres al."


def _add(admin_client, user, email: str, **flags):
    form = {"user": str(user.pk), "email": email, **{k: "on" for k, v in flags.items() if v}}
    return admin_client.post(reverse("admin:account_emailaddress_add"), form)


def _change(admin_client, row, **changes):
    form = {"user": str(row.user_id), "email": row.email}
    form |= {"verified": "on"} if row.verified else {}
    form |= {"primary": "on"} if row.primary else {}
    for key, value in changes.items():
        if value is False:
            form.pop(key, None)
        else:
            form[key] = "on" if value is True else str(value)
    url = reverse("admin:account_emailaddress_change", args=[row.pk])
    return admin_client.post(url, form)


def _refused(response) -> None:
    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert "email" in response.context["adminform"].form.errors


@pytest.mark.parametrize("typed", ["ouder.a@example.org", "Ouder.A@Example.ORG"])
@pytest.mark.parametrize("verified", [True, False])
def test_it_refuses_another_accounts_login_address(
    admin_client, teacher_a, parent_a, typed, verified
):
    """parent_a has no address row of its own yet (a parent who logs in by code)."""
    _refused(_add(admin_client, teacher_a, typed, verified=verified))
    assert not EmailAddress.objects.exists()


@pytest.mark.parametrize("verified", [True, False])
def test_it_refuses_an_address_another_account_has_added(
    admin_client, teacher_a, parent_a, verified
):
    EmailAddress.objects.create(user=parent_a, email="thuis@example.org", verified=verified)
    _refused(_add(admin_client, teacher_a, "Thuis@Example.org"))
    assert list(EmailAddress.objects.values_list("user", flat=True)) == [parent_a.pk]


def test_it_refuses_to_change_a_row_to_another_accounts_address(admin_client, teacher_a, parent_a):
    row = EmailAddress.objects.create(user=teacher_a, email="tweede@example.org")
    _refused(_change(admin_client, row, email="OUDER.A@example.org"))
    row.refresh_from_db()
    assert row.email == "tweede@example.org"


def test_it_refuses_to_give_a_row_to_an_account_when_its_owner_logs_in_with_it(
    admin_client, teacher_a, parent_a
):
    row = EmailAddress.objects.create(
        user=teacher_a, email=teacher_a.email, verified=True, primary=True
    )
    _refused(_change(admin_client, row, user=parent_a.pk, primary=False))
    row.refresh_from_db()
    assert row.user_id == teacher_a.pk


def test_it_refuses_a_case_variant_of_a_row_when_another_account_holds_it(
    admin_client, teacher_a, parent_a
):
    EmailAddress.objects.create(user=parent_a, email="thuis@example.org", verified=True)
    row = EmailAddress.objects.create(user=teacher_a, email="tweede@example.org")
    _refused(_change(admin_client, row, email="THUIS@example.org", verified=True))
    row.refresh_from_db()
    assert (row.email, row.verified) == ("tweede@example.org", False)


def test_it_stores_an_accounts_own_addresses(admin_client, teacher_a, parent_a):
    """Its login address (in other capitals, stored in small letters) and a new one; a
    row saved unchanged is not refused for being its own."""
    assert _add(admin_client, teacher_a, "Juf.A@Example.org", verified=True).status_code == 302
    assert _add(admin_client, teacher_a, "juf.thuis@example.org").status_code == 302
    rows = EmailAddress.objects.filter(user=teacher_a).order_by("pk")
    assert list(rows.values_list("email", "verified")) == [
        ("juf.a@example.org", True),
        ("juf.thuis@example.org", False),
    ]
    assert _change(admin_client, rows[1], verified=True).status_code == 302
    assert EmailAddress.objects.get(email="juf.thuis@example.org").verified


def test_it_moves_a_row_no_other_account_holds(admin_client, teacher_a, parent_a):
    """A second address given to the wrong account is one account's again once moved."""
    row = EmailAddress.objects.create(user=teacher_a, email="thuis@example.org")
    assert _change(admin_client, row, user=parent_a.pk).status_code == 302
    row.refresh_from_db()
    assert row.user_id == parent_a.pk


def test_the_user_forms_refuse_an_unconfirmed_address_another_account_has_added(
    admin_client, teacher_a, parent_a
):
    """The user admin's add and change forms already held: the account's own address
    against other accounts' rows, confirmed or not (and the rows' against User.email
    above)."""
    EmailAddress.objects.create(user=parent_a, email="thuis@example.org", verified=False)
    password = "Xk3!long-pass"
    form = {"email": "THUIS@example.org", "password1": password, "password2": password}
    response = admin_client.post(reverse("admin:accounts_user_add"), form)
    assert response.status_code == 200 and TAKEN in response.content.decode()
    assert not User.objects.filter(email__iexact="thuis@example.org").exists()
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    response = admin_client.post(url, {**_change_form(teacher_a), "email": "thuis@example.org"})
    assert response.status_code == 200 and TAKEN in response.content.decode()
