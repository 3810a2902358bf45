"""Smoke test of a running production start, over real HTTP (used by .ci/prod-smoke).

    python deploy/smoke.py http://127.0.0.1:PORT [RUN_PROD_PID RUN_PROD_LOG]

With the process id and log of `deploy/run-prod all`, it last sends that a HUP (a graceful
reload) while requests keep coming, and checks that none of them failed.

Needs the same environment as the portal (DATABASE_URL, REDIS_URL, ...) and the demo data.
The portal runs with DEBUG=false behind no proxy here, so requests say X-Forwarded-Proto:
https as the proxy would; cookies are kept by hand because they are Secure.
"""

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path

import httpx

DEMO_PARENT = ("ouder@demo.opo.example", "demo-wachtwoord-2026")


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(timeout=20, follow_redirects=False)

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Referer"] = "https://" + self.base.split("://", 1)[1] + path
        response = self.http.request(method, self.base + path, headers=headers, **kwargs)
        for raw in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return response

    def csrf_token(self, path: str) -> str:
        page = self.request("GET", path)
        return _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text, "CSRF token")

    def post_form(self, path: str, data: dict) -> httpx.Response:
        token = self.csrf_token(path)
        return self.request("POST", path, data={"csrfmiddlewaretoken": token, **data})


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


def _found(pattern: str, text: str, what: str) -> str:
    """The first group of `pattern` in `text`; the smoke test fails, naming `what`, when
    it is not there."""
    match = re.search(pattern, text)
    check(match is not None, what)
    assert match is not None  # check() exited otherwise
    return match.group(1)


def check_health(client: Client) -> None:
    response = client.request("GET", "/health/")
    check(response.status_code == 200 and response.json()["status"] == "ok", "/health/ answers")


def check_login_page_and_css(client: Client) -> None:
    # The query string must not reach the access log (.ci/prod-smoke greps for it).
    page = client.request("GET", "/accounts/login/?next=/smoke-query-marker/")
    check(page.status_code == 200, "login page answers 200")
    css = _found(
        r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page.text, "login page links hashed CSS"
    )
    response = client.request("GET", css, headers={"Accept-Encoding": "gzip"})
    check(response.status_code == 200, "CSS is served")
    check(response.headers["content-type"].startswith("text/css"), "CSS has its content type")
    check("max-age=315360000" in response.headers.get("cache-control", ""), "CSS cached far ahead")
    check(response.headers.get("content-encoding") == "gzip", "CSS served compressed")
    check(":root" in response.text or "{" in response.text, "CSS body is CSS")


def check_login(client: Client) -> None:
    email, password = DEMO_PARENT
    response = client.post_form("/accounts/login/", {"login": email, "password": password})
    check(response.status_code == 302 and "sessionid" in client.cookies, "demo parent logs in")


def check_consent_save(client: Client) -> None:
    from consent.models import ConsentEvent

    children = client.request("GET", "/toestemming/kinderen/")
    child = _found(r'href="(/toestemming/kind/\d+/)"', children.text, "parent sees a child")
    page = client.request("GET", child)
    versions = dict(re.findall(r'name="(v-\d+)" value="(\d+)"', page.text))
    field = _found(r'name="(c-\d+-photo)"', page.text, "the child's page has a photo answer")
    before = ConsentEvent.objects.count()
    for answer in ("no", "yes"):  # one of the two is a change, whatever the demo said
        response = client.post_form(child, {**versions, field: answer})
        check(response.status_code == 302, f"consent form accepts '{answer}'")
    check(ConsentEvent.objects.count() > before, "a consent decision was saved")


def check_worker_and_beat(client: Client) -> None:
    from opo_portal.celery import ping

    check(ping.apply_async().get(timeout=60) == "pong", "a worker executed a task")
    deadline = time.monotonic() + 90
    while True:  # beat's first heartbeat can take one interval
        response = client.request("GET", "/health/ready")
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(2)
    print(response.text)
    check(response.status_code == 200, "/health/ready: database, Redis, worker and beat ok")


class Load(threading.Thread):
    """GET requests for the login page one after another until stopped."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.client = Client(base)
        self.answers: Counter = Counter()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.answers[self.client.request("GET", "/accounts/login/").status_code] += 1
            except httpx.HTTPError as error:
                self.answers[type(error).__name__] += 1
                time.sleep(0.1)  # nothing listening: no busy loop


def _reload_steps(log: Path) -> dict[str, int]:
    """What the log shows of a reload so far: gunicorn's HUP handled, and how often the
    release ran, a worker was ready and beat started (2 each once reloaded)."""
    text = log.read_text(errors="replace")
    return {
        "gunicorn HUP handled": text.count("Handling signal: hup"),
        "release runs": text.count("Operations to perform:"),
        "workers ready": len(re.findall(r"worker-\S+ ready\.", text)),
        "beat starts": text.count("beat: Starting..."),
    }


def _reloaded(log: Path) -> bool:
    """gunicorn has handled the HUP, and the worker and beat have started a second time."""
    steps = _reload_steps(log)
    return (
        steps["gunicorn HUP handled"] >= 1
        and steps["workers ready"] >= 2
        and steps["beat starts"] >= 2
    )


PS = ["ps", "-o", "pid,ppid,etimes,stat,wchan:24,args", "--forest", "-s"]


def _processes_of(session: int) -> str:
    """run-prod's processes as `ps` lists them (run-prod all leads its own session): on a
    reload that did not finish, which step is still running, and since when."""
    result = subprocess.run(  # noqa: S603, S607 - procps' ps, fixed arguments
        [*PS, str(session)], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


def _running(pid: int) -> bool:
    """Alive, not a zombie its parent (.ci/prod-smoke, waiting for this script) has yet
    to reap."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def check_graceful_reload(client: Client, run_prod_pid: int, log: Path) -> None:
    load = Load(client.base)
    load.start()
    os.kill(run_prod_pid, signal.SIGHUP)
    started = time.monotonic()
    deadline = started + 180  # release runs again, then the worker stops warm
    while not _reloaded(log) and time.monotonic() < deadline and _running(run_prod_pid):
        time.sleep(1)
    time.sleep(2)  # and a little more load on the new workers
    load.stopping.set()
    load.join(timeout=30)
    print(dict(load.answers))
    if not _reloaded(log):  # what to look at when it did not finish (CI keeps no log)
        print(f"reload after {time.monotonic() - started:.0f} s: {_reload_steps(log)}")
        print(_processes_of(run_prod_pid))
    check(_reloaded(log), "HUP: gunicorn reloaded, worker and beat restarted")
    check(set(load.answers) == {200}, "no request failed during the reload")
    check_worker_and_beat(client)


def main(base: str, run_prod_pid: str | None = None, log: str | None = None) -> None:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    client = Client(base)
    check_health(client)
    check_login_page_and_css(client)
    check_login(client)
    check_consent_save(client)
    check_worker_and_beat(client)
    if run_prod_pid and log:
        check_graceful_reload(client, int(run_prod_pid), Path(log))
    print("smoke: all checks passed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
