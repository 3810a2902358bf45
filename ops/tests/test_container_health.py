"""compose.yaml's healthchecks of the worker and beat containers test the process itself.

No container engine runs here: the commands are read from compose.yaml and run as Docker
runs a CMD-SHELL healthcheck (`/bin/sh -c`, in the container's environment), against a
worker and a beat started by deploy/run-prod, as the image starts them. Without a
healthcheck, compose called a hung worker or beat "running" for ever.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import require_service, wait_for
from ops.health import KEYS
from ops.tests.test_logs import _test_database_url

REPO = Path(__file__).resolve().parents[2]
# As written in compose.yaml: `$$` is compose's escape for a `$` the shell expands.
WORKER_PROBE = (
    "$${BIN}/celery -A opo_portal inspect ping --timeout 5 -d worker-$${WORKER_NAME}@$$(hostname)"
)
BEAT_PROBE = "$${BIN}/python manage.py health --beat"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def test_compose_checks_the_worker_and_the_beat_with_the_tested_commands(compose):
    services = compose["services"]
    assert services["worker"]["healthcheck"]["test"] == ["CMD-SHELL", WORKER_PROBE]
    assert services["beat"]["healthcheck"]["test"] == ["CMD-SHELL", BEAT_PROBE]
    for name in ("worker", "beat"):  # a probe may take a few seconds to start Django
        assert services[name]["healthcheck"]["timeout"] == "30s"


@pytest.fixture
def container_env(compose, tmp_path, db):
    """What a portal container's processes see: compose's environment for the worker
    (WORKER_NAME among it), the image's BIN, and this test's database and Redis."""
    redis_url = require_service("REDIS_URL")
    return {
        **os.environ,
        "WORKER_NAME": compose["services"]["worker"]["environment"]["WORKER_NAME"],
        "BIN": str(Path(sys.executable).parent),
        "DEBUG": "false",
        "DATABASE_URL": _test_database_url() or "postgres://x@127.0.0.1/x",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "production-test-key-" + "0123456789abcdef" * 2,
        "ALLOWED_HOSTS": "portal.example.org",
        "EMAIL_URL": "console://",
        "SITE_URL": "https://portal.example.org",
        "CELERY_CONCURRENCY": "1",
        "CELERY_QUEUES": "container-health",  # no task of another test is taken
        "CELERY_BEAT_DIR": str(tmp_path),
        "HEALTH_HEARTBEAT_SECONDS": "1",
        "HEALTH_BEAT_STALE_SECONDS": "3",
        "BEAT_LOCK_TTL": "3",
    }


def probe(command: str, env: dict) -> int:
    """The healthcheck's exit status, run as Docker runs CMD-SHELL."""
    shell = command.replace("$$", "$")
    result = subprocess.run(  # noqa: S603 - compose.yaml's own command
        ["/bin/sh", "-c", shell], cwd=REPO, env=env, capture_output=True, timeout=60
    )
    return result.returncode


def start_role(role: str, env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603 - our own script
            [str(REPO / "deploy" / "run-prod"), role],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.services
def test_the_worker_healthcheck_follows_this_worker(container_env, tmp_path):
    assert probe(WORKER_PROBE, container_env) != 0  # no worker of that name yet
    worker = start_role("worker", container_env, tmp_path / "worker.log")
    try:
        started = wait_for(lambda: probe(WORKER_PROBE, container_env) == 0, timeout=120)
        assert started, (tmp_path / "worker.log").read_text()
    finally:
        stop(worker)
    assert probe(WORKER_PROBE, container_env) != 0


@pytest.mark.services
def test_the_beat_healthcheck_follows_beat_heartbeat(container_env, tmp_path):
    import redis

    client = redis.Redis.from_url(container_env["REDIS_URL"])
    client.delete(KEYS["beat"])
    assert probe(BEAT_PROBE, container_env) != 0  # beat never published
    beat = start_role("beat", container_env, tmp_path / "beat.log")
    try:
        started = wait_for(lambda: probe(BEAT_PROBE, container_env) == 0, timeout=120)
        assert started, (tmp_path / "beat.log").read_text()
    finally:
        stop(beat)
        client.delete("celery")  # what beat sent (all of it expiring) is no later test's
    # Stale once HEALTH_BEAT_STALE_SECONDS (3 here) pass without a heartbeat.
    assert wait_for(lambda: probe(BEAT_PROBE, container_env) != 0, timeout=30)
