"""deploy/run-prod refuses to start production without its settings, naming the missing one."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from conftest import require_service, run_stopped_after_a_minute

REPO = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DATABASE_URL": "postgres://x@127.0.0.1/x",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "production-test-key-" + "0123456789abcdef" * 2,
    "ALLOWED_HOSTS": "portal.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587",
    # Every link in an e-mail starts with it; unset, they pointed at http://127.0.0.1:8000.
    "SITE_URL": "https://portal.example.org",
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


# Addresses nothing listens on: a role that started anyway would reach no shared service.
NOWHERE = {
    "DATABASE_URL": "postgres://x@127.0.0.1:1/x",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "BIND": "127.0.0.1:0",
}
# With EMAIL_URL on SMTP, production refuses the development sender (settings.py).
SENDER = {"DEFAULT_FROM_EMAIL": "OPO Portal <noreply@portal.example.org>"}
SHORT_SECRET_LINE = (
    "configuration error: SECRET_KEY must be at least 50 characters when DEBUG is false"
)


BIND_MESSAGE = (
    "BIND must be a host and port (127.0.0.1:8000, [::1]:8000), unix:/path/to/socket or "
    "fd://N; got '%s'"
)


def own_pidfile() -> dict[str, str]:
    """RUN_PROD_PIDFILE for a `run-prod all` of this checkout: CI runs two `make test` at
    once in one checkout, and the second `all` would be refused by the first's pid file."""
    return {"RUN_PROD_PIDFILE": f"{tempfile.gettempdir()}/run-prod-{uuid.uuid4().hex}.pid"}


def run_prod(role: str, **env: str) -> subprocess.CompletedProcess:
    """deploy/run-prod ROLE; should the role start serving instead of refusing, it is
    stopped after a minute with everything it started, and the test fails."""
    env = {**os.environ, **REQUIRED, **NOWHERE, **SENDER, **own_pidfile(), **env}
    command = [str(REPO / "deploy" / "run-prod"), role]
    failure = f"run-prod {role} started instead of refusing its configuration"
    return run_stopped_after_a_minute(command, failure=failure, env=env)


def assert_one_line(result: subprocess.CompletedProcess, line: str) -> None:
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [line]
    assert result.returncode == 2


@pytest.mark.parametrize("role", ["release", "web", "worker", "beat", "all"])
def test_it_refuses_a_bad_setting_in_one_line_in_every_role(role):
    assert_one_line(run_prod(role, SECRET_KEY="change-me"), SHORT_SECRET_LINE)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        (
            {"DATABASE_URL": "mysql://opo:hunter2@db/opo"},
            "DATABASE_URL must start with one of: postgres, postgresql, sqlite; got 'mysql'",
        ),
        (
            {"SECURE_SSL_REDIRECT": "maybe"},
            "SECURE_SSL_REDIRECT must be a boolean (true/false), got 'maybe'",
        ),
        (
            {"ALLOWED_HOSTS": ","},
            "ALLOWED_HOSTS must name at least one value (comma-separated), got ','",
        ),
        (
            {"ALLOWED_HOSTS": " , "},
            "ALLOWED_HOSTS must name at least one value (comma-separated), got ' , '",
        ),
        (
            {"ALLOWED_HOSTS": "   "},
            "ALLOWED_HOSTS must name at least one value (comma-separated), got '   '",
        ),
        (
            {"CSRF_TRUSTED_ORIGINS": ","},
            "CSRF_TRUSTED_ORIGINS must name at least one value (comma-separated), got ','",
        ),
        (
            {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/"},
            "DATABASE_URL must name the database after the host, as in "
            "postgres://user:password@host:5432/opo_portal",
        ),
        ({"GUNICORN_TIMEOUT": "soon"}, "GUNICORN_TIMEOUT must be a whole number, got 'soon'"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be at least 1, got 0"),
        ({"WEB_CONCURRENCY": "two"}, "WEB_CONCURRENCY must be a whole number, got 'two'"),
        # gunicorn bound localhost:8000 for a bare host, printed an OverflowError traceback
        # for a port beyond 65535 and its usage error for one that is no number.
        ({"BIND": "localhost"}, BIND_MESSAGE % "localhost"),
        ({"BIND": "127.0.0.1:99999"}, BIND_MESSAGE % "127.0.0.1:99999"),
        ({"BIND": ":abc"}, BIND_MESSAGE % ":abc"),
        ({"BIND": ":8000"}, BIND_MESSAGE % ":8000"),
        ({"BIND": "[::1]:http"}, BIND_MESSAGE % "[::1]:http"),
        ({"BIND": "unix:"}, BIND_MESSAGE % "unix:"),
        ({"BIND": "fd://x"}, BIND_MESSAGE % "fd://x"),
    ],
)
def test_web_refuses_a_bad_setting_in_one_line(env, message):
    assert_one_line(run_prod("web", **env), f"configuration error: {message}")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "CELERY_CONCURRENCY must be at least 1, got 0"),
        ("-1", "CELERY_CONCURRENCY must be at least 1, got -1"),
        ("two", "CELERY_CONCURRENCY must be a whole number, got 'two'"),
    ],
)
def test_worker_refuses_a_bad_concurrency_in_one_line(value, message):
    """Celery printed its usage text for "two", a traceback for -1, and took 0 for the
    CPU count without a word."""
    assert_one_line(run_prod("worker", CELERY_CONCURRENCY=value), f"configuration error: {message}")


def test_worker_runs_as_many_processes_as_celery_concurrency_says():
    """Read in settings.py (CELERY_WORKER_CONCURRENCY): a misspelt CELERY_* name is
    ignored by Celery without a word."""
    code = "from opo_portal.celery import app; print(app.conf.worker_concurrency)"
    result = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", code],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "CELERY_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.stdout, result.stderr) == ("3\n", "")


@pytest.mark.parametrize("url", ["sqlite:///var/db.sqlite3", "SQLite:////srv/opo.sqlite3"])
@pytest.mark.parametrize("role", ["release", "web", "worker", "beat", "all"])
def test_it_refuses_sqlite_in_every_role(role, url):
    """SQLite has no row locks and one writer at a time: the locks that keep consent
    decisions, takedowns and cases exact would lock nothing, and a second worker waits."""
    assert_one_line(
        run_prod(role, DATABASE_URL=url),
        "run-prod: DATABASE_URL must point at PostgreSQL in production, not SQLite",
    )


# Each started (the web role gunicorn, the others Celery) before: "*" answered for any
# host, a misspelt sslmode failed every request, an origin without scheme stopped `release`
# only (Django's 4_0.E001, a block of lines) and the other roles ran on.
PRODUCTION_REFUSALS = [
    (
        {"ALLOWED_HOSTS": "*"},
        "ALLOWED_HOSTS must name the portal's host names when DEBUG is false, not '*' "
        "(as in portal.example.nl, or .example.nl for a domain and its subdomains)",
    ),
    (
        {"DATABASE_URL": "postgres://x@127.0.0.1:1/x?sslmode=requir"},
        "DATABASE_URL's sslmode must be one of: disable, allow, prefer, require, verify-ca, "
        "verify-full; got 'requir'",
    ),
    (
        {"CSRF_TRUSTED_ORIGINS": "portal.example.org"},
        "CSRF_TRUSTED_ORIGINS values must start with a scheme (usually https://), "
        "as in https://portal.example.nl; got 'portal.example.org'",
    ),
]


@pytest.mark.parametrize("role", ["release", "web", "worker", "beat"])
@pytest.mark.parametrize(("env", "message"), PRODUCTION_REFUSALS)
def test_every_role_refuses_what_production_must_not_run_with(role, env, message):
    assert_one_line(run_prod(role, **env), f"configuration error: {message}")


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


@pytest.fixture
def database_behind_the_code():
    """A PostgreSQL database on which no migration ran: code newer than its database, as
    when new code is started before `deploy/run-prod release` migrated."""
    server = require_service("DATABASE_URL").rsplit("/", 1)[0]
    name = f"opo_behind_{uuid.uuid4().hex[:8]}"
    _on_the_server(server, f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    _on_the_server(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _on_the_server(server: str, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.mark.services
@pytest.mark.parametrize("role", ["web", "worker", "beat"])
def test_it_refuses_to_start_on_a_database_behind_the_code(role, database_behind_the_code):
    """Started anyway, web answered 500 on every page reading a table or column the
    migrations add, while /health/ said ok; worker and beat failed their tasks."""
    result = run_prod(role, DATABASE_URL=database_behind_the_code)
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("database behind the code: ") and "not applied" in line
    assert line.endswith("run `deploy/run-prod release` first")
    assert result.returncode == 2


@pytest.mark.services
@pytest.mark.parametrize("where", ["no such database", "nothing listening"])
def test_release_names_a_database_it_cannot_reach_in_one_line(where):
    """A mistyped database name, password or host in DATABASE_URL: migrate's traceback
    wall (Django's and psycopg's, some 40 lines) and exit 1 before; now the reason in one line."""
    server = require_service("DATABASE_URL").rsplit("/", 1)[0]
    url = f"{server}/opo_missing_{uuid.uuid4().hex[:8]}"
    database = {"DATABASE_URL": url} if where == "no such database" else {}  # else NOWHERE's
    result = run_prod("release", **database)
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("configuration error: DATABASE_URL: the database cannot be reached (")
    expected = "does not exist" if where == "no such database" else "Connection refused"
    assert expected in line and result.returncode == 2
    assert result.stdout == ""  # nothing was migrated, compiled or collected


@pytest.mark.services
def test_release_names_a_redis_database_the_server_lacks_in_one_line():
    """Redis has 16 databases unless told otherwise: /99 started every role, and only
    /health/ready (and every cache call and task) said "DB index is out of range"."""
    server = require_service("REDIS_URL").rsplit("/", 1)[0]
    result = run_prod("release", REDIS_URL=f"{server}/99")
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "configuration error: REDIS_URL: the Redis server has no database 99 "
        "(DB index is out of range)"
    ]
    assert result.returncode == 2 and result.stdout == ""


def test_make_prod_writes_no_line_of_its_own_before_the_log_lines(tmp_path):
    """`make prod` echoed its command ("deploy/run-prod all") as the first line of the
    production log: no time, no level, and no JSON object with LOG_FORMAT=json."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / ".installed-run").touch()  # newer than requirements.txt: no install
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}  # run-prod stops at once
    result = subprocess.run(  # noqa: S603 - our own Makefile
        ["make", "--no-print-directory", "prod", f"VENV={venv}"],  # noqa: S607
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "DATABASE_URL must be set" in result.stderr
    assert "deploy/run-prod all" not in result.stdout


def test_make_prod_writes_no_line_of_its_own_while_it_installs(tmp_path):
    """The first `make prod` (and the first after requirements.txt changed) echoed its
    install commands ("test -x .venv/bin/python || …", "… pip install -q -r
    requirements.txt", "touch …") as bare lines before the production log's own."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    _recording_python(venv / "bin" / "python", tmp_path / "calls")  # no mark: installs
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}  # run-prod stops at once
    result = subprocess.run(  # noqa: S603 - our own Makefile
        ["make", "--no-print-directory", "prod", f"VENV={venv}"],  # noqa: S607
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (tmp_path / "calls").read_text().splitlines() == [
        "-m pip install -q -r requirements.txt"
    ]
    assert result.returncode != 0 and "DATABASE_URL must be set" in result.stderr
    assert result.stdout == ""


def _recording_python(path: Path, log: Path) -> Path:
    """A python that writes its arguments to `log`, one call a line, and does nothing else;
    as `$(PYTHON)` it makes the venv (`-m venv DIR`) with a copy of itself in DIR/bin."""
    path.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$*" >> {log}\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi\n'
    )
    path.chmod(0o755)
    return path


def _make_installed_run(venv: Path, python: Path) -> list[str]:
    """`make`'s install step of `make prod` (and `make run`), with requirements.txt newer
    than the venv's mark (as in a fresh clone); the calls of python it made."""
    subprocess.run(  # noqa: S603 - our own Makefile
        [
            "make",
            "--no-print-directory",
            f"VENV={venv}",
            f"PYTHON={python}",
            f"{venv}/bin/.installed-run",
        ],  # noqa: S607
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return (python.parent / "calls").read_text().splitlines()


def test_make_prod_leaves_the_pip_of_an_existing_venv_alone(tmp_path):
    """A clone whose .venv is a link to a shared venv upgraded that venv's pip under every
    other checkout using it (the clone's requirements.txt is newer than the venv's mark)."""
    venv = tmp_path / "shared-venv"
    (venv / "bin").mkdir(parents=True)
    _recording_python(venv / "bin" / "python", tmp_path / "calls")

    calls = _make_installed_run(venv, tmp_path / "python3")

    assert calls == ["-m pip install -q -r requirements.txt"]
    assert (venv / "bin" / ".installed-run").exists()


def test_make_prod_brings_pip_up_to_date_in_a_venv_it_makes(tmp_path):
    venv = tmp_path / "new-venv"
    python = _recording_python(tmp_path / "python3", tmp_path / "calls")

    calls = _make_installed_run(venv, python)

    assert calls == [
        f"-m venv {venv}",
        "-m pip install -q --upgrade pip",
        "-m pip install -q -r requirements.txt",
    ]


def _fake_bin(tmp_path: Path, gunicorn: str) -> Path:
    """BIN for `run-prod all` without services: python runs ops.lines for real and does
    nothing else (checks, release); gunicorn is `gunicorn`; celery waits to be stopped."""
    import sys

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "python": f'[ "$1 $2" = "-m ops.lines" ] && exec {sys.executable} "$@"\nexit 0',
        "gunicorn": gunicorn,
        "celery": "exec sleep 60",
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f"#!/usr/bin/env bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def test_all_names_the_process_that_stopped_in_a_log_line(tmp_path):
    """When one of the three stopped, run-prod said "a process stopped; stopping the others"
    without naming it, and bash added "line 105: 9429 Killed "$0" web": two bare lines
    (no time, no level, no JSON object) where the partner looks for why the portal stopped."""
    env = {
        **os.environ,
        **REQUIRED,
        "LOG_FORMAT": "json",
        "BIN": str(_fake_bin(tmp_path, "sleep 1; kill -KILL $$")),
        **own_pidfile(),
    }
    result = subprocess.run(  # noqa: S603 - our own script
        [str(REPO / "deploy" / "run-prod"), "all"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = [json.loads(line) for line in (result.stdout + result.stderr).splitlines()]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("ERROR", "run-prod", "web stopped (killed by signal 9); stopping the others")
    ]


def _wait_for(condition, *, what: str, seconds: float = 30) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("hup_on_start", ["default", "ignored"])
def test_all_reloads_on_hup_and_stops_cleanly_on_term(tmp_path, hup_on_start):
    """The same loop keeps running through a reload and stops with exit 0 when asked;
    also when it was started with HUP ignored (nohup, a CI runner): bash cannot trap a
    signal ignored when it started, and a reload did nothing at all (CI's production
    smoke test, run under nohup, waited 180 s for it)."""
    import signal

    disposition = signal.SIG_DFL if hup_on_start == "default" else signal.SIG_IGN

    # Each process marks a file once its traps are set and again when it reloaded: the test
    # waits for those, not for fixed times (2 s, then 3 s, were too short on a loaded
    # machine: the HUP came before the reload's release had run).
    keeps_running = (
        f"trap 'echo reloaded; touch {tmp_path}/reloaded-$$' HUP; trap 'exit 0' TERM; "
        f"touch {tmp_path}/started-$$; while :; do sleep 0.1; done"
    )
    env = {
        **os.environ,
        **REQUIRED,
        "LOG_FORMAT": "json",
        "BIN": str(_fake_bin(tmp_path, keeps_running)),
        **own_pidfile(),
    }
    (tmp_path / "bin" / "celery").write_text(f"#!/usr/bin/env bash\n{keeps_running}\n")
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(REPO / "deploy" / "run-prod"), "all"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group, to end all of it whatever happens
        # whatever started the tests (nohup, say): as under systemd, or as under nohup
        preexec_fn=lambda: signal.signal(signal.SIGHUP, disposition),
    )
    try:
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 3, what="all three started")
        process.send_signal(signal.SIGHUP)
        _wait_for(lambda: list(tmp_path.glob("reloaded-*")), what="gunicorn reloaded")
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 5, what="worker, beat again")
        assert process.poll() is None
        process.terminate()
        out, err = process.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):  # run-prod and all it started
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0
    assert out.splitlines() == ["reloaded"] and err == ""


def test_a_failed_release_on_hup_says_the_code_on_disk_must_go_back(tmp_path):
    """Tried on a portal in use (README "Upgrading a portal in use"): after a failed
    release the processes kept the previous version, but gunicorn's next recycled worker
    imported the new code on disk; it did not boot, gunicorn stopped and run-prod stopped
    everything. "release failed; not reloading" alone read as "nothing to do"."""
    import signal

    keeps_running = f"trap 'exit 0' TERM; touch {tmp_path}/started-$$; while :; do sleep 0.1; done"
    bin_dir = _fake_bin(tmp_path, keeps_running)
    (bin_dir / "celery").write_text(f"#!/usr/bin/env bash\n{keeps_running}\n")
    # The first release passes; after the new version is "in place", migrate fails.
    (bin_dir / "python").write_text(
        "#!/usr/bin/env bash\n"
        f'[ "$1 $2" = "-m ops.lines" ] && exec {sys.executable} "$@"\n'
        f'if [ "$1 $2" = "manage.py migrate" ] && [ -e {tmp_path}/new-version ]; then\n'
        f"  touch {tmp_path}/release-failed; exit 1\nfi\nexit 0\n"
    )
    env = {**os.environ, **REQUIRED, "LOG_FORMAT": "json", "BIN": str(bin_dir), **own_pidfile()}
    err_path = tmp_path / "err"
    with err_path.open("w") as err:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [str(REPO / "deploy" / "run-prod"), "all"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            text=True,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
        )
    try:
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 3, what="all three started")
        (tmp_path / "new-version").touch()
        process.send_signal(signal.SIGHUP)
        _wait_for(lambda: "release failed" in err_path.read_text(), what="the failed release")
        assert process.poll() is None  # the previous version keeps running
        process.terminate()
        process.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    lines = [json.loads(line) for line in err_path.read_text().splitlines()]
    (line,) = [line for line in lines if "release failed" in line["message"]]
    assert line["level"] == "ERROR"
    assert "put the previous version back" in line["message"], line["message"]


def _checkout(tmp_path: Path, name: str) -> Path:
    """A checkout of its own for `run-prod all` (its deploy/run-prod; the rest of the code
    from this one): its var/run-prod.pid is nobody else's."""
    checkout = tmp_path / name
    (checkout / "deploy").mkdir(parents=True)
    shutil.copy2(REPO / "deploy" / "run-prod", checkout / "deploy" / "run-prod")
    return checkout


def _start_all(checkout: Path, env: dict) -> subprocess.Popen:
    import signal

    return subprocess.Popen(  # noqa: S603 - our own script
        [str(checkout / "deploy" / "run-prod"), "all"],
        env={**env, "PYTHONPATH": str(REPO)},  # for ops.lines
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )


def _end(process: subprocess.Popen) -> tuple[str, str]:
    """Stops `run-prod all` as systemd does (TERM); its output. Killed with all it started
    should it not stop."""
    import signal

    try:
        process.terminate()
        return process.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()


def _keeps_running_env(tmp_path: Path) -> dict:
    keeps_running = (
        f"trap 'echo reloaded; touch {tmp_path}/reloaded-$$' HUP; trap 'exit 0' TERM; "
        f"touch {tmp_path}/started-$$; while :; do sleep 0.1; done"
    )
    bin_dir = _fake_bin(tmp_path, keeps_running)
    (bin_dir / "celery").write_text(f"#!/usr/bin/env bash\n{keeps_running}\n")
    env = {k: v for k, v in os.environ.items() if k != "RUN_PROD_PIDFILE"}
    return {**env, **REQUIRED, "LOG_FORMAT": "json", "BIN": str(bin_dir)}


def test_all_writes_its_pid_in_its_checkout_for_a_reload_of_this_portal_only(tmp_path):
    """README's reload was `kill -HUP $(pgrep -f 'deploy/run-prod all')`: every run-prod
    all on the machine, a staging clone's beside production too. Now `kill -HUP "$(cat
    var/run-prod.pid)"` in the checkout; the file goes when run-prod stops."""
    import signal

    production, staging = _checkout(tmp_path, "production"), _checkout(tmp_path, "staging")
    env = _keeps_running_env(tmp_path)
    process = _start_all(production, env)
    beside = _start_all(staging, env)
    try:
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 6, what="both started")
        pidfile = production / "var" / "run-prod.pid"
        assert pidfile.read_text() == f"{process.pid}\n"
        assert (staging / "var" / "run-prod.pid").read_text() == f"{beside.pid}\n"
        os.kill(int(pidfile.read_text()), signal.SIGHUP)
        _wait_for(lambda: list(tmp_path.glob("reloaded-*")), what="gunicorn reloaded")
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 8, what="worker, beat again")
        assert process.poll() is None and beside.poll() is None
    finally:
        out, err = _end(process)
        staging_out, staging_err = _end(beside)
    assert (process.returncode, out, err) == (0, "reloaded\n", "")
    assert (beside.returncode, staging_out, staging_err) == (0, "", "")  # not reloaded
    assert not pidfile.exists()
    assert not (staging / "var" / "run-prod.pid").exists()


def test_all_refuses_a_second_start_in_the_same_checkout_in_one_line(tmp_path):
    checkout = _checkout(tmp_path, "portal")
    env = _keeps_running_env(tmp_path)
    process = _start_all(checkout, env)
    try:
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 3, what="all three started")
        second = subprocess.run(  # noqa: S603 - our own script
            [str(checkout / "deploy" / "run-prod"), "all"],
            env={**env, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert process.poll() is None
        assert (checkout / "var" / "run-prod.pid").read_text() == f"{process.pid}\n"
    finally:
        out, err = _end(process)
    assert len(list(tmp_path.glob("started-*"))) == 3  # the second started nothing
    assert second.returncode == 2 and second.stdout == ""
    assert second.stderr.splitlines() == [
        f"run-prod: deploy/run-prod all already runs in this checkout (process {process.pid}, "
        f"in var/run-prod.pid); stop it first, or reload it: "
        f'kill -HUP "$(cat var/run-prod.pid)"'
    ]
    assert (process.returncode, err) == (0, "")


@pytest.mark.parametrize("left_by", ["a process that ended", "a process that is no run-prod"])
def test_all_takes_over_a_pid_file_left_by_one_that_was_killed(tmp_path, left_by):
    """Killed (kill -9, a power cut), run-prod leaves its file behind; its number may since
    belong to another process."""
    checkout = _checkout(tmp_path, "portal")
    other = subprocess.Popen(["sleep", "60"])  # noqa: S607
    try:
        if left_by == "a process that ended":
            other.kill()
            other.wait()
        (checkout / "var").mkdir()
        (checkout / "var" / "run-prod.pid").write_text(f"{other.pid}\n")
        process = _start_all(checkout, _keeps_running_env(tmp_path))
        try:
            _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 3, what="all started")
            assert (checkout / "var" / "run-prod.pid").read_text() == f"{process.pid}\n"
        finally:
            out, err = _end(process)
    finally:
        other.kill()
        other.wait()
    assert (process.returncode, err) == (0, "")
    assert not (checkout / "var" / "run-prod.pid").exists()


@pytest.mark.services
@pytest.mark.parametrize("role", ["web", "worker", "beat"])
def test_every_role_names_a_redis_database_the_server_lacks_in_one_line(role):
    """Checked by `release` alone, a worker started on /99 retried its broker for ever and
    web answered every page with "try again"."""
    server = require_service("REDIS_URL").rsplit("/", 1)[0]
    assert_one_line(
        run_prod(role, REDIS_URL=f"{server}/99"),
        "configuration error: REDIS_URL: the Redis server has no database 99 "
        "(DB index is out of range)",
    )


def _worker_ignoring_term_env(tmp_path: Path) -> dict:
    """web and beat stop on SIGTERM; the worker ignores it, as a Celery worker hung in its
    warm shutdown did, with a process of its own (its pool) that ignores it too."""
    keeps_running = f"touch {tmp_path}/started-$$; while :; do sleep 0.1; done"
    bin_dir = _fake_bin(tmp_path, f"trap 'exit 0' TERM; {keeps_running}")
    (bin_dir / "celery").write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$4" = worker ]; then\n'
        f"  trap '' TERM; sleep 600 & echo $! >{tmp_path}/pool-$$\n"
        "else\n  trap 'exit 0' TERM\nfi\n"
        f"{keeps_running}\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "RUN_PROD_PIDFILE"}
    return {**env, **REQUIRED, "LOG_FORMAT": "json", "BIN": str(bin_dir)}


def _running(pid: int) -> bool:
    """Running, not a zombie left for an init that does not reap."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _pools(tmp_path: Path) -> list[int]:
    return [int(path.read_text()) for path in tmp_path.glob("pool-*")]


KILLED_WORKER = (
    "worker did not stop within 2 s of SIGTERM; killed (SIGKILL) with the processes it started"
)


def _warnings(err: str) -> list[str]:
    lines = [json.loads(line) for line in err.splitlines()]
    assert {line["level"] for line in lines} <= {"WARNING"}, err
    return [line["message"] for line in lines]


def test_all_kills_a_process_that_does_not_stop_within_the_stop_timeout(tmp_path):
    """Stopped with SIGTERM, run-prod all waited for its three for ever: after a reload in
    CI (2026-12-07) a Celery worker hung in its warm shutdown and kept `all` running for
    seven minutes until it was killed by hand. Now it is killed RUN_PROD_STOP_TIMEOUT
    seconds after its SIGTERM, its pool with it, and the stop is still a success."""
    checkout = _checkout(tmp_path, "portal")
    process = _start_all(
        checkout, {**_worker_ignoring_term_env(tmp_path), "RUN_PROD_STOP_TIMEOUT": "2"}
    )
    try:
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 3, what="all three started")
        _wait_for(lambda: _pools(tmp_path), what="the worker's pool started")
    finally:
        out, err = _end(process)  # SIGTERM to run-prod only, as systemd's KillMode=mixed
    assert process.returncode == 0
    assert _warnings(err) == [KILLED_WORKER]
    (pool,) = _pools(tmp_path)
    _wait_for(lambda: not _running(pool), what="the pool killed", seconds=5)
    assert not (checkout / "var" / "run-prod.pid").exists()


def test_a_reload_starts_a_new_worker_when_the_old_one_does_not_stop(tmp_path):
    """The reload waited for the old worker as long as it ran: hung, no new worker started
    and no task ran again, while run-prod looked healthy."""
    import signal

    checkout = _checkout(tmp_path, "portal")
    process = _start_all(
        checkout, {**_worker_ignoring_term_env(tmp_path), "RUN_PROD_STOP_TIMEOUT": "2"}
    )
    try:
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 3, what="all three started")
        _wait_for(lambda: _pools(tmp_path), what="the worker's pool started")
        (old_pool,) = _pools(tmp_path)
        process.send_signal(signal.SIGHUP)
        _wait_for(lambda: len(list(tmp_path.glob("started-*"))) >= 5, what="worker, beat again")
        assert not _running(old_pool)
        assert process.poll() is None
    finally:
        out, err = _end(process)
    assert process.returncode == 0
    assert _warnings(err) == [KILLED_WORKER] * 2  # at the reload, and the new one at the stop


@pytest.mark.parametrize("value", ["0", "abc", "2.5", "-1", "1234567"])
def test_all_refuses_a_bad_stop_timeout_in_one_line(tmp_path, value):
    checkout = _checkout(tmp_path, "portal")
    result = subprocess.run(  # noqa: S603 - our own script
        [str(checkout / "deploy" / "run-prod"), "all"],
        env={
            **_keeps_running_env(tmp_path),
            "PYTHONPATH": str(REPO),
            "RUN_PROD_STOP_TIMEOUT": value,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "run-prod: RUN_PROD_STOP_TIMEOUT must be a whole number of seconds, 1 or more "
        f'(not "{value}")'
    ]
    assert not list(tmp_path.glob("started-*"))
    assert not (checkout / "var").exists()
