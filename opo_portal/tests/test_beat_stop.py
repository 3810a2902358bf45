"""A beat stops within BEAT_STOP_SECONDS of a SIGTERM and says how, in one line (real
`celery beat` and `worker --beat` processes, each on its own redis-server)."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COMMANDS = {
    "beat": ["beat"],
    "worker --beat": ["worker", "--beat", "--concurrency=1", "-Q", "beat-stop-test"],
}


def _start(command: str, redis, tmp_path, **env) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / "out.log"
    args = [str(REPO / ".venv" / "bin" / "celery"), "-A", "opo_portal", "--quiet"]
    args += [*COMMANDS[command], "--loglevel=INFO", "-s", str(tmp_path / "schedule")]
    with out.open("w") as stdout:  # the process writes to its own copy
        process = subprocess.Popen(  # noqa: S603 - our own command
            args,
            cwd=REPO,
            env={**os.environ, "REDIS_URL": redis.url, **env},
            stdout=stdout,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its pool and beat children are killed with it
        )
    deadline = time.monotonic() + 60
    while "beat lock: acquired" not in out.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, out.read_text()
        time.sleep(0.1)
    assert "beat lock: acquired" in out.read_text()
    return process, out


def _stopped(process: subprocess.Popen, out: Path, *, until: str = "", then=None) -> str:
    """SIGTERM, and what it wrote; killed (-9) when it outlives the wait, never left over.
    With `until`: once a line holds it (at most 30 s), `then()` runs before the wait."""
    process.send_signal(signal.SIGTERM)
    try:
        deadline = time.monotonic() + 30
        while until and until not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        if then is not None:
            then()
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running 30 s after SIGTERM:\n{out.read_text()}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return out.read_text()


@pytest.fixture
def monitor(own_redis, tmp_path):
    """Every command own_redis receives, as redis-cli MONITOR prints them."""
    path = tmp_path / "monitor.log"
    with path.open("w") as stdout:
        process = subprocess.Popen(  # noqa: S603
            ["redis-cli", "-p", str(own_redis.port), "monitor"],  # noqa: S607
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
    yield path
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("command", COMMANDS)
def test_it_releases_the_lock_once_and_says_it_stopped(command, own_redis, monitor, tmp_path):
    """Celery closes the scheduler twice on SIGTERM (its handler, then start()'s finally):
    the lock was released twice, a second socket timeout when Redis does not answer."""
    process, out = _start(command, own_redis, tmp_path)
    text = _stopped(process, out)
    assert process.returncode == 0, text
    releases = [
        line
        for line in monitor.read_text().splitlines()
        if '"EVAL"' in line and "redis.call('del'" in line and '"opo:beat:lock"' in line
    ]
    assert len(releases) == 1, releases
    assert own_redis.cli("exists", "opo:beat:lock") == "0"
    stopped = [line for line in text.splitlines() if "beat: stopped" in line]
    assert len(stopped) == 1, text
    assert " INFO opo_portal.beat " in stopped[0]
    assert "beat: stopped (SIGTERM) in " in stopped[0] and stopped[0].endswith("lock released")


@pytest.mark.parametrize("command", COMMANDS)
def test_it_stops_within_beat_stop_seconds_when_redis_does_not_answer(command, own_redis, tmp_path):
    """Releasing the lock waits for a Redis that does not answer (its socket timeout, 2 s);
    with BEAT_STOP_SECONDS=1 the beat exits first, saying so, and the TTL frees the lock."""
    process, out = _start(command, own_redis, tmp_path, BEAT_STOP_SECONDS="1")
    own_redis.proc.pause()
    try:
        # then Redis answers again: a worker's own warm shutdown waits for its broker
        text = _stopped(process, out, until="beat: not stopped", then=own_redis.proc.resume)
    finally:
        own_redis.proc.resume()
    given_up = [line for line in text.splitlines() if "beat: not stopped within" in line]
    assert len(given_up) == 1, text
    assert " ERROR opo_portal.beat " in given_up[0]
    assert "beat: not stopped within 1 s of SIGTERM" in given_up[0]
    assert "beat: stopped" not in text
    if command == "beat":
        assert process.returncode == 1
