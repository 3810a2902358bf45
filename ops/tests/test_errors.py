"""Error reports leave without names, e-mail addresses or request bodies.

A local HTTP server plays the Sentry ingest endpoint, so the real sentry-sdk transport
runs and we read exactly what would have been sent.
"""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test import Client
from django.urls import reverse

from conftest import require_service
from ops.errors import scrub_event
from ops.tests.failing_search import SEARCH, break_the_pupil_search, teacher_client

# A client's address, kept away from the test below: a report carries its source lines.
CLIENT_ADDRESS = "203.0.113.77"
PERSONAL = ["Sem", "Bakker", "ouder.a@example.org", "Ouder A", "secret-body", "zoekterm"]


class Capture(BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        Capture.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def events(envelopes: list[bytes]) -> list[dict]:
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


@pytest.fixture
def sentry_capture():
    Capture.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from ops.errors import init_sentry

    init_sentry(
        dsn=f"http://public@127.0.0.1:{server.server_port}/1",
        environment="test",
        release="test",
    )
    yield Capture.envelopes
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init(dsn=None)
    server.shutdown()
    server.server_close()


def test_it_sends_the_failure_without_personal_data(sentry_capture, parent_a, settings):
    settings.ROOT_URLCONF = "ops.tests.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(parent_a)
    response = client.post("/boom/?q=zoekterm", {"note": "secret-body ouder.a@example.org"})
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    sent = events(sentry_capture)
    text = json.dumps(sent)
    assert any(e.get("exception") for e in sent), "the failure itself was reported"
    assert "ValueError" in text and "/boom/" in text
    assert "import failed for %s" in text  # the log line, without its values
    assert [word for word in PERSONAL if word in text] == []
    assert all(e.get("user", {}).keys() <= {"id"} for e in sent)


def test_it_removes_addresses_from_breadcrumbs_and_drops_request_data():
    event = {
        "request": {"url": "https://x/a", "data": {"name": "Sem"}, "cookies": {"s": "1"}},
        "breadcrumbs": {"values": [{"message": "mail to a@b.nl", "data": {"to": "a@b.nl"}}]},
        "extra": {"sys.argv": ["x"]},
        "user": {"id": 4, "email": "a@b.nl", "ip_address": "10.0.0.1"},
    }
    scrubbed = scrub_event(event)
    assert scrubbed["request"] == {"method": None, "url": "https://x/a", "headers": {}}
    assert scrubbed["breadcrumbs"]["values"] == [{"message": "mail to [removed]"}]
    assert scrubbed["user"] == {"id": 4} and "extra" not in scrubbed


def test_it_sends_a_reset_or_confirmation_link_without_its_key():
    """The key works as a password until it is used; the access logs write it as "*"."""
    for path in ("/accounts/password/reset/key/4-abc-s3cr3t/", "/accounts/confirm-email/s3cr3t/"):
        scrubbed = scrub_event({"request": {"url": "https://portal.example" + path}})
        assert "s3cr3t" not in scrubbed["request"]["url"]


def test_it_stays_off_without_a_dsn(settings):
    assert settings.SENTRY_DSN == "" or settings.SENTRY_DSN is None
    assert sentry_sdk.get_client().transport is None  # nothing can be sent


def test_it_reports_a_failing_pupil_search_without_the_name(
    sentry_capture, teacher_a, pupil_a, monkeypatch
):
    # A real page: the name is a SQL parameter (breadcrumb), in the query string and, on
    # PostgreSQL, in the constraint error's "Failing row contains (…)".
    break_the_pupil_search(monkeypatch, pupil_a)
    client = teacher_client(teacher_a)
    assert client.get(SEARCH).status_code == 500
    sentry_sdk.flush(timeout=5)
    sent = events(sentry_capture)
    text = json.dumps(sent)
    assert any(e.get("exception") for e in sent) and "IntegrityError" in text
    assert "schools_pupil" in text  # the SQL breadcrumbs were sent, without their values
    assert [word for word in ("Sem", "Bakker", "2018-05-04") if word in text] == []


def test_it_reports_no_request_for_a_host_not_served(sentry_capture, db, settings):
    """Scanners asking a node by its address: each was an error report (Django logs the
    refusal at ERROR), filling the project's quota with noise; the log keeps one line."""
    settings.DEBUG = False
    assert Client(HTTP_HOST="198.51.100.7").get("/accounts/login/").status_code == 400
    sentry_sdk.flush(timeout=5)
    assert events(sentry_capture) == []


def test_it_sends_cache_commands_without_their_keys(sentry_capture, parent_a, monkeypatch):
    """A rate limit's cache key holds the client's address (allauth's login limit per IP
    address); sentry-sdk's Redis breadcrumbs quoted every command's key."""
    require_service("REDIS_URL")
    from accounts.adapters import AccountAdapter

    def failing(self, request, **credentials):
        raise ValueError("the password check failed")

    monkeypatch.setattr(AccountAdapter, "authenticate", failing)
    client = Client(raise_request_exception=False, REMOTE_ADDR=CLIENT_ADDRESS)
    login = {"login": parent_a.email, "password": "wrong"}
    assert client.post(reverse("account_login"), login).status_code == 500
    sentry_sdk.flush(timeout=5)
    text = json.dumps(events(sentry_capture))
    assert "ValueError" in text and '"category": "redis"' in text
    assert CLIENT_ADDRESS not in text and ":rl:account:" not in text
