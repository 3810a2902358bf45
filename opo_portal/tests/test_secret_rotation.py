"""Rotating SECRET_KEY (README "Production" → "Rotating SECRET_KEY").

A new key alone logged every user out and broke every link already e-mailed that the key
signs (address checks, password resets, stopping reminders). With the old key in
SECRET_KEY_FALLBACKS for a while, sessions and links made with it keep working, and
each session is re-signed with the new key at its next request.
"""

import subprocess
import sys

import pytest

from consent.reminder_stop import reminder_stop_url, reminder_stop_user_id

OLD = "old-production-key-" + "0123456789abcdef" * 3
NEW = "new-production-key-" + "fedcba9876543210" * 3


def _logged_in(client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize("fallbacks", [[OLD], []])
def test_a_session_made_with_the_old_key_stays_logged_in_while_it_is_a_fallback(
    client, parent_a, settings, fallbacks
):
    settings.SECRET_KEY = OLD
    client.force_login(parent_a)
    assert _logged_in(client)

    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = fallbacks
    assert _logged_in(client) is bool(fallbacks)
    if fallbacks:
        # re-signed with the new key: dropping the fallback later keeps it logged in
        settings.SECRET_KEY_FALLBACKS = []
        assert _logged_in(client)


@pytest.mark.parametrize("fallbacks", [[OLD], []])
def test_a_reminder_link_mailed_before_the_rotation_works_while_the_old_key_is_a_fallback(
    parent_a, settings, fallbacks
):
    settings.SECRET_KEY = OLD
    token = reminder_stop_url(parent_a.pk).rstrip("/").rsplit("/", 1)[1]
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = fallbacks
    assert reminder_stop_user_id(token) == (parent_a.pk if fallbacks else None)


def _settings_of(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "opo_portal.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_reads_the_old_keys_from_the_environment():
    code = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    result = _settings_of(
        code,
        DEBUG="false",
        SECRET_KEY=NEW,
        SECRET_KEY_FALLBACKS=OLD,
        ALLOWED_HOSTS="portal.example.nl",
    )
    assert result.stdout.strip() == repr([OLD]), result.stderr
    assert _settings_of(code).stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("fallbacks", "message"),
    [
        ("change-me", "SECRET_KEY_FALLBACKS must be at least 50 characters when DEBUG is false"),
        (NEW, "SECRET_KEY_FALLBACKS holds SECRET_KEY itself: list the old keys only"),
    ],
)
def test_it_refuses_an_old_key_that_is_no_secret_or_the_new_one_in_production(fallbacks, message):
    result = _settings_of("", DEBUG="false", SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=fallbacks)
    assert result.returncode != 0
    assert message in result.stderr
