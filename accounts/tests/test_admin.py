"""The admin keeps one account per e-mail address, whatever its capitals."""

from django.urls import reverse

from accounts.models import User


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


def test_it_names_the_columns_in_dutch(admin_client, parent_a):
    """A foreign key without a verbose name showed its attribute name: "User", "Pupil"."""
    html = admin_client.get(reverse("admin:schools_guardianship_changelist")).content.decode()
    assert "Gebruiker" in html and "Leerling" in html
    assert ">User<" not in html and ">Pupil<" not in html
