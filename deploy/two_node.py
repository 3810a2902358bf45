"""Two web nodes behind nginx, two workers, one beat (and a second one by mistake), one
PostgreSQL, one Redis — all on free loopback ports. Shows that the portal behaves as on
one machine: sessions, login rate limits, one-time e-mails and takedowns, a single
schedule. Run by `make two-node` and .ci/run; needs DATABASE_URL (PostgreSQL), REDIS_URL
and Debian's nginx (.ci/install-nginx).

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python deploy/two_node.py
"""

import contextlib
import datetime
import logging
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "deploy"))

from smoke import DEMO_PARENT, Client, check  # noqa: E402

DEMO_TEACHER = "leerkracht@demo.opo.example"
DEMO_PASSWORD = DEMO_PARENT[1]
HEARTBEAT_SECONDS = 2
BEAT_LOCK_TTL = 6

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log {tmp}/nginx-access.log;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  upstream portal {{ server 127.0.0.1:{web_a}; server 127.0.0.1:{web_b}; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://portal;
      proxy_set_header Host $http_host;
      # TLS ends at this proxy in production; it tells gunicorn and Django so.
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to accept messages; keeps (recipients, message) pairs."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpSink

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 sink")
        recipients: list[str] = []
        while line := self.rfile.readline().decode(errors="replace"):
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline().decode(errors="replace")) not in (".\r\n", ""):
                    body.append(data)
                with self.server.lock:
                    self.server.messages.append((recipients, "".join(body)))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class Topology:
    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env = tmp, env
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], **env) -> None:
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(  # noqa: S603 - our own scripts
            args,
            cwd=REPO,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def role(self, name: str, role: str, **env) -> None:
        self.start(name, [str(REPO / "deploy" / "run-prod"), role], **env)

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name)
        with_group = os.getpgid(proc.pid)
        os.killpg(with_group, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(with_group, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.procs):
            with contextlib.suppress(ProcessLookupError):
                self.stop(name)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")


def wait_until(what: str, condition, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            check(False, f"{what} (waited {timeout:.0f} s)")
        time.sleep(0.5)


def upstream(response) -> str:
    return response.headers.get("x-upstream", "")


def check_sessions(client: Client) -> None:
    email, password = DEMO_PARENT
    response = client.post_form("/accounts/login/", {"login": email, "password": password})
    check(response.status_code == 302, "parent logs in through the proxy")
    served = [client.request("GET", "/toestemming/kinderen/") for _ in range(8)]
    nodes = {upstream(r) for r in served}
    print(f"     8 requests of one session served by: {sorted(nodes)}")
    check(all(r.status_code == 200 for r in served), "the session holds on every node")
    check(len(nodes) == 2, "both web nodes served the session")


def check_login_rate_limit(base: str) -> None:
    """allauth allows 5 failed logins per account per 5 minutes. Counted in Redis, the limit
    holds across nodes: after five wrong passwords even the right one is refused on both.
    """
    control = Client(base)
    data = {"login": DEMO_TEACHER, "password": DEMO_PASSWORD}
    check(control.post_form("/accounts/login/", data).status_code == 302, "right password works")
    client = Client(base)
    token = client.csrf_token("/accounts/login/")
    statuses, nodes = [], set()
    for password in ["wrong"] * 5 + [DEMO_PASSWORD] * 2:  # POSTs only: round robin alternates
        data = {"csrfmiddlewaretoken": token, "login": DEMO_TEACHER, "password": password}
        response = client.request("POST", "/accounts/login/", data=data)
        statuses.append(response.status_code)
        nodes.add(upstream(response))
    print(f"     5 wrong then 2 right passwords for one account: {statuses}, nodes {sorted(nodes)}")
    check(len(nodes) == 2, "the login attempts reached both nodes")
    check(statuses == [200] * 7, "after five failures the right password is refused on both")


def prepare_takedowns(checks: int) -> tuple[int, str, list[int]]:
    """Demo parent's child in the demo teacher's group: granted, and `checks` photo checks."""
    from accounts.models import User
    from consent.models import Purpose
    from consent.services import Answer, consent_decide, publication_check_create
    from schools.models import Guardianship

    parent = User.objects.get(email=DEMO_PARENT[0])
    teacher = User.objects.get(email=DEMO_TEACHER)
    website = Purpose.objects.get(code="website")
    pupil = next(
        g.pupil
        for g in Guardianship.objects.filter(user=parent, has_parental_authority=True)
        if g.pupil.group and g.pupil.group.teachers.filter(user=teacher).exists()
    )
    for g in Guardianship.objects.filter(pupil=pupil, has_parental_authority=True):
        consent_decide(pupil=pupil, guardian=g.user, answers=[Answer(website.pk, "photo", True)])
    ids = [
        publication_check_create(
            user=teacher, purpose=website, media_type="photo", pupils=[pupil], note="two-node"
        ).pk
        for _ in range(checks)
    ]
    return pupil.pk, f"c-{website.pk}-photo", ids


def outbox_drained() -> bool:
    from outbox.models import Duty

    return not Duty.objects.filter(status=Duty.Status.PENDING).exists()


def check_takedowns_and_emails(client: Client, sink: SmtpSink, topo: Topology) -> None:
    from consent.models import TakedownTask
    from outbox.models import Duty
    from outbox.tasks import run_duty

    wait_until("the demo's own duties are delivered", outbox_drained)
    time.sleep(2)
    pupil_id, field, check_ids = prepare_takedowns(3)
    before = len(sink.messages)
    path = f"/toestemming/kind/{pupil_id}/"
    page = client.request("GET", path)
    versions = dict(re.findall(r'name="(v-\d+)" value="(\d+)"', page.text))
    response = client.post_form(path, {**versions, field: "no"})
    check(response.status_code == 302, "the withdrawal is saved through the proxy")
    tasks = TakedownTask.objects.filter(publication_check_id__in=check_ids)
    check(tasks.count() == 3, "one takedown task per stored check")
    duties = list(Duty.objects.filter(key__in=[f"takedown-email:{t.pk}" for t in tasks]))
    check(len(duties) == 3, "one e-mail duty per takedown")
    for duty in duties:  # redelivery, a second sweeper, a retried dispatch: all at once
        for _ in range(4):
            run_duty.delay(duty.pk)
    wait_until("every takedown e-mailed", lambda: not tasks.filter(emailed_at=None).exists())
    wait_until("the outbox drained", outbox_drained)
    time.sleep(4)  # let any duplicate still in flight arrive
    sent = sink.messages[before:]
    to_teacher = [m for m in sent if DEMO_TEACHER in m[0]]
    print(f"     takedown duties dispatched {3 * 5}×, e-mails received: {len(to_teacher)}")
    check(len(to_teacher) == 3 and len(sent) == 3, "exactly one e-mail per takedown")
    ran = {n: topo.log(n).count("outbox.run_duty") for n in ("worker-1", "worker-2")}
    print(f"     outbox.run_duty log lines per worker: {ran}")
    check(all(ran.values()), "both workers took part")


def heartbeats_received(topo: Topology, since: datetime.datetime) -> int:
    # ops.logs.TextFormatter: "<time in UTC> INFO <logger> [<pid>] Task ops.heartbeat[…] received"
    pattern = re.compile(r"^(\S+) INFO \S+ \[\d+\] Task ops\.heartbeat\[[^\]]+\] received", re.M)
    count = 0
    for name in ("worker-1", "worker-2"):
        for stamp in pattern.findall(topo.log(name)):
            count += datetime.datetime.fromisoformat(stamp) >= since
    return count


def check_second_beat(topo: Topology) -> None:
    topo.role("beat-2", "beat", CELERY_BEAT_DIR=str(topo.tmp / "beat-2"))
    wait_until("the second beat starts", lambda: "beat: Starting" in topo.log("beat-2"))
    time.sleep(3)
    since = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    since += datetime.timedelta(seconds=1)
    window = 16
    time.sleep(window + 1)
    received = heartbeats_received(topo, since)
    expected = window / HEARTBEAT_SECONDS
    print(f"     heartbeats in {window} s with two beats: {received} (one beat: {expected:.0f})")
    check(received <= expected + 2, "a second beat does not double the schedule")
    topo.stop("beat-1")
    wait_until(
        "the second beat takes over",
        lambda: "acquired, sending" in topo.log("beat-2"),
        timeout=BEAT_LOCK_TTL * 4,
    )
    check(True, "the second beat takes over when the first stops")


def main() -> None:
    database_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check(Path(nginx).exists(), "nginx is installed (.ci/install-nginx)")
    db = database_url.rsplit("/", 1)[1] + "_twonode"
    tmp = Path(tempfile.mkdtemp(prefix="opo-two-node-"))
    sink = SmtpSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    web_a, web_b, port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url.rsplit("/", 1)[0] + "/" + db,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "two-node-" + os.urandom(32).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.server_address[1]}?tls=0",
        "DEFAULT_FROM_EMAIL": "OPO Portal <noreply@two-node.example.org>",
        "WEB_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
        "HEALTH_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "BEAT_LOCK_TTL": str(BEAT_LOCK_TTL),
        "STATIC_ROOT": str(tmp / "static"),
        "DEBUG": "false",
        "LOG_FORMAT": "text",  # the checks read Celery's own log lines
    }
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", db], check=True)  # noqa: S603, S607
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)  # noqa: S603, S607
    topo = Topology(tmp, env)
    try:
        run = partial(subprocess.run, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
        run([str(REPO / "deploy" / "run-prod"), "release"])
        run([sys.executable, "manage.py", "load_demo"])
        os.environ.update(env)  # this process reads the same database
        import django

        django.setup()
        logging.getLogger("httpx").setLevel(logging.WARNING)
        (tmp / "nginx.conf").write_text(
            NGINX_CONF.format(tmp=tmp, web_a=web_a, web_b=web_b, port=port)
        )
        topo.role("web-a", "web", BIND=f"127.0.0.1:{web_a}")
        topo.role("web-b", "web", BIND=f"127.0.0.1:{web_b}")
        topo.role("worker-1", "worker", WORKER_NAME="one")
        topo.role("worker-2", "worker", WORKER_NAME="two")
        topo.role("beat-1", "beat", CELERY_BEAT_DIR=str(tmp / "beat-1"))
        topo.start(
            "nginx", [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"]
        )
        base = f"http://127.0.0.1:{port}"
        client = Client(base)
        # Both gunicorns listen before nginx is asked anything: a node that refuses nginx's
        # first connection is taken out of the rotation for 10 s (nginx's fail_timeout),
        # and the session check below would then see one node only.
        for name, web_port in (("web-a", web_a), ("web-b", web_b)):
            wait_until(f"{name} listens", lambda web_port=web_port: _listening(web_port))
        # Ready once each node has answered /health/ready through the proxy: a node whose
        # first request failed while it booted is out of nginx's rotation for 10 s.
        answered: set[str] = set()
        wait_until("both nodes ready through the proxy", lambda: _ready(client, answered) >= 2)
        check(True, "two web nodes, two workers and one beat are ready behind nginx")
        check_sessions(client)
        check_login_rate_limit(base)
        check_takedowns_and_emails(client, sink, topo)
        check_second_beat(topo)
        print("two-node: all checks passed")
    except SystemExit:
        for name in ("web-a", "web-b", "worker-1", "worker-2", "beat-1", "nginx"):
            if (tmp / f"{name}.log").exists():
                print(f"--- {name} (last lines)\n" + "\n".join(topo.log(name).splitlines()[-15:]))
        raise
    finally:
        topo.stop_all()
        sink.shutdown()
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", db])  # noqa: S603, S607
        shutil.rmtree(tmp, ignore_errors=True)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _ready(client: Client, answered: set[str]) -> int:
    """Ask /health/ready once; the number of nodes that have answered 200 so far."""
    try:
        response = client.request("GET", "/health/ready")
    except Exception:  # noqa: BLE001 - not up yet
        return len(answered)
    if (
        response.status_code == 200
    ):  # after a retry nginx lists every node tried: the last one answered
        answered.add(upstream(response).split(",")[-1].strip())
    return len(answered)


if __name__ == "__main__":
    main()
