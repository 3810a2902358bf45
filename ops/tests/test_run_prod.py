"""deploy/run-prod refuses to start production without its settings, naming the missing one."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DATABASE_URL": "postgres://x@127.0.0.1/x",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "portal.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587",
}


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_it_refuses_to_start_without_a_required_setting(missing):
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update({k: v for k, v in REQUIRED.items() if k != missing})
    # A role that does not exist: were the check missing, nothing would start (no gunicorn).
    result = subprocess.run(
        [str(REPO / "deploy" / "run-prod"), "no-role"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert f"{missing} must be set" in result.stderr


def test_it_names_its_roles_when_given_an_unknown_one():
    env = {**os.environ, **REQUIRED}
    result = subprocess.run(
        [str(REPO / "deploy" / "run-prod"), "webserver"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2 and "release|web|worker|beat|all" in result.stderr


def gunicorn_config(monkeypatch, **env) -> dict:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    namespace: dict = {}
    source = (REPO / "deploy" / "gunicorn.conf.py").read_text()
    exec(compile(source, "gunicorn.conf.py", "exec"), namespace)  # noqa: S102 - our own file
    return namespace


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_it_logs_paths_without_query_strings(monkeypatch, log_format):
    config = gunicorn_config(monkeypatch, LOG_FORMAT=log_format)
    assert "%(U)s" in config["access_log_format"]
    assert not any(f in config["access_log_format"] for f in ("%(r)s", "%(q)s", "%(f)s"))


def test_it_takes_workers_from_the_cpu_count_unless_told(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    expected = min(os.cpu_count() * 2 + 1, 12)
    assert gunicorn_config(monkeypatch)["workers"] == expected
    assert gunicorn_config(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_it_trusts_the_forwarded_proto_of_the_proxy_only(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    config = gunicorn_config(monkeypatch)
    assert config["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_it_recycles_workers_unless_told_not_to(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    assert gunicorn_config(monkeypatch)["max_requests"] == 2000
    assert gunicorn_config(monkeypatch, GUNICORN_MAX_REQUESTS="0")["max_requests"] == 0
