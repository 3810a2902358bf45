"""Sessions from the cache (accounts.sessions) and the TOTP check remembered per session."""

import socket

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import TOTP_SESSION_KEY


def _dead_redis_url() -> str:
    """A loopback port nobody listens on: every cache call is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


@pytest.fixture
def session_engine(settings):
    settings.SESSION_ENGINE = "accounts.sessions"


def test_it_serves_logged_in_pages_with_the_cache_down(session_engine, settings, client, teacher_a):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _dead_redis_url(),
        }
    }
    client.force_login(teacher_a)  # the cache write fails, the database row is written
    response = client.get(reverse("accounts:home_teacher"))
    assert response.status_code == 200
    assert response.context["user"] == teacher_a
    client.logout()  # the cache delete fails too: still logged out
    response = client.get(reverse("accounts:home_teacher"))
    assert response.status_code == 302


def test_it_reads_a_session_from_the_cache_not_the_database(session_engine, login, parent_a):
    client = login(parent_a)
    client.get(reverse("accounts:home_parent"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:home_parent"))
    assert response.status_code == 200
    assert "django_session" not in _tables(queries)


def test_it_checks_totp_at_login_and_not_on_later_requests(session_engine, login, teacher_a):
    with CaptureQueriesContext(connection) as at_login:
        client = login(teacher_a)
    with CaptureQueriesContext(connection) as later:
        assert client.get(reverse("accounts:home_teacher")).status_code == 200
    assert "mfa_authenticator" in _tables(at_login)
    assert "mfa_authenticator" not in _tables(later)
    assert client.session[TOTP_SESSION_KEY] == teacher_a.pk


def test_it_checks_totp_once_when_the_session_does_not_know_yet(session_engine, login, teacher_a):
    client = login(teacher_a)
    session = client.session
    del session[TOTP_SESSION_KEY]
    session.save()
    url = reverse("accounts:home_teacher")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert "mfa_authenticator" in _tables(first)
    assert "mfa_authenticator" not in _tables(second)


def test_it_does_not_remember_a_missing_totp(session_engine, login, teacher_a):
    Authenticator.objects.filter(user=teacher_a).delete()
    client = login(teacher_a)
    url = reverse("accounts:home_teacher")
    assert client.get(url).url == reverse("mfa_activate_totp")
    assert TOTP_SESSION_KEY not in client.session
    assert client.get(url).url == reverse("mfa_activate_totp")


def test_it_does_not_let_a_remembered_totp_cover_another_user(
    session_engine, login, teacher_a, other_teacher
):
    Authenticator.objects.filter(user=other_teacher).delete()
    client = login(teacher_a)
    client.get(reverse("accounts:home_teacher"))
    session = client.session
    session["_auth_user_id"] = str(other_teacher.pk)
    session["_auth_user_hash"] = other_teacher.get_session_auth_hash()
    session.save()
    assert client.get(reverse("accounts:home_teacher")).url == reverse("mfa_activate_totp")


def test_it_forgets_totp_when_the_authenticator_is_removed(session_engine, login, teacher_a):
    from allauth.mfa.base.internal.flows import delete_and_cleanup
    from django.test import RequestFactory

    client = login(teacher_a)
    client.get(reverse("accounts:home_teacher"))
    request = RequestFactory().get("/")
    request.user = teacher_a
    request.session = client.session
    delete_and_cleanup(request, Authenticator.objects.get(user=teacher_a, type="totp"))
    request.session.save()
    assert client.get(reverse("accounts:home_teacher")).url == reverse("mfa_activate_totp")
