"""A feed host that answers with hostile bytes cannot exhaust the fetching worker.

The response cap (MONITORING_MAX_RESPONSE_BYTES) holds for what the portal keeps in
memory, decompressed, not only for what crosses the network: a small gzip "bomb" must be
refused before it unpacks to its full size.
"""

import contextlib
import gzip
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from monitoring import services
from monitoring.models import FetchRun
from monitoring.sources import feeds
from monitoring.sources.base import FetchError, MalformedFeed
from monitoring.tests.conftest import fixture_bytes
from monitoring.tests.helpers import make_source
from monitoring.tests.test_sources import rss_source

CAP = 1024 * 1024
UNPACKED = 100 * CAP  # what the bomb unpacks to


def _bomb(layers: int) -> bytes:
    body = bytes(UNPACKED)
    for _layer in range(layers):
        body = gzip.compress(body, compresslevel=9)
    return body


def _peak_memory_of(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize(("layers", "encoding"), [(1, "gzip"), (2, "gzip, gzip")])
def test_it_refuses_a_gzip_bomb_before_unpacking_it(feed_server, settings, layers, encoding):
    settings.MONITORING_MAX_RESPONSE_BYTES = CAP
    body = _bomb(layers)
    assert len(body) < CAP
    feed_server.route("/feed.rss", body=body, headers={"Content-Encoding": encoding})

    def fetch():
        with pytest.raises(FetchError, match="larger than"):
            feeds.fetch(rss_source(feed_server.url("/feed.rss")))

    assert _peak_memory_of(fetch) < 10 * CAP


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate"])
def test_it_still_reads_a_compressed_feed(feed_server, encoding):
    import zlib

    feed = fixture_bytes("feed.rss")
    body = zlib.compress(feed) if encoding == "deflate" else gzip.compress(feed)
    feed_server.route("/feed.rss", body=body, headers={"Content-Encoding": encoding})
    posts = feeds.fetch(rss_source(feed_server.url("/feed.rss"))).posts
    assert posts


def test_it_refuses_an_encoding_it_cannot_unpack(feed_server):
    feed_server.route("/feed.rss", body=b"\x8b\x00junk", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="content encoding"):
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))


def test_it_refuses_compressed_data_that_is_broken(feed_server):
    feed_server.route("/feed.rss", body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError):
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))


def _dripping_server(head: bytes):
    """A server that sends `head`, then one byte every 0.1 s for a minute: each read is
    well within the read timeout, so only a deadline for the whole request stops it."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        connection, _address = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(head)
            for _byte in range(600):
                if stop.wait(0.1):
                    return
                with contextlib.suppress(OSError):
                    connection.sendall(b"x")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.rss"
    stop.set()
    listener.close()
    thread.join(timeout=5)


@pytest.fixture
def dripping_body():
    yield from _dripping_server(b"HTTP/1.1 200 OK\r\nContent-Length: 600\r\n\r\n")


@pytest.fixture
def dripping_headers():
    yield from _dripping_server(b"HTTP/1.1 200 OK\r\nX-Slow: ")


@pytest.mark.parametrize("server", ["dripping_body", "dripping_headers"])
def test_it_gives_up_on_a_response_that_never_ends(request, server, settings):
    url = request.getfixturevalue(server)
    settings.MONITORING_HTTP_TIMEOUT = 1
    settings.MONITORING_HTTP_TOTAL_SECONDS = 1
    started = time.monotonic()
    with pytest.raises(FetchError, match="^timeout") as caught:
        feeds.fetch(rss_source(url))
    assert time.monotonic() - started < 5
    assert caught.value.retryable is True


@pytest.fixture
def tls_redirect(tmp_path, monkeypatch):
    """An https server on 127.0.0.1 (its certificate trusted by the fetcher for this test)
    that redirects every request to the address `tls_redirect.target`."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    trusted = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(httpx, "create_ssl_context", lambda: trusted)
    redirect = types.SimpleNamespace(target="", hits=0)

    class Redirecting(BaseHTTPRequestHandler):
        def do_GET(self):
            redirect.hits += 1
            self.send_response(302)
            self.send_header("Location", redirect.target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    serving.load_cert_chain(cert, key)
    httpd.socket = serving.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    redirect.url = f"https://127.0.0.1:{httpd.server_address[1]}/feed.rss"
    yield redirect
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_it_reads_a_feed_over_https(tls_redirect, feed_server):
    """The https fixture works: a redirect to another https address is followed."""
    tls_redirect.target = tls_redirect.url.replace("/feed.rss", "/again")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        feeds.fetch(rss_source(tls_redirect.url))
    assert tls_redirect.hits == 6


def test_it_refuses_a_redirect_from_https_to_http(tls_redirect, feed_server):
    """A source configured with https is never read over plain http, where anyone on the
    way could change what the portal reads (or see what it asks)."""
    feed_server.route("/feed.rss", fixture="feed.rss")
    tls_redirect.target = feed_server.url("/feed.rss")
    with pytest.raises(FetchError, match="from https to http") as caught:
        feeds.fetch(rss_source(tls_redirect.url))
    assert caught.value.retryable is False
    assert tls_redirect.hits == 1
    assert feed_server.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "validators",
    [{"ETag": '"v\u00e9"'}, {"Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT\u00e9"}],
)
def test_a_validator_that_cannot_be_sent_back_does_not_break_the_source(feed_server, validators):
    """A server may send a byte beyond ASCII in its ETag or Last-Modified; the portal
    stored it and then could not put it in a request header, so every later run failed
    before asking anything ("unexpected error"), for good. Such a validator is not sent."""
    feed_server.route("/feed.rss", fixture="feed.rss", headers=validators)
    source = make_source(url=feed_server.url("/feed.rss"))
    services.source_poll(source_id=source.pk)
    second = services.source_poll(source_id=source.pk)
    assert second.status == FetchRun.Status.SUCCEEDED
    asked = feed_server.requests[1].headers
    assert "if-none-match" not in asked and "if-modified-since" not in asked


def _feed_with_attributes(count: int, *, broken: bool = False) -> bytes:
    attributes = " ".join(f'a{number}="1"' for number in range(count))
    title = "Vlindertuin &" if broken else "Vlindertuin"  # a bare & makes it malformed
    return (
        f'<rss version="2.0"><channel><item {attributes}><title>{title}</title>'
        "<link>https://example.org/1</link></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize("broken", [False, True], ids=["well-formed", "malformed"])
def test_it_refuses_an_element_with_more_attributes_than_a_feed_has(feed_server, broken):
    """feedparser's strict parser looks up every attribute of an element by walking all
    of them (sax's getValueByQName): 10,000 attributes took 7 s, 100,000 (1.2 MB) four
    minutes of a worker, and a feed under the size cap could hold more. The screen counts
    them first, also up to the first error of a malformed feed."""
    feed_server.route("/feed.rss", body=_feed_with_attributes(2000, broken=broken))
    with pytest.raises(MalformedFeed, match="attributes"):
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))


def test_it_still_reads_an_element_with_a_few_dozen_attributes(feed_server):
    feed_server.route("/feed.rss", body=_feed_with_attributes(feeds.MAX_ATTRIBUTES))
    posts = feeds.fetch(rss_source(feed_server.url("/feed.rss"))).posts
    assert [post.url for post in posts] == ["https://example.org/1"]
