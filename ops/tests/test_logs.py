import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.module_loading import import_string

from conftest import require_service
from ops.logs import JsonFormatter, TextFormatter
from ops.tests.failing_search import SEARCH, break_the_pupil_search, teacher_client

REPO = Path(__file__).resolve().parents[2]


def test_it_writes_one_json_object_per_record():
    record = logging.LogRecord("consent", logging.WARNING, __file__, 1, "pupil %d", (7,), None)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "consent"
    assert entry["message"] == "pupil 7" and "\n" not in line


def test_it_includes_the_traceback_in_the_same_line():
    message = "boom"
    try:
        raise RuntimeError(message)
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "RuntimeError" in entry["exception"] and "test_logs.py" in entry["exception"]
    assert "boom" not in entry["exception"]  # messages can quote a pupil's row


def test_a_text_line_cannot_be_split_by_what_it_quotes():
    path = "/x\n[WARNING] forged\r\t"
    record = logging.LogRecord("opo", logging.WARNING, __file__, 1, "on %s", (path,), None)
    assert TextFormatter().format(record).endswith(" on /x\\n[WARNING] forged\\r\\t")


# Every line of every process, text or JSON: the time in UTC and the level.
TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
)


def assert_time_and_level(line: str) -> None:
    """One log line in either format carries its time in UTC and its level."""
    if line.startswith("{"):
        entry = json.loads(line)
        assert entry["time"].endswith("+00:00") and entry["level"], line
    else:
        assert TEXT_LINE.match(line), line


def test_a_text_line_starts_with_its_time_in_utc_and_its_level(monkeypatch):
    # Django sets TZ to TIME_ZONE (Europe/Amsterdam) in every process that loads it: a
    # formatter that used local time wrote gunicorn's master in UTC, its workers an hour on.
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    try:
        record = logging.LogRecord("consent", logging.WARNING, __file__, 1, "saved", (), None)
        record.created = 1796342400.25  # 2026-12-04 00:00:00.25 UTC, 01:00 in Amsterdam
        line = TextFormatter().format(record)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert line == f"2026-12-04T00:00:00.250000+00:00 WARNING consent [{os.getpid()}] saved"


def console_formatter() -> logging.Formatter:
    """The formatter settings.LOGGING gives the one handler (text unless LOG_FORMAT=json)."""
    name = settings.LOGGING["handlers"]["console"].get("formatter")
    if name is None:
        return logging.Formatter()
    return import_string(settings.LOGGING["formatters"][name]["()"])()


def test_it_logs_a_failing_pupil_page_without_the_pupils_row(teacher_a, pupil_a, monkeypatch):
    break_the_pupil_search(monkeypatch, pupil_a)
    client = teacher_client(teacher_a)
    handler = Capture()
    logging.getLogger("django.request").addHandler(handler)
    try:
        assert client.get(SEARCH).status_code == 500
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    [record] = handler.records
    for formatter in (console_formatter(), JsonFormatter()):
        text = formatter.format(record)
        assert "IntegrityError" in text and "ValueError" in text
        assert "/toestemming/controle/" in text and "_candidates" in text
        assert [word for word in ("Sem", "Bakker", "2018-05-04") if word in text] == []


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_it_switches_django_logging_to_json_with_log_format():
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "opo_portal.settings"}
    code = "import django, logging; django.setup(); logging.getLogger('t').warning('hello %s', 1)"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert (entry["message"], entry["logger"]) == ("hello 1", "t")


def test_it_refuses_an_unknown_log_format():
    env = {**os.environ, "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "opo_portal.settings"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr


def _production_lines(role: str, env: dict, started: str) -> list[str]:
    """What `deploy/run-prod <role>` writes until a line holds `started`, then stopped.

    A role still running 30 s after its SIGTERM is killed (-9, with its children) and the
    test fails: once, under load, a beat outlived the wait and its process leaked into the
    next test's unraisable-exception warning."""
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(REPO / "deploy" / "run-prod"), role],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own: killed with its children
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    stopped = False
    try:
        while time.monotonic() < deadline and not any(started in line for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)  # read on: a full pipe would hold its stop
            stopped = True
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert stopped, f"{role} still running 30 s after SIGTERM (killed): {lines}"
    return lines


def _test_database_url() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.services
@pytest.mark.parametrize("log_format", ["json", "text"])
@pytest.mark.parametrize(("role", "started"), [("worker", " ready."), ("beat", "Starting")])
def test_the_production_worker_and_beat_lines_carry_time_and_level(
    role, started, log_format, tmp_path, db
):
    """No start-up banner and no plain warning (Celery's about running as root) among them:
    JSON objects, or text lines each starting with the time in UTC and the level (Celery's
    own format wrote Amsterdam time, a banner and a warning without either)."""
    env = {
        **os.environ,
        "LOG_FORMAT": log_format,
        # The run's own database, as every other test: a database named here was shared by
        # runs side by side (one's beat idle on the other's lock, its tasks in their queue).
        "REDIS_URL": require_service("REDIS_URL"),
        # run-prod starts a role on a migrated database only: the test database.
        "DATABASE_URL": _test_database_url() or "postgres://x@127.0.0.1/x",
        "SECRET_KEY": "production-test-key-" + "0123456789abcdef" * 2,
        "ALLOWED_HOSTS": "portal.example.org",  # SITE_URL's host (settings refuse another)
        "EMAIL_URL": "console://",
        "SITE_URL": "https://portal.example.org",
        "CELERY_CONCURRENCY": "1",
        "CELERY_QUEUES": f"logs-{uuid.uuid4().hex[:8]}",
        "CELERY_BEAT_DIR": str(tmp_path),
    }
    lines = _production_lines(role, env, started)
    assert any(started in line for line in lines), lines
    for line in lines:
        assert_time_and_level(line)
    if log_format == "json":
        assert all(json.loads(line)["message"] for line in lines)


@pytest.mark.services
@pytest.mark.parametrize("log_format", ["json", "text"])
def test_the_release_lines_carry_time_and_level(log_format, tmp_path, db):
    """`run-prod release` printed migrate's and compile_translations' lines bare ("Running
    migrations:", "compiled locale/..."): no time, no level, and no JSON object for the log
    shipper of compose's release container (LOG_FORMAT=json there)."""
    env = {
        **os.environ,
        "LOG_FORMAT": log_format,
        "REDIS_URL": require_service("REDIS_URL"),
        "DATABASE_URL": _test_database_url() or "postgres://x@127.0.0.1/x",
        "SECRET_KEY": "production-test-key-" + "0123456789abcdef" * 2,
        "ALLOWED_HOSTS": "portal.example.org",  # SITE_URL's host (settings refuse another)
        "EMAIL_URL": "console://",
        "SITE_URL": "https://portal.example.org",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(  # noqa: S603 - our own script
        [str(REPO / "deploy" / "run-prod"), "release"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    lines = result.stdout.splitlines()
    assert any("Running migrations" in line for line in lines), lines
    for line in lines:
        assert_time_and_level(line)
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_it_lets_celery_log_through_the_json_handler():
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "opo_portal.settings"}
    code = "from opo_portal.celery import app; print(app.conf.worker_hijack_root_logger)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# A worker's task that fails, and one that retries, with a pupil's name in the exception.
CELERY_TASKS = """
import os
import django
django.setup()
from celery.app.trace import build_tracer
from opo_portal.celery import app
app.log.setup_logging_subsystem(loglevel="INFO", colorize=False)  # as `celery worker` does

@app.task(name="erase")
def erase(pupil_id):
    raise ValueError("could not erase " + os.environ["PUPIL"])

@app.task(bind=True, name="fetch")
def fetch(self, pupil_id):
    raise self.retry(exc=ValueError("gave up on " + os.environ["PUPIL"]), countdown=5)

for task in (erase, fetch):
    request = {"id": "1", "task": task.name, "args": [7], "kwargs": {}, "is_eager": True,
               "hostname": "worker", "delivery_info": {}}
    build_tracer(task.name, task, eager=True, propagate=False, app=app)("1", [7], {}, request)
"""


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_workers_task_lines_carry_no_exception_message(log_format):
    # LOG_FORMAT=text: Celery sets up its own handler and format; json: ours.
    env = {**os.environ, "LOG_FORMAT": log_format, "PUPIL": "Sem Bakker"}
    env["DJANGO_SETTINGS_MODULE"] = "opo_portal.settings"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CELERY_TASKS], cwd=REPO, env=env, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    assert "Task erase[1] raised unexpected: ValueError" in output, output
    assert "Task fetch[1] retry: Retry in 5s" in output, output
    assert "Sem" not in output and "Bakker" not in output


# Pillow at DEBUG (its logger lowered by hand, the root at DEBUG as LOG_LEVEL=DEBUG sets it)
# in a worker's logging, reading a phone photo whose EXIF comment names a pupil.
PILLOW_AT_DEBUG = """
import io, logging
import django
django.setup()
from opo_portal.celery import app
app.log.setup_logging_subsystem(loglevel="DEBUG", colorize=False)  # as `celery worker -l DEBUG`
logging.getLogger("PIL").setLevel(logging.DEBUG)
from PIL import Image
from consent.photo import testkit
Image.open(io.BytesIO(testkit.camera_jpeg())).getexif()
logging.getLogger("opo_portal").debug("debug lines are written")
"""


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_pillow_at_debug_writes_no_photo_metadata(log_format):
    env = {**os.environ, "LOG_FORMAT": log_format, "LOG_LEVEL": "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "opo_portal.settings"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PILLOW_AT_DEBUG], cwd=REPO, env=env, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "debug lines are written" in output
    assert "Sem" not in output and "Bakker" not in output and "SERIAL-0042" not in output


def test_a_request_for_a_host_not_served_is_one_warning_line(db, settings):
    """Scanners ask a node by its address: Django logged each such request as an ERROR with
    a traceback of 15 lines, the only multi-line entry of a quiet production log."""
    settings.DEBUG = False
    handler = Capture()
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("django.security.DisallowedHost")
    logger.addHandler(handler)
    try:
        assert Client(HTTP_HOST="198.51.100.7").get("/accounts/login/").status_code == 400
    finally:
        logger.removeHandler(handler)
    [record] = handler.records
    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert console.filter(record)
    line = console.format(record)
    assert record.levelname == "WARNING" and "\n" not in line
    assert f"[{os.getpid()}] Invalid HTTP_HOST header: '198.51.100.7'" in line


def test_an_outgoing_request_is_logged_without_its_query_or_password():
    """httpx's INFO line named a search source's terms: "GET …/search.rss?q=Sem+Bakker"."""
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: %s %s "%s %d %s"',
        (
            "GET",
            "https://lezer:geheim@nieuws.example:8443/zoek.rss?q=Sem+Bakker#x",
            "HTTP/1.1",
            200,
            "OK",
        ),
        None,
    )
    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert console.filter(record)
    line = console.format(record)
    assert 'HTTP Request: GET https://nieuws.example:8443/zoek.rss "HTTP/1.1 200 OK"' in line
    assert "Sem" not in line and "geheim" not in line


@pytest.mark.services
@pytest.mark.parametrize("log_format", ["json", "text"])
def test_a_stopping_worker_writes_log_lines_only(log_format, db):
    """A stop or a reload (SIGTERM) made Celery print a blank line and a bare "worker: Warm
    shutdown (MainProcess)": no time, no level, no JSON object. Every line until it exits."""
    env = {
        **os.environ,
        "LOG_FORMAT": log_format,
        "REDIS_URL": require_service("REDIS_URL"),
        "DATABASE_URL": _test_database_url() or "postgres://x@127.0.0.1/x",
        "SECRET_KEY": "production-test-key-" + "0123456789abcdef" * 2,
        "ALLOWED_HOSTS": "portal.example.org",
        "EMAIL_URL": "console://",
        "SITE_URL": "https://portal.example.org",
        "CELERY_CONCURRENCY": "1",
        "CELERY_QUEUES": f"logs-{uuid.uuid4().hex[:8]}",
    }
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(REPO / "deploy" / "run-prod"), "worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(" ready." in line for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
        assert any(" ready." in line for line in lines), lines
        process.terminate()
        rest, _ = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()
    stopping = rest.splitlines()
    assert any("shutdown" in line for line in stopping), stopping
    for line in stopping:
        assert_time_and_level(line)
