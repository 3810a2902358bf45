"""A graceful reload (HUP to gunicorn's master) serves the code on disk, dropping nothing.

Deploying a new version without downtime is: put the code in place, `deploy/run-prod
release`, then HUP gunicorn's master, which starts new workers and lets the old ones finish.
gunicorn's master imports part of the portal itself (deploy/gunicorn.conf.py reads
opo_portal.env and opo_portal.checkconfig, which imports opo_portal and its Celery app; the
logger class is ops.access_log), and a worker forked from it imported nothing again: after a
HUP those modules stayed the old version. New settings calling a new helper of
opo_portal/env.py then failed in every new worker, and gunicorn stopped.

The test runs real gunicorn with deploy/gunicorn.conf.py on a copy of those packages, and
changes opo_portal/env.py in the copy as a deploy would.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
APP = """
import os
import time

import opo_portal.env


def application(environ, start_response):
    time.sleep(0.01)  # a request takes a moment: two clients at once keep both workers busy
    start_response("200 OK", [("Content-Type", "text/plain")])
    release = getattr(opo_portal.env, "RELEASE", "first")
    return [f"{release} {os.getpid()}".encode()]
"""


def _copy_of_the_code(tmp: Path) -> None:
    ignore = shutil.ignore_patterns("tests", "__pycache__", "locale")
    for package in ("opo_portal", "ops"):
        shutil.copytree(REPO / package, tmp / package, ignore=ignore)
    (tmp / "deploy").mkdir()
    shutil.copy(REPO / "deploy" / "gunicorn.conf.py", tmp / "deploy")
    (tmp / "hupapp.py").write_text(APP)


class Load(threading.Thread):
    """Requests one after another until stopped, counting answers (status and release)
    and failures, and noting which worker processes answered with each release."""

    def __init__(self, socket_path: Path):
        super().__init__(daemon=True)
        self.transport = httpx.HTTPTransport(uds=str(socket_path))
        self.answers: Counter = Counter()
        self.workers: dict[str, set[str]] = defaultdict(set)
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(transport=self.transport, timeout=30) as client:
            while not self.stopping.is_set():
                try:
                    response = client.get("http://portal.example.org/")
                    release, _, pid = response.text.partition(" ")
                    self.answers[(response.status_code, release)] += 1
                    self.workers[release].add(pid)
                except httpx.HTTPError as error:
                    self.answers[type(error).__name__] += 1


def _workers(loads: list[Load], release: str) -> set[str]:
    return set().union(*(load.workers[release] for load in loads))


def _until(condition, what: str, seconds: int = 60) -> None:
    for _ in range(seconds * 10):
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def test_a_reload_serves_the_new_code_and_drops_no_request(tmp_path):
    _copy_of_the_code(tmp_path)
    socket_path = tmp_path / "gunicorn.sock"
    env = {
        "PATH": os.environ["PATH"],
        "BIND": f"unix:{socket_path}",
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "text",
    }
    command = [str(GUNICORN), "--config", "deploy/gunicorn.conf.py", "hupapp:application"]
    log = (tmp_path / "gunicorn.log").open("w")
    master = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
    loads = [Load(socket_path), Load(socket_path)]
    try:
        _until(socket_path.exists, "gunicorn's socket")
        for load in loads:
            load.start()
        # Both workers are up: one still booting would import the new version below.
        _until(lambda: len(_workers(loads, "first")) == 2, "answers from both workers")
        with (tmp_path / "opo_portal" / "env.py").open("a") as env_py:
            env_py.write('\nRELEASE = "second"\n')  # the new version, in place
        master.send_signal(signal.SIGHUP)
        # Both new workers have answered, so both are past their boot: a TERM that reaches
        # a worker still booting is lost (it has the master's handlers until it installs
        # its own), and gunicorn then kills it after the graceful timeout, logging ERROR.
        _until(lambda: len(_workers(loads, "second")) >= 2, "answers from both new workers")
        for load in loads:
            load.stopping.set()
            load.join(timeout=30)
    finally:
        for load in loads:
            load.stopping.set()
        master.terminate()
        master.wait(timeout=60)
        log.close()
    answers = sum((load.answers for load in loads), Counter())
    assert set(answers) <= {(200, "first"), (200, "second")}, answers
    output = (tmp_path / "gunicorn.log").read_text()
    assert "Handling signal: hup" in output
    # gunicorn's arbiter logs a worker it stopped itself as "was sent SIGTERM!" at ERROR:
    # a planned reload is no error for whoever alerts on the log.
    assert " ERROR " not in output, output
