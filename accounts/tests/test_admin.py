"""The admin keeps one account per e-mail address, whatever its capitals."""

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD


def _change_form(user) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "date_joined_0": "2026-09-01",
        "date_joined_1": "08:00:00",
    }


def test_it_refuses_a_new_account_for_an_address_in_other_capitals(admin_client, parent_a):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Ouder.A@Example.org",
            "password1": "Xk3!long-pass",
            "password2": "Xk3!long-pass",
        },
    )
    assert response.status_code == 200
    assert "Een ander account gebruikt dit e-mailadres al." in response.content.decode()
    assert list(User.objects.filter(email__iexact=parent_a.email)) == [parent_a]


def test_it_refuses_to_give_an_account_another_accounts_address(admin_client, parent_a, teacher_a):
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    response = admin_client.post(url, {**_change_form(teacher_a), "email": "OUDER.A@example.org"})
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    teacher_a.refresh_from_db()
    assert teacher_a.email == "juf.a@example.org"


def test_it_stores_a_typed_address_in_small_letters(admin_client, teacher_a):
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    response = admin_client.post(url, {**_change_form(teacher_a), "email": "Juf.Anna@Example.org"})
    assert response.status_code == 302
    teacher_a.refresh_from_db()
    assert teacher_a.email == "juf.anna@example.org"


def test_it_stores_a_typed_name_without_direction_controls(admin_client, teacher_a):
    # U+202E RIGHT-TO-LEFT OVERRIDE would make the name read as another (opo_portal.text)
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    form = {**_change_form(teacher_a), "full_name": "Juf\u202e Anna\u2069"}
    assert admin_client.post(url, form).status_code == 302
    teacher_a.refresh_from_db()
    assert teacher_a.full_name == "Juf Anna"


def test_it_names_the_columns_in_dutch(admin_client, parent_a):
    """A foreign key without a verbose name showed its attribute name: "User", "Pupil"."""
    html = admin_client.get(reverse("admin:schools_guardianship_changelist")).content.decode()
    assert "Gebruiker" in html and "Leerling" in html
    assert ">User<" not in html and ">Pupil<" not in html


def test_an_address_changed_in_the_admin_is_the_one_that_logs_in(
    admin_client, teacher_a, parent_a, eager_tasks, django_capture_on_commit_callbacks
):
    """allauth logs in by its own address rows, which a change of User.email in the admin
    left alone: the old address still logged in and the new one was sent an address check
    first. Now the typed address is the account's confirmed main address, the old one is
    gone, and both addresses are told of the change."""
    EmailAddress.objects.create(user=teacher_a, email=teacher_a.email, verified=True, primary=True)
    EmailAddress.objects.create(user=teacher_a, email="oud.tweede@example.org", verified=True)
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {**_change_form(teacher_a), "email": "anna.nieuw@example.org"}
        )
    assert response.status_code == 302
    rows = EmailAddress.objects.filter(user=teacher_a)
    assert list(rows.values_list("email", "primary", "verified")) == [
        ("anna.nieuw@example.org", True, True)
    ]
    assert authenticate(email="anna.nieuw@example.org", password=PASSWORD) == teacher_a
    assert authenticate(email="juf.a@example.org", password=PASSWORD) is None
    changed = [m for m in mail.outbox if "anna.nieuw@example.org" in m.body]
    assert sorted(address for m in changed for address in m.to) == [
        "anna.nieuw@example.org",
        "juf.a@example.org",
    ]
    assert all("E-mailadres gewijzigd" in m.subject for m in changed)


def test_an_unchanged_address_leaves_the_address_rows_alone(admin_client, teacher_a):
    EmailAddress.objects.create(user=teacher_a, email=teacher_a.email, verified=True, primary=True)
    EmailAddress.objects.create(user=teacher_a, email="tweede@example.org", verified=False)
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    assert admin_client.post(url, _change_form(teacher_a)).status_code == 302
    assert EmailAddress.objects.filter(user=teacher_a).count() == 2
    assert not mail.outbox


def test_it_refuses_an_address_another_account_has_added(admin_client, teacher_a, parent_a):
    EmailAddress.objects.create(user=parent_a, email="thuis@example.org", verified=True)
    url = reverse("admin:accounts_user_change", args=[teacher_a.pk])
    response = admin_client.post(url, {**_change_form(teacher_a), "email": "Thuis@example.org"})
    assert response.status_code == 200
    assert "Een ander account gebruikt dit e-mailadres al." in response.content.decode()
    assert not EmailAddress.objects.filter(user=teacher_a).exists()
