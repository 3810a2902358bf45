"""gunicorn's logs (deploy/gunicorn.conf.py, ops/access_log.py) under hostile requests: real
gunicorn, real requests, one access line per request, and with LOG_FORMAT=json every line
an object (gunicorn's own lines and Django's too)."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ops.access_log import json_escaped, text_escaped
from ops.tests.test_logs import assert_time_and_level

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
FORGED = "127.0.0.1 - forged"
# As sent on the wire, and as gunicorn decodes them into PATH_INFO.
HOSTILE = {
    "/x%0A127.0.0.1%20-%20forged": f"/x\n{FORGED}",  # a line break starts a forged line
    "/y%5C": "/y\\",  # a backslash before the closing quote
    "/z%22%2C%22status%22%3A200": '/z","status":200',  # a quote opens a forged field
    "/caf%C3%A9": "/café",
}


BAD_REQUEST_LINE = b"G\x00ET /x HTTP/1.1\r\n\r\n"  # refused by gunicorn, logged as a warning
# Refused too, and gunicorn's warning quotes the line, query string and all.
NO_VERSION = b"GET /toestemming/controle/?q=SECRET-Sem-Bakker\r\n\r\n"
# A password reset link's key works as a password until used (without its slash: a
# redirect, so the link is logged without a database behind the test server).
RESET_LINK = "/accounts/password/reset/key/3-SECRETKEY"
RESET_LOGGED = "/accounts/password/reset/key/*"


def _send(sock_path: Path, raw: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(sock_path))
        client.sendall(raw)
        return client.recv(64)


def _request(sock_path: Path, path: str) -> bytes:
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    return _send(sock_path, request.encode())


def _served_log(tmp_path: Path, log_format: str) -> list[str]:
    """gunicorn's output after one request for each hostile path."""
    sock_path, out = tmp_path / "gunicorn.sock", tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DEBUG": "true",
        "BIND": f"unix:{sock_path}",
        "WEB_CONCURRENCY": "1",
        "LOG_FORMAT": log_format,
    }
    command = [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "opo_portal.wsgi"]
    with out.open("w") as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if sock_path.exists():
                break
            time.sleep(0.05)
        answers = [_request(sock_path, path) for path in HOSTILE]
        assert all(answer.startswith(b"HTTP/1.1 404") for answer in answers), answers
        assert _send(sock_path, BAD_REQUEST_LINE).startswith(b"HTTP/1.1 400")
        assert _send(sock_path, NO_VERSION).startswith(b"HTTP/1.1 400")
        assert _request(sock_path, RESET_LINK).startswith(b"HTTP/1.1 301")
        time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out.read_text(encoding="utf-8").splitlines()


def test_every_json_line_parses_and_the_access_lines_keep_the_path(tmp_path):
    entries = [json.loads(line) for line in _served_log(tmp_path, "json")]
    access = [entry for entry in entries if "path" in entry]
    assert [(entry["path"], entry["status"]) for entry in access] == [
        *((path, 404) for path in HOSTILE.values()),
        (RESET_LOGGED, 301),
    ]
    messages = [entry.get("message", "") for entry in entries]
    assert any(m.startswith("Starting gunicorn") for m in messages)
    assert any("Invalid HTTP method" in m for m in messages)
    assert any("Invalid HTTP request line: 'GET /toestemming/controle/?*'" in m for m in messages)
    assert not any("SECRET" in m for m in messages)
    assert sum(m.startswith("Not Found: ") for m in messages) == len(HOSTILE)  # once each


def test_every_text_access_line_is_one_line(tmp_path):
    lines = _served_log(tmp_path, "text")
    access = [line for line in lines if '"GET ' in line]
    assert len(access) == len(HOSTILE) + 1 and all('" 404 ' in line for line in access[:-1])
    assert "/x\\n127.0.0.1 - forged" in access[0]
    assert f'"GET {RESET_LOGGED}" 301 ' in access[-1]
    assert not any(line.startswith(FORGED) for line in lines)
    assert not any("SECRET" in line for line in lines)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_every_line_of_master_and_worker_carries_utc_time_and_level(tmp_path, log_format):
    # The master logged in UTC, its workers (Django sets TZ) in Amsterdam time; Django's own
    # lines ("Not Found: /x") and the access lines had no level, in text no time either.
    lines = _served_log(tmp_path, log_format)
    assert any("Starting gunicorn" in line for line in lines)  # the master
    assert any("Not Found: " in line for line in lines)  # Django, in the worker
    for line in lines:
        assert_time_and_level(line)


@pytest.mark.parametrize(
    ("value", "text", "inside_json"),
    [
        ("/toestemming/kind/3/", "/toestemming/kind/3/", "/toestemming/kind/3/"),
        ("a\nb", "a\\nb", "a\\nb"),
        ("a\\", "a\\\\", "a\\\\"),
        ('a"b', 'a\\"b', 'a\\"b'),
        ("é", "\\xe9", "\\u00e9"),
    ],
)
def test_it_escapes_for_each_format(value, text, inside_json):
    assert (text_escaped(value), json_escaped(value)) == (text, inside_json)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_gunicorns_own_tracebacks_keep_the_type_not_the_message(monkeypatch, log_format):
    """ "Error handling request" (the error page itself failed) writes the exceptions that
    led there: their messages can quote a pupil's row, as Django's lines would."""
    import io

    from gunicorn.config import Config

    from ops.access_log import GunicornLogger

    monkeypatch.setenv("LOG_FORMAT", log_format)
    logger = GunicornLogger(Config())
    stream = io.StringIO()
    for handler in logger.error_log.handlers:
        handler.setStream(stream)
    surname = "Bakker"
    try:
        raise ValueError(f"Failing row contains (7, Sem, {surname}, 2018-05-04)")
    except ValueError:
        logger.exception("Error handling request /toestemming/")
    written = stream.getvalue()
    assert "ValueError" in written and "Error handling request" in written
    assert "Bakker" not in written
