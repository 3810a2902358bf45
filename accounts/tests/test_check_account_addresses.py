"""`manage.py check_account_addresses`: accounts whose address was stored with a Unicode
direction control before the forms refused one (README "Unicode direction controls"),
listed by id for the administrator to change in the admin, exit 1 while any is left. No
migration changes them: without its control an address may be another account's. So are
addresses with an IP address in square brackets for a domain (eva@[127.0.0.1]), which the
forms refuse as well (accounts/tests/test_address_refused.py)."""

from io import StringIO

from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from accounts.tests.test_admin import _change_form

WITH_CONTROL = "directeur.b@exa\u202emple.org"


def run() -> tuple[str, str | None]:
    """The command's output and, when it failed, its error (the exit status 1)."""
    out = StringIO()
    try:
        call_command("check_account_addresses", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_it_says_so_when_no_address_holds_one(teacher_a, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True)
    out, error = run()
    assert error is None
    assert "in orde" in out


def test_it_lists_a_login_address_and_address_rows_by_id(teacher_a, director_b, parent_a):
    User.objects.filter(pk=director_b.pk).update(email=WITH_CONTROL)
    row = EmailAddress.objects.create(user=parent_a, email="\u2066thuis@example.org")
    EmailAddress.objects.create(user=teacher_a, email=teacher_a.email, verified=True)
    out, error = run()
    assert error is not None and error.startswith("2 accounts ")
    assert "beheer" in error
    assert f"account {director_b.pk}: het adres waarmee het inlogt" in out
    assert f"account {parent_a.pk}: adresrij {row.pk}" in out
    assert f"account {teacher_a.pk}:" not in out


def test_it_shows_no_address_or_name(director_b):
    User.objects.filter(pk=director_b.pk).update(email=WITH_CONTROL, full_name="Bea Bos")
    out, error = run()
    assert error is not None and f"account {director_b.pk}: " in out
    for written in (out, error):
        assert "@" not in written and "directeur" not in written and "Bos" not in written
        assert "\u202e" not in written


def test_changing_the_address_in_the_admin_puts_it_right(
    admin_client, director_b, django_capture_on_commit_callbacks
):
    """The fix the command names: the account's page under "Gebruikers"."""
    User.objects.filter(pk=director_b.pk).update(email=WITH_CONTROL)
    EmailAddress.objects.create(user=director_b, email=WITH_CONTROL, verified=True, primary=True)
    director_b.refresh_from_db()
    url = reverse("admin:accounts_user_change", args=[director_b.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {**_change_form(director_b), "email": "directeur.b@example.org"}
        )
    assert response.status_code == 302
    out, error = run()
    assert error is None, out
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["directeur.b@example.org"]


LITERAL = "directeur.b@[192.0.2.1]"


def test_it_lists_addresses_with_an_ip_address_in_brackets_by_id(director_b, parent_a, teacher_a):
    """Stored before the forms refused one (until 2026-12-07): listed as the direction
    controls are, under their own heading, no address or name shown."""
    User.objects.filter(pk=director_b.pk).update(email=LITERAL)
    row = EmailAddress.objects.create(user=parent_a, email="thuis@[10.0.0.7]")
    EmailAddress.objects.create(user=teacher_a, email="juf@[intern].example.org")  # no literal
    out, error = run()
    assert error is not None and error.startswith("2 accounts ")
    assert "IP-adres tussen vierkante haken" in out
    assert f"account {director_b.pk}: het adres waarmee het inlogt" in out
    assert f"account {parent_a.pk}: adresrij {row.pk}" in out
    assert f"account {teacher_a.pk}:" not in out
    for written in (out, error):
        assert "@" not in written and "192.0.2.1" not in written and "directeur" not in written


def test_it_lists_both_kinds_and_counts_an_account_once(director_b):
    User.objects.filter(pk=director_b.pk).update(email=WITH_CONTROL)
    EmailAddress.objects.create(user=director_b, email=LITERAL)
    out, error = run()
    assert error is not None and error.startswith("1 account ")
    assert "leesrichting" in out and "vierkante haken" in out
    assert out.count(f"account {director_b.pk}:") == 2


BARE = "directeur.b@localhost"


def test_it_lists_addresses_with_a_domain_without_a_dot_by_id(director_b, parent_a, teacher_a):
    """Stored before the forms refused one (until 2026-12-07): listed under their own
    heading, no address or name shown. A literal without a dot is listed as a literal."""
    User.objects.filter(pk=director_b.pk).update(email=BARE)
    row = EmailAddress.objects.create(user=parent_a, email="thuis@intranet")
    EmailAddress.objects.create(user=teacher_a, email='"juf@intern"@example.org')  # has one
    out, error = run()
    assert error is not None and error.startswith("2 accounts ")
    assert "domeinnaam zonder punt" in out and "vierkante haken" not in out
    assert f"account {director_b.pk}: het adres waarmee het inlogt" in out
    assert f"account {parent_a.pk}: adresrij {row.pk}" in out
    assert f"account {teacher_a.pk}:" not in out
    for written in (out, error):
        assert "@" not in written and "thuis" not in written and "directeur" not in written


def test_a_literal_without_a_dot_is_listed_once_as_a_literal(director_b):
    User.objects.filter(pk=director_b.pk).update(email="directeur.b@[::1]")
    out, error = run()
    assert error is not None and error.startswith("1 account ")
    assert "vierkante haken" in out and "domeinnaam zonder punt" not in out
    assert out.count(f"account {director_b.pk}:") == 1
