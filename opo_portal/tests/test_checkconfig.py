"""A configuration error is one line on stderr and exit 2, never a traceback (issue 16).

Each case runs manage.py or `python -m opo_portal.checkconfig` in a fresh process, so
settings.py reads the environment as in production. None of them reaches a database but
those at the end (a database manage.py cannot reach, or one not migrated).
deploy/run-prod's roles (gunicorn, Celery) are tested in ops/tests/test_run_prod.py.
"""

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import require_service, run_stopped_after_a_minute

ROOT = Path(__file__).resolve().parents[2]
SHORT_SECRET = {"DEBUG": "false", "SECRET_KEY": "change-me"}  # as in .env.example
SHORT_SECRET_MESSAGE = "SECRET_KEY must be at least 50 characters when DEBUG is false"

DATABASE_NAME_MESSAGE = (
    "DATABASE_URL must name the database after the host, as in "
    "postgres://user:password@host:5432/opo_portal"
)
HOSTS_MESSAGE = "ALLOWED_HOSTS takes host names only, without scheme, port or path; got '%s'"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "production-test-key-" + "0123456789abcdef" * 2}
ANY_HOST_MESSAGE = (
    "ALLOWED_HOSTS must name the portal's host names when DEBUG is false, not '*' "
    "(as in portal.example.nl, or .example.nl for a domain and its subdomains)"
)
ALLOWED_HOSTS_UNSET_MESSAGE = (
    "ALLOWED_HOSTS must be set when DEBUG is false: the portal's host names, "
    "as in portal.example.nl"
)
HOST_PATTERN_MESSAGE = (
    "ALLOWED_HOSTS matches subdomains with a leading dot (.example.nl), never with '*'; got '%s'"
)
SSLMODE_MESSAGE = (
    "DATABASE_URL's sslmode must be one of: disable, allow, prefer, require, verify-ca, "
    "verify-full; got '%s'"
)
ORIGINS_MESSAGE = (
    "CSRF_TRUSTED_ORIGINS values must start with a scheme (usually https://), "
    "as in https://portal.example.nl; got '%s'"
)

SENDER_MISSING_MESSAGE = (
    "DEFAULT_FROM_EMAIL must be set when DEBUG is false and e-mail goes out by SMTP: "
    "the sender of every e-mail, an address of your own domain, as in "
    "OPO Portal <noreply@opo-borger-odoorn.nl>"
)
SITE_URL_ROOT_MESSAGE = (
    "SITE_URL is the portal's address only, scheme and host, as in "
    "https://portal.opo-borger-odoorn.nl: the portal answers at the root of its host; got %s"
)
SENTRY_MESSAGE = "SENTRY_DSN is not a Sentry DSN, as in https://key@sentry.example.org/1 (%s)"

BAD_CONFIGURATIONS = [
    (SHORT_SECRET, SHORT_SECRET_MESSAGE),
    ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is false"),
    ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
    (
        {"DATABASE_URL": "mysql://opo:hunter2@db/opo"},
        "DATABASE_URL must start with one of: postgres, postgresql, sqlite; got 'mysql'",
    ),
    ({"DEBUG": "maybe"}, "DEBUG must be a boolean (true/false), got 'maybe'"),
    ({"PHOTO_MAX_SIDE": "big"}, "PHOTO_MAX_SIDE must be a whole number, got 'big'"),
    # WhiteNoise serves every file of STATIC_ROOT: the clone's .env (with the secrets) too.
    (
        {"STATIC_ROOT": "."},
        f"STATIC_ROOT must be a directory of its own for the collected static files, as in "
        f"{ROOT / 'var' / 'static'}; '{ROOT}' holds the portal's code and .env, which it "
        "would serve",
    ),
    # No floor: 0 (or -5) was accepted, and every feed then failed as "response larger
    # than 0 bytes" until the board was e-mailed about each source.
    (
        {"MONITORING_MAX_RESPONSE_BYTES": "0"},
        "MONITORING_MAX_RESPONSE_BYTES must be at least 1024, got 0",
    ),
    (
        {"EMAIL_URL": "smtp://mail.example:abc"},
        "EMAIL_URL has a port that is not a number from 0 to 65535",
    ),
    (
        {"EMAIL_URL": "smtp://mail.example:25?tls=maybe"},
        "EMAIL_URL's tls option must be a boolean (true/false), got 'maybe'",
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
        {"ALLOWED_HOSTS": ""},
        "ALLOWED_HOSTS must name at least one value (comma-separated), got ''",
    ),
    (
        {"SITE_URL": "portal.example.org"},  # e-mails would link to "portal.example.org/…"
        "SITE_URL must start with one of: http, https; got ''",
    ),
    # e-mailed links are SITE_URL + the page's path: under a path, every one was a 404
    (
        {"SITE_URL": "https://portal.example.org/portaal/"},
        SITE_URL_ROOT_MESSAGE % "https://portal.example.org/portaal/",
    ),
    (
        {"SITE_URL": "https://portal.example.org?x=1"},
        SITE_URL_ROOT_MESSAGE % "https://portal.example.org",
    ),
    ({"SITE_URL": "https:///toestemming"}, SITE_URL_ROOT_MESSAGE % "https:///toestemming"),
    # smtp:// alone sent to localhost, where no mail server listens: every e-mail failed
    (
        {"EMAIL_URL": "smtp://"},
        "EMAIL_URL must name the mail server, as in smtp://user:password@mail.example.nl:587",
    ),
    # the TLS of the port and of the scheme disagree: every e-mail waited EMAIL_TIMEOUT for
    # a greeting that never came ("Connection unexpectedly closed: timed out"), or failed
    # with "[SSL: WRONG_VERSION_NUMBER]", and the outbox retried it for hours
    (
        {"EMAIL_URL": "smtp://user:secret@mail.example.nl:465"},
        "EMAIL_URL: port 465 speaks TLS from the first byte: write smtps://…:465 "
        "(smtp:// starts in plain text and turns on STARTTLS, for port 587 or 25)",
    ),
    (
        {"EMAIL_URL": "smtps://user:secret@mail.example.nl:587"},
        "EMAIL_URL: port 587 starts in plain text and turns on STARTTLS: write smtp://…:587 "
        "(smtps:// speaks TLS from the first byte, for port 465)",
    ),
    # two senders: mail relays refuse a From of two addresses
    (
        {"DEFAULT_FROM_EMAIL": "noreply@example.nl, info@example.nl"},
        "DEFAULT_FROM_EMAIL must be one e-mail address, as in "
        "OPO Portal <noreply@opo-borger-odoorn.nl>; got 'noreply@example.nl, info@example.nl'",
    ),
    (
        {"CSRF_TRUSTED_ORIGINS": ","},
        "CSRF_TRUSTED_ORIGINS must name at least one value (comma-separated), got ','",
    ),
    # No database name: psycopg's ImproperlyConfigured at the first query, a traceback wall
    # from `run-prod web` (its migration check) and from every gunicorn worker.
    ({"DATABASE_URL": "postgres://opo:hunter2@db:5432/"}, DATABASE_NAME_MESSAGE),
    ({"DATABASE_URL": "postgres://opo:hunter2@db"}, DATABASE_NAME_MESSAGE),
    # SITE_URL copied into ALLOWED_HOSTS: every page a 400 while /health/ said ok.
    ({"ALLOWED_HOSTS": "https://portal.example.org"}, HOSTS_MESSAGE % "https://portal.example.org"),
    ({"ALLOWED_HOSTS": "portal.example.org/"}, HOSTS_MESSAGE % "portal.example.org/"),
    (
        {"ALLOWED_HOSTS": "a.example.org,portal.example.org:443"},
        HOSTS_MESSAGE % "portal.example.org:443",
    ),
    # Any host in production: the portal answers for whatever name a request gives, so
    # links built from the request (password reset) can point at an attacker's host.
    ({**PRODUCTION, "ALLOWED_HOSTS": "*"}, ANY_HOST_MESSAGE),
    ({**PRODUCTION, "ALLOWED_HOSTS": "portal.example.nl, *"}, ANY_HOST_MESSAGE),
    # Unset, it fell back to the development hosts (127.0.0.1, localhost): gunicorn started
    # by hand answered every request through the proxy with 400, and with SITE_URL set the
    # line blamed SITE_URL instead.
    (PRODUCTION, ALLOWED_HOSTS_UNSET_MESSAGE),
    ({**PRODUCTION, "SITE_URL": "https://portal.example.nl"}, ALLOWED_HOSTS_UNSET_MESSAGE),
    # Django knows no glob: "*.example.nl" matches nothing, every page a 400.
    ({"ALLOWED_HOSTS": "*.example.nl"}, HOST_PATTERN_MESSAGE % "*.example.nl"),
    # A misspelt sslmode started, and every request failed ("invalid sslmode value").
    (
        {"DATABASE_URL": "postgres://opo:hunter2@db:5432/opo_portal?sslmode=requir"},
        SSLMODE_MESSAGE % "requir",
    ),
    # ... and so did an option libpq does not know (psycopg's "invalid dsn" per request).
    (
        {"DATABASE_URL": "postgres://opo:hunter2@db:5432/opo_portal?sslmod=require"},
        "DATABASE_URL has an option PostgreSQL does not know: 'sslmod'",
    ),
    # A beat or worker called stale between two heartbeats: /health/ready a 503 most of
    # the time, and a load balancer or orchestrator restarting healthy processes.
    (
        {"HEALTH_HEARTBEAT_SECONDS": "30", "HEALTH_BEAT_STALE_SECONDS": "30"},
        "HEALTH_BEAT_STALE_SECONDS must be greater than HEALTH_HEARTBEAT_SECONDS (30); got 30",
    ),
    (
        {"HEALTH_HEARTBEAT_SECONDS": "300"},
        "HEALTH_BEAT_STALE_SECONDS must be greater than HEALTH_HEARTBEAT_SECONDS (300); got 180",
    ),
    (
        {"HEALTH_WORKER_STALE_SECONDS": "10"},
        "HEALTH_WORKER_STALE_SECONDS must be greater than HEALTH_HEARTBEAT_SECONDS (30); got 10",
    ),
    # Without a scheme Django refused it at `release` only (its check 4_0.E001).
    ({"CSRF_TRUSTED_ORIGINS": "portal.example.nl"}, ORIGINS_MESSAGE % "portal.example.nl"),
    (
        {"CSRF_TRUSTED_ORIGINS": "https://portal.example.nl,www.example.nl"},
        ORIGINS_MESSAGE % "www.example.nl",
    ),
    # E-mailed links that go out over plain HTTP, or to a host every request of is a 400.
    (
        {
            **PRODUCTION,
            "ALLOWED_HOSTS": "portal.example.nl",
            "SITE_URL": "http://portal.example.nl",
        },
        "SITE_URL must start with https:// when DEBUG is false (links in e-mails would go "
        "out over plain HTTP); got 'http://portal.example.nl'",
    ),
    (
        {
            **PRODUCTION,
            "ALLOWED_HOSTS": "portal.example.nl",
            "SITE_URL": "https://portaal.example.nl",
        },
        "SITE_URL's host 'portaal.example.nl' is not in ALLOWED_HOSTS: every link in an "
        "e-mail would answer 400",
    ),
    # Celery stopped with "Database is int between 0 and limit - 1, not x"; the cache
    # failed quietly on every call.
    (
        {"REDIS_URL": "redis://127.0.0.1:6379/x"},
        "REDIS_URL must end with a database number, as in redis://127.0.0.1:6379/0; got '/x'",
    ),
    # Unset, every e-mail went out from noreply@opo-borger-odoorn.example, which a mail
    # relay refuses or marks as spam; README's list of settings did not name it.
    ({**PRODUCTION, "EMAIL_URL": "smtp://mail.example.nl:587"}, SENDER_MISSING_MESSAGE),
    (
        {**PRODUCTION, "EMAIL_URL": "smtps://mail.example.nl", "DEFAULT_FROM_EMAIL": " "},
        SENDER_MISSING_MESSAGE,
    ),
    (
        {"DEFAULT_FROM_EMAIL": "OPO Portal"},
        "DEFAULT_FROM_EMAIL must be an e-mail address, as in "
        "OPO Portal <noreply@opo-borger-odoorn.nl>; got 'OPO Portal'",
    ),
    # sentry_sdk's BadDsn was a traceback from every process, gunicorn workers included.
    ({"SENTRY_DSN": "sentry.example.org"}, SENTRY_MESSAGE % "Unsupported scheme ''"),
    ({"SENTRY_DSN": "https://sentry.example.org/1"}, SENTRY_MESSAGE % "Missing public key"),
]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return _run(str(ROOT / "manage.py"), *args, **env)


def assert_one_line(result: subprocess.CompletedProcess, message: str) -> None:
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"configuration error: {message}"]
    assert result.returncode == 2


@pytest.mark.parametrize(("env", "message"), BAD_CONFIGURATIONS)
def test_it_names_a_bad_setting_in_one_line(env, message):
    assert_one_line(_manage("check", **env), message)


@pytest.mark.parametrize(
    "command",
    [
        ["migrate", "--noinput"],
        ["compile_translations"],
        ["health"],
        ["shell", "-c", "from schools.models import Pupil"],
    ],
)
def test_it_names_a_bad_setting_in_one_line_for_every_command(command):
    assert_one_line(_manage(*command, **SHORT_SECRET), SHORT_SECRET_MESSAGE)


@pytest.mark.parametrize(("env", "message"), BAD_CONFIGURATIONS)
def test_checkconfig_names_a_bad_setting_in_one_line(env, message):
    assert_one_line(_run("-m", "opo_portal.checkconfig", **env), message)


GOOD_PRODUCTION = {
    **PRODUCTION,
    # a subdomain wildcard, addresses
    "ALLOWED_HOSTS": "portal.example.org,.example.nl,10.0.0.7,[::1]",
    "SITE_URL": "https://portal.example.nl/",  # under .example.nl
    "DATABASE_URL": "postgres://opo:hunter2@db:5432/opo_portal?sslmode=verify-full&connect_timeout=5",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org,https://*.example.nl",
    "REDIS_URL": "rediss://:hunter2@redis.example.nl:6380/2",
    "EMAIL_URL": "smtp://mail.example.nl:587",
    "DEFAULT_FROM_EMAIL": "OPO Portal <noreply@example.nl>",
}


@pytest.mark.parametrize(
    "env",
    [
        GOOD_PRODUCTION,
        {**GOOD_PRODUCTION, "CSRF_TRUSTED_ORIGINS": ""},
        # A deliberately plain-HTTP portal (an intranet without TLS) may link over HTTP.
        {**GOOD_PRODUCTION, "SECURE_SSL_REDIRECT": "false", "SITE_URL": "http://10.0.0.7"},
        {"ALLOWED_HOSTS": "*"},  # development (DEBUG on): any host
        # trying it out: no sender needed
        {**PRODUCTION, "ALLOWED_HOSTS": "portal.example.nl", "EMAIL_URL": "console://"},
        {"REDIS_URL": "redis://127.0.0.1:6379"},  # database 0
    ],
)
def test_checkconfig_is_silent_on_a_good_configuration(env):
    result = _run("-m", "opo_portal.checkconfig", **env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_it_keeps_the_traceback_of_an_error_in_code():
    """Raised after the settings were read, ImproperlyConfigured is a bug, not the environment."""
    code = "from django.core.exceptions import ImproperlyConfigured as E; raise E('from code')"
    result = _manage("shell", "-c", code)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "configuration error" not in result.stderr


def test_it_keeps_the_traceback_of_other_exceptions():
    result = _manage("shell", "-c", "1 / 0")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr


# --- Started by hand, outside deploy/run-prod ----------------------------------------

BIN = Path(sys.executable).parent
GUNICORN_LOG_LINE = re.compile(r"\[[^]]+\] \[\d+\] \[[A-Z]+\] ")


def _started_by_hand(*command: str, **env: str) -> subprocess.CompletedProcess:
    """A process that keeps running (gunicorn respawning a worker that exits with a code
    it does not know) is stopped after a minute with its children, and the test fails."""
    return run_stopped_after_a_minute(
        command,
        failure=f"{command[0]} kept running with a bad configuration",
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
    )


@pytest.mark.parametrize("preload", [[], ["--preload"]])
def test_gunicorn_started_by_hand_names_a_bad_setting_in_one_line(preload):
    """The worker exits with gunicorn's "App failed to load" code (4), so the master stops
    instead of booting a new worker for ever; gunicorn's own log lines stay."""
    result = _gunicorn_by_hand("--workers=1", *preload)
    assert "Traceback" not in result.stderr
    ours = [line for line in result.stderr.splitlines() if not GUNICORN_LOG_LINE.match(line)]
    assert ours and set(ours) == {f"configuration error: {SHORT_SECRET_MESSAGE}"}
    assert result.returncode == 4


def test_gunicorn_with_several_workers_stops_and_names_the_bad_setting():
    """Workers that fail at once race in gunicorn's arbiter: the second one's exit can
    interrupt the halt of the first, and gunicorn then prints its own HaltServer traceback
    and exits 1. It still stops, and our line is there for every worker."""
    result = _gunicorn_by_hand("--workers=3")
    assert result.returncode in (1, 4)
    ours = [line for line in result.stderr.splitlines() if line.startswith("configuration error")]
    assert ours and set(ours) == {f"configuration error: {SHORT_SECRET_MESSAGE}"}


def _gunicorn_by_hand(*options: str) -> subprocess.CompletedProcess:
    return _started_by_hand(
        str(BIN / "gunicorn"),
        "--bind=127.0.0.1:0",
        *options,
        "opo_portal.wsgi:application",
        **SHORT_SECRET,
    )


@pytest.mark.parametrize("command", [["worker"], ["beat"], ["inspect", "ping"]])
def test_celery_started_by_hand_names_a_bad_setting_in_one_line(command):
    result = _started_by_hand(str(BIN / "celery"), "-A", "opo_portal", *command, **SHORT_SECRET)
    assert_one_line(result, SHORT_SECRET_MESSAGE)


def test_gunicorn_started_by_hand_names_a_bad_number_of_its_config_file_in_one_line():
    result = _started_by_hand(
        str(BIN / "gunicorn"),
        "--config=deploy/gunicorn.conf.py",
        "--bind=127.0.0.1:0",
        "opo_portal.wsgi:application",
        GUNICORN_TIMEOUT="soon",
    )
    assert_one_line(result, "GUNICORN_TIMEOUT must be a whole number, got 'soon'")


UNLOADED_ENV_MESSAGE = (
    "manage.py: DATABASE_URL is not set, so this command runs on the development database "
    "in var/ (SQLite), not on the one .env names; load .env first: set -a; . ./.env; set +a"
)


def _manage_py_beside(env_file: str | None, tmp_path: Path, **env: str):
    """manage.py run from a copy in tmp_path, with `env_file` as the .env beside it."""
    (tmp_path / "manage.py").write_text((ROOT / "manage.py").read_text())
    if env_file is not None:
        (tmp_path / ".env").write_text(env_file)
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(tmp_path / "manage.py"), "--version"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_manage_py_says_when_the_env_file_beside_it_is_not_loaded(tmp_path):
    """On the server the partner runs `manage.py createsuperuser` (or import_pupils, health)
    in a shell without .env loaded: it ran on a new, empty var/db.sqlite3 and answered with
    a traceback ("no such table: accounts_user") or "no school with code …"."""
    result = _manage_py_beside("DATABASE_URL=postgres://opo:x@127.0.0.1/opo_portal\n", tmp_path)
    assert result.returncode == 0
    assert result.stderr.strip() == UNLOADED_ENV_MESSAGE


@pytest.mark.parametrize(
    ("env_file", "env"),
    [
        (None, {}),
        ("POSTGRES_PASSWORD=x\n", {}),  # compose's .env: compose.yaml sets DATABASE_URL
        ("DATABASE_URL=postgres://opo:x@127.0.0.1/opo_portal\n", {"DATABASE_URL": "sqlite://"}),
    ],
)
def test_manage_py_is_silent_without_an_env_file_to_load(env_file, env, tmp_path):
    result = _manage_py_beside(env_file, tmp_path, **env)
    assert result.returncode == 0 and result.stderr == ""


def test_manage_py_says_it_when_the_env_file_is_not_utf8(tmp_path):
    """A .env saved in Latin-1 (a password with 'é') was a UnicodeDecodeError traceback from
    every manage.py command without .env loaded; one the user cannot read (mode 600, owned
    by opo, run by a colleague) a PermissionError traceback."""
    (tmp_path / ".env").write_bytes(b"SECRET_KEY=caf\xe9\nDATABASE_URL=postgres://x@h/db\n")
    result = _manage_py_beside(None, tmp_path)
    assert result.returncode == 0
    assert result.stderr.strip() == UNLOADED_ENV_MESSAGE


# --- manage.py on a database it cannot use --------------------------------------------

CREATESUPERUSER = ["createsuperuser", "--noinput", "--email", "it@example.org"]


def assert_one_line_starting(result: subprocess.CompletedProcess, start: str) -> str:
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(start), line
    assert result.returncode == 2
    return line


@pytest.mark.parametrize(
    "command",
    [CREATESUPERUSER, ["import_pupils", "pupils.csv", "--school", "vlindertuin"], ["shell"]],
)
def test_manage_py_names_a_database_not_migrated_in_one_line(tmp_path, command):
    """README has the IT partner run `manage.py createsuperuser` (and import_pupils); in a
    shell without .env loaded that is a new, empty SQLite file in var/: Django's traceback
    ending in "no such table: accounts_user"."""
    (tmp_path / "pupils.csv").write_text("voornaam;achternaam;groep\n")
    shell = {"input": "from accounts.models import User; User.objects.count()"}
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *command],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
        capture_output=True,
        text=True,
        timeout=120,
        **(shell if command == ["shell"] else {"stdin": subprocess.DEVNULL}),
    )
    line = assert_one_line_starting(result, "database behind the code: ")
    assert " migrations not applied (contenttypes.0001_initial, " in line
    assert line.endswith("run `manage.py migrate` first (on the server: `deploy/run-prod release`)")


@pytest.mark.services
@pytest.mark.parametrize("where", ["no such database", "nothing listening"])
def test_manage_py_names_a_database_it_cannot_reach_in_one_line(where):
    """A mistyped name, password or host in DATABASE_URL: psycopg's traceback, some 40 lines."""
    server = require_service("DATABASE_URL").rsplit("/", 1)[0]
    if where == "nothing listening":
        server = "postgres://opo@127.0.0.1:1"
    url = f"{server}/opo_missing_{uuid.uuid4().hex[:8]}"
    result = _manage(*CREATESUPERUSER, DATABASE_URL=url)
    line = assert_one_line_starting(
        result, "configuration error: DATABASE_URL: the database cannot be reached ("
    )
    assert ("does not exist" if where == "no such database" else "Connection refused") in line


@pytest.mark.django_db(transaction=True)
def test_manage_py_keeps_the_traceback_of_a_database_error_in_code():
    """On a database it reaches and that is migrated, a database error is the code's."""
    from django.db import DatabaseError, connection

    from opo_portal.checkconfig import database_errors_as_one_line

    with pytest.raises(DatabaseError), database_errors_as_one_line(), connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM accounts_user")


def test_manage_py_migrate_keeps_the_traceback_of_a_migration_that_fails(tmp_path):
    """A migration that fails leaves the database behind the code; "run `manage.py
    migrate` first" would send the IT partner round in a circle without saying why."""
    import sqlite3

    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as made:  # in the way of the first migration
        made.execute("CREATE TABLE django_content_type (id integer)")
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    assert "database behind the code" not in result.stderr
    assert "Traceback" in result.stderr
    assert "django_content_type" in result.stderr
