"""Session lifetimes (issue 10, finding 5): staff 12 h and 30 min idle; parents 12 h, or
30 days after "remember me". The clock is moved by ageing the session's own timestamps."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from accounts.security_middleware import SEEN, STARTED
from conftest import give_totp, make_user

HOUR = 3600


@pytest.fixture(autouse=True)
def _fresh_login_limits():
    """Password logins of earlier tests must not count against these (locmem cache)."""
    cache.clear()


def _age(client, *, started_ago: float, seen_ago: float = 0) -> None:
    session = client.session
    now = time.time()
    session[STARTED], session[SEEN] = now - started_ago, now - seen_ago
    session.save()


def _signed_in(client) -> bool:
    response = client.get(reverse("consent:my_children"))
    return response.status_code == 200 and "_auth_user_id" in client.session


def _password_login(client, user, *, remember: bool) -> None:
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    data = {"login": user.email, "password": "correct horse 42"}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("started_ago", "seen_ago", "kept"),
    [
        (11 * HOUR, 60, True),
        (12 * HOUR + 60, 60, False),
        (HOUR, 29 * 60, True),
        (HOUR, 31 * 60, False),
    ],
)
def test_it_ends_a_staff_session_after_12_hours_or_30_minutes_idle(
    login, teacher_a, started_ago, seen_ago, kept
):
    client = login(teacher_a)
    assert _signed_in(client)
    _age(client, started_ago=started_ago, seen_ago=seen_ago)
    assert _signed_in(client) is kept


def test_it_sends_an_expired_session_to_the_login_page(login, director_a):
    client = login(director_a)
    client.get(reverse("consent:coverage_index"))
    _age(client, started_ago=HOUR, seen_ago=HOUR)
    response = client.get(reverse("consent:coverage_index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_gives_the_staff_session_cookie_the_idle_lifetime(login, teacher_a):
    client = login(teacher_a)
    client.get(reverse("accounts:home_teacher"))
    assert client.session.get_expiry_age() == 30 * 60


def test_it_applies_the_staff_rule_to_a_person_who_is_also_a_parent(login, teacher_parent):
    client = login(teacher_parent)
    assert _signed_in(client)
    _age(client, started_ago=HOUR, seen_ago=31 * 60)
    assert not _signed_in(client)


def test_it_applies_the_staff_rule_to_an_admin_user(login, db):
    # SECURITY.md counts admin users as staff: they read every pupil in the admin.
    admin = give_totp(make_user("admin@example.org", is_staff=True, is_superuser=True))
    client = login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    _age(client, started_ago=HOUR, seen_ago=31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("started_ago", "kept"), [(11 * HOUR, True), (12 * HOUR + 60, False)])
def test_it_ends_a_parent_session_after_12_hours_without_remember_me(
    client, parent_a, started_ago, kept
):
    _password_login(client, parent_a, remember=False)
    assert _signed_in(client)
    _age(client, started_ago=started_ago, seen_ago=started_ago)
    assert _signed_in(client) is kept


@pytest.mark.parametrize(("started_ago", "kept"), [(13 * HOUR, True), (31 * 24 * HOUR, False)])
def test_it_keeps_a_remembered_parent_for_at_most_30_days(client, parent_a, started_ago, kept):
    _password_login(client, parent_a, remember=True)
    assert _signed_in(client)
    _age(client, started_ago=started_ago, seen_ago=started_ago)
    assert _signed_in(client) is kept


def test_it_ends_a_parent_session_logged_in_by_code_after_12_hours(login, parent_a):
    client = login(parent_a)  # no "remember me" was ticked: as with a login code
    assert _signed_in(client)
    _age(client, started_ago=12 * HOUR + 60)
    assert not _signed_in(client)
