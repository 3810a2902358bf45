"""`check --deploy --fail-level WARNING` with production settings (issue 10, findings 3, 7).

Each case runs manage.py in a fresh process, so settings.py reads the environment as in
production. No connection is made: the checks only read settings.
"""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"
SHARED_CACHE = "redis://127.0.0.1:6379/15"


def _check(**extra) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "deploy-" + secrets.token_hex(32),
        "ALLOWED_HOSTS": "portal.example.org",
        **extra,
    }
    return subprocess.run(
        [sys.executable, str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_it_passes_with_production_settings_and_a_shared_cache():
    result = _check(REDIS_URL=SHARED_CACHE)
    assert result.returncode == 0, result.stderr


def test_it_fails_without_a_shared_cache():
    result = _check()
    assert result.returncode != 0
    assert "opo.E001" in result.stderr


@pytest.mark.parametrize("hosts", ["127.0.0.1", "feeds.intranet.example,10.0.0.5"])
def test_it_fails_when_private_hosts_are_allowed(hosts):
    result = _check(REDIS_URL=SHARED_CACHE, MONITORING_ALLOW_PRIVATE_HOSTS=hosts)
    assert result.returncode != 0
    assert "opo.W001" in result.stderr


SET_LANGUAGE = """
from django.test import Client
client = Client(HTTP_HOST="portal.example.org")
response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
print(response.cookies["django_language"].output())
"""


def test_the_language_cookie_is_secure_like_the_others_in_production():
    """Session and CSRF cookies were Secure with DEBUG=false; the language switch's cookie
    went out as `django_language=en; Path=/`, to be sent over plain HTTP too."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "deploy-" + secrets.token_hex(32),
        "ALLOWED_HOSTS": "portal.example.org",
    }
    result = subprocess.run(
        [sys.executable, str(MANAGE), "shell", "--no-imports", "-c", SET_LANGUAGE],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    cookie = result.stdout.strip().splitlines()[-1]
    assert cookie.startswith("Set-Cookie: django_language=en;")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
