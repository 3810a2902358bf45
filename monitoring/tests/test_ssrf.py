"""Fetches never reach internal addresses (issue 10, finding 3: SSRF via sources).

The feed server listens on 127.0.0.1. These tests empty the allow-list that the monitoring
conftest sets, so loopback is refused as it is in production; `feed_server.requests` shows
that no request reached it.
"""

import socket

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import FetchRun
from monitoring.sources.base import FetchError
from monitoring.sources.http import AddressNotAllowed, is_public_address
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db

REFUSED = "adres niet toegestaan"


@pytest.fixture
def no_private_hosts(settings):
    settings.MONITORING_ALLOW_PRIVATE_HOSTS = []


def _poll_refused(url: str) -> FetchRun:
    source = make_source(url=url)
    with pytest.raises(AddressNotAllowed):
        services.source_poll(source_id=source.pk)
    return FetchRun.objects.get(source=source)


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:{port}/feed.rss",
        "http://localhost:{port}/feed.rss",
        "http://user@127.0.0.1:{port}/feed.rss",
        "http://[::1]:{port}/feed.rss",
        "http://[::ffff:127.0.0.1]:{port}/feed.rss",
        "http://0.0.0.0:{port}/feed.rss",
        "http://2130706433:{port}/feed.rss",
        "http://0x7f.0.0.1:{port}/feed.rss",
        "http://127.1:{port}/feed.rss",
        "http://[::ffff:7f00:1]:{port}/feed.rss",
        "http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/feed.rss",
        "http://LOCALHOST:{port}/feed.rss",
    ],
)
def test_it_refuses_a_loopback_source_before_any_request(feed_server, no_private_hosts, address):
    feed_server.route("/feed.rss", fixture="feed.rss")
    port = feed_server.base.rsplit(":", 1)[1]
    run = _poll_refused(address.format(port=port))
    assert run.error == REFUSED
    assert feed_server.requests == []


@pytest.mark.parametrize(
    "address", ["http://0177.0.0.1:{port}/feed.rss", "http://127.0.0.1.:{port}/feed.rss"]
)
def test_other_loopback_spellings_fail_before_any_request(feed_server, no_private_hosts, address):
    """httpx refuses an octal address, and a trailing dot after an address does not resolve."""
    feed_server.route("/feed.rss", fixture="feed.rss")
    port = feed_server.base.rsplit(":", 1)[1]
    source = make_source(url=address.format(port=port))
    with pytest.raises(FetchError):
        services.source_poll(source_id=source.pk)
    assert feed_server.requests == []


def test_it_refuses_a_redirect_to_loopback_without_reaching_the_target(feed_server, settings):
    """The first hop is allowed by name ("localhost"); its redirect to 127.0.0.1 is not."""
    settings.MONITORING_ALLOW_PRIVATE_HOSTS = ["localhost"]
    port = feed_server.base.rsplit(":", 1)[1]
    target = f"http://127.0.0.1:{port}/internal"
    feed_server.route("/internal", body=b"<geheim>intern</geheim>")
    feed_server.route("/hop", status=302, headers={"Location": target})
    run = _poll_refused(f"http://localhost:{port}/hop")
    assert run.error == REFUSED
    assert [r.path for r in feed_server.requests] == ["/hop"]
    assert feed_server.hits("/internal") == []


def test_it_shows_only_the_refusal_on_the_sources_page(feed_server, no_private_hosts, login, board):
    feed_server.route("/feed.rss", body=b"<internal-root-tag/>")
    _poll_refused(feed_server.url("/feed.rss"))
    body = login(board).get(reverse("monitoring:sources")).content.decode()
    assert REFUSED in body
    assert "internal-root-tag" not in body


def test_it_fetches_a_host_named_in_the_allow_list(feed_server, settings):
    settings.MONITORING_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    feed_server.route("/feed.rss", fixture="feed.rss")
    run = services.source_poll(source_id=make_source(url=feed_server.url("/feed.rss")).pk)
    assert run.status == FetchRun.Status.SUCCEEDED
    assert len(feed_server.requests) == 1


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds to it
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",  # site-local (deprecated, RFC 3879): still routed inside some networks
        "ff02::1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
        "64:ff9b::a00:1",
        "2001:db8::1",
        "not an address",
    ],
)
def test_it_calls_internal_and_special_addresses_not_public(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "145.97.39.155", "2606:4700::1111"])
def test_it_calls_internet_addresses_public(address):
    assert is_public_address(address)


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/_x",
        "ftp://127.0.0.1:{port}/feed.rss",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:{port}/internal",
        "http://2130706433:{port}/internal",
        "http://a@127.0.0.1:{port}/internal",
        "http://intranet.example:{port}/internal",
    ],
)
def test_it_refuses_a_redirect_chain_ending_inside(feed_server, settings, monkeypatch, target):
    """Two allowed hops (by name, "localhost"), then an address of another scheme or an
    internal one in any spelling, or a name that resolves into the network: refused
    before the last request, which never reaches the server."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    settings.MONITORING_ALLOW_PRIVATE_HOSTS = ["localhost"]
    port = feed_server.base.rsplit(":", 1)[1]
    feed_server.route("/internal", body=b"<geheim>intern</geheim>")
    feed_server.route("/hop1", status=302, headers={"Location": "/hop2"})
    feed_server.route("/hop2", status=301, headers={"Location": target.format(port=port)})
    source = make_source(url=f"http://localhost:{port}/hop1")
    with pytest.raises(FetchError) as caught:
        services.source_poll(source_id=source.pk)
    assert not caught.value.retryable
    assert [r.path for r in feed_server.requests] == ["/hop1", "/hop2"]
    assert "intern" not in FetchRun.objects.get(source=source).error
