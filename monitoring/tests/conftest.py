"""A local HTTP server for monitoring tests: the real httpx client talks to it.

    feed_server.route("/feed.rss", fixture="feed.rss", headers={"ETag": '"v1"'})
    feed_server.route("/gone", status=401)
    feed_server.route("/api", handler=lambda req: (200, {}, b"[]"))
    source.url = feed_server.url("/feed.rss")

Every request is recorded in feed_server.requests as (path, query dict, headers dict).
"""

import contextlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes = b""

    def json(self):
        return json.loads(self.body or b"null")


@dataclass
class FeedServer:
    base: str = ""
    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path, *, status=200, fixture=None, body=b"", headers=None, handler=None):
        if fixture:
            body = fixture_bytes(fixture)
        fixed = (status, dict(headers or {}), body)
        self.routes[path] = handler or (lambda request: fixed)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def _make_handler(server: FeedServer):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=parts.path,
                query={k: v[0] for k, v in parse_qs(parts.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            server.requests.append(request)
            route = server.routes.get(parts.path)
            status, headers, body = route(request) if route else (404, {}, b"not found")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        do_GET = do_POST = _serve

        def log_message(self, format, *args):  # keep test output quiet
            pass

    return Handler


@contextlib.contextmanager
def running_feed_server():
    """A FeedServer on a free loopback port, for tests and the fault run (faults/run.py)."""
    server = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(server))
    httpd.daemon_threads = True
    server.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def feed_server():
    with running_feed_server() as server:
        yield server


@pytest.fixture(autouse=True)
def _allow_the_local_feed_server(settings, monkeypatch):
    """The feed server listens on loopback, which the SSRF guard refuses by default. The
    environment variable is set too, for Celery workers started as subprocesses."""
    settings.MONITORING_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    monkeypatch.setenv("MONITORING_ALLOW_PRIVATE_HOSTS", "127.0.0.1")


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process in these tests, even when REDIS_URL is set for the run;
    tests marked `services` talk to a real worker instead."""
    from opo_portal.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    # With the CELERY namespace the writable key is the settings name.
    before = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = before
