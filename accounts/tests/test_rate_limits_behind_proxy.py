"""ALLAUTH_TRUSTED_PROXY_COUNT (issue 10, finding 7): behind one proxy, failed-login limits
count per client address from X-Forwarded-For, not per proxy."""

import pytest
from django.core.cache import cache
from django.urls import reverse


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _fail(client, n: int, forwarded_for: str):
    for i in range(n):
        response = client.post(
            reverse("account_login"),
            {"login": f"niemand{i}@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": forwarded_for},
        )
    return response


def test_it_counts_failed_logins_per_client_behind_a_proxy(client, settings, db):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert "Te veel" in _fail(client, 11, "203.0.113.7").content.decode()
    assert "Te veel" not in _fail(client, 1, "198.51.100.9").content.decode()


def test_it_counts_the_proxy_as_one_client_without_the_setting(client, settings, db):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    _fail(client, 11, "203.0.113.7")
    assert "Te veel" in _fail(client, 1, "198.51.100.9").content.decode()
