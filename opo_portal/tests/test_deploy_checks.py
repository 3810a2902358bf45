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
