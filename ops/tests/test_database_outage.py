"""PostgreSQL out of reach, for real (the connection pointed at a closed port): the health
check answers 503 in JSON, a page the "try again" page (503) instead of the 500 page, and
both work again once the database is back. Any other error keeps the 500 page."""

import contextlib
import logging

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)
TRY_AGAIN = "Probeer het over een minuut opnieuw"


@pytest.fixture
def database_down():
    """A context manager: the default connection points at a port where nothing listens."""
    if connection.vendor != "postgresql":
        pytest.skip("an in-memory SQLite test database cannot be taken away")

    @contextlib.contextmanager
    def down():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"})
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(saved)

    return down


def test_health_answers_503_in_json_while_the_database_is_down(database_down, caplog):
    client = Client(raise_request_exception=False)
    with database_down(), caplog.at_level(logging.WARNING):
        response = client.get("/health/")
    assert (response.status_code, response.json()) == (503, {"status": "fail"})
    assert "OperationalError" in caplog.text and "Traceback" not in caplog.text
    assert client.get("/health/").json() == {"status": "ok"}


def test_readiness_answers_503_in_json_without_the_outbox_while_the_database_is_down(
    database_down, settings
):
    settings.REDIS_URL = ""
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 503 and body["checks"]["database"]["ok"] is False
    assert body["outbox"] is None  # not asked: the database check already failed
    assert client.get("/health/ready").json()["outbox"]["pending"] == 0


def test_a_page_gets_the_try_again_page_while_the_database_is_down(database_down, parent_a):
    client = Client(raise_request_exception=False)
    client.force_login(parent_a)
    with database_down():
        down = client.get("/toestemming/kinderen/")
    assert down.status_code == 503 and down["Retry-After"] == "60"
    assert TRY_AGAIN in down.content.decode()
    assert client.get("/toestemming/kinderen/").status_code == 200


def test_any_other_error_keeps_the_500_page(settings, parent_a):
    settings.ROOT_URLCONF = "ops.tests.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(parent_a)
    response = client.get("/boom/")
    assert response.status_code == 500 and TRY_AGAIN not in response.content.decode()


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def request_records():
    """The django.request logger's records, whatever level the test runs at."""
    handler, logger = Records(), logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def test_a_signed_in_request_that_finds_the_database_down_is_logged_once(
    database_down, parent_a, settings
):
    """The session's user is read in the middleware; NoStoreMiddleware, further out, asked
    for it again after it had failed: a second connection attempt and a second traceback of
    ~100 lines for every request during an outage."""
    settings.USER_CACHE_SECONDS = 0  # the user from the database, as after a Redis restart
    client = Client(raise_request_exception=False)
    client.force_login(parent_a)
    with database_down(), request_records() as records:
        down = client.get("/toestemming/kinderen/")
    assert down.status_code == 503 and "no-store" in down["Cache-Control"]
    [record] = records  # the console handler's filter may have made it a warning line
    assert record.getMessage().startswith("Service Unavailable: /toestemming/kinderen/")


def _console():
    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    return console


def test_a_request_that_finds_the_database_down_is_one_warning_line(database_down, parent_a):
    """An outage is not a defect: one line naming it, not a traceback per request (the
    health check and the 503 already say the database is down)."""
    client = Client(raise_request_exception=False)
    client.force_login(parent_a)
    with database_down(), request_records() as records:
        client.get("/toestemming/kinderen/")
    [record] = records
    assert _console().filter(record)
    line = _console().format(record)
    assert record.levelname == "WARNING" and "\n" not in line
    assert line.endswith("Service Unavailable: /toestemming/kinderen/ (database unreachable)")


def test_an_error_the_database_answered_keeps_its_traceback(db):
    """A query the database cancelled (a statement timeout, a deadlock) is a defect to
    look into, not an outage: the ERROR and its traceback stay."""
    from django.db import OperationalError, transaction

    if connection.vendor != "postgresql":
        pytest.skip("a statement timeout is PostgreSQL's")
    with (
        pytest.raises(OperationalError) as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (),
        (raised.type, raised.value, raised.tb),
    )  # fmt: skip
    assert _console().filter(record) and record.levelname == "ERROR"
    assert "Traceback" in _console().format(record)


def test_a_task_that_finds_the_database_down_is_one_warning_line(database_down):
    """Celery's own handlers (the worker's) get the filter too: every beat tick during an
    outage logged "raised unexpected" with a traceback of ~85 lines (the fault run with its
    own PostgreSQL stopped: 762 lines from the worker in 10 s)."""
    from ops.logs import celery_handlers_in_our_format

    handler, logger = Records(), logging.getLogger("celery.app.trace.test")
    logger.addHandler(handler)
    celery_handlers_in_our_format(logger)
    try:
        with database_down(), pytest.raises(Exception) as raised:
            connection.ensure_connection()
        logger.error("Task %s raised unexpected", "outbox.sweep[1]", exc_info=raised.value)
    finally:
        logger.removeHandler(handler)
    [record] = handler.records
    assert record.levelname == "WARNING" and record.exc_info is None
    assert "\n" not in handler.format(record)


@contextlib.contextmanager
def silent_server():
    """A port that accepts connections and never answers: a PostgreSQL hung, or an address
    a failover left behind. Closed afterwards, which ends any connection still waiting."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        try:
            yield listener.getsockname()[1]
        finally:
            listener.shutdown(socket.SHUT_RDWR)


def test_readiness_answers_while_the_database_does_not(settings):
    """Without a connect timeout libpq waited for ever: /health/ready (and every page) hung
    until gunicorn killed its worker after 30 s, so the monitoring saw no answer naming the
    database (a real cluster's processes stopped with SIGSTOP: 31 s, then the connection
    dropped). With the default connect_timeout it answers 503 naming the database."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("an in-memory SQLite test database cannot hang")
    settings.REDIS_URL = ""
    answers: list = []
    saved = dict(connection.settings_dict)
    with silent_server() as port:
        connection.close()
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(port)})
        try:
            client = Client(raise_request_exception=False)
            asking = threading.Thread(target=lambda: answers.append(client.get("/health/ready")))
            asking.start()
            asking.join(timeout=20)  # a bound on a hang, not a speed goal
            answered = not asking.is_alive()
        finally:
            connection.settings_dict.update(saved)
    asking.join()
    assert answered, "/health/ready still waiting for the database after 20 s"
    [response] = answers
    assert response.status_code == 503 and response.json()["checks"]["database"]["ok"] is False
