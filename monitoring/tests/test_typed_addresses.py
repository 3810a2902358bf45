"""Addresses staff type (a source to read, a post they report, the reply they posted) are
checked where they are typed: a clear form error, nothing saved. The fetcher refuses the
same addresses again on every connection (test_ssrf.py); this is the message before it."""

import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import FetchRun, Post, Source
from monitoring.sources.base import FetchError
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db

USERINFO = "zonder gebruikersnaam of wachtwoord"
INTERNAL = "intern netwerk"
BAD_HOST = "tekens die geen webadres kan hebben"
BAD_PORT = "De poort in dit adres (het getal na de dubbele punt)"
INVALID = "Voer een geldige URL in."


@pytest.fixture
def no_private_hosts(settings):
    settings.MONITORING_ALLOW_PRIVATE_HOSTS = []


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(message) for message in form.errors.get("url", [])]


def _add_source(client, url):
    data = {"kind": "rss", "name": "Buurtnieuws", "url": url, "interval_minutes": 30}
    return client.post(reverse("monitoring:sources"), data)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://user:geheim@feeds.example/feed.rss", USERINFO),
        ("https://bsky.app@feeds.example/feed.rss", USERINFO),
        ("http://127.0.0.1/feed.rss", INTERNAL),
        ("http://10.1.2.3/feed.rss", INTERNAL),
        ("http://169.254.169.254/latest/meta-data/", INTERNAL),
        ("http://[::1]/feed.rss", INTERNAL),
        ("http://2130706433/feed.rss", INVALID),  # URLValidator's own refusal
        ("http://0x7f.1/feed.rss", INVALID),
        ("http://0300.0250.0.1/feed.rss", INVALID),  # octal 192.168.0.1
        ("http://localhost/feed.rss", INTERNAL),
        ("http://feeds.localhost/feed.rss", INTERNAL),
        ("http://☃.example/feed.rss", BAD_HOST),
        ("http://xn--ls8h.example/feed.rss", BAD_HOST),
        # the name is fine: the message names the port
        ("https://feeds.example:99999/feed.rss", BAD_PORT),
    ],
)
def test_it_refuses_a_source_address_it_must_not_read(login, board, no_private_hosts, url, message):
    response = _add_source(login(board), url)
    assert response.status_code == 400
    errors = _errors(response)
    assert len(errors) == 1 and message in errors[0], errors
    assert not Source.objects.exists()


def test_it_refuses_a_source_whose_name_resolves_to_an_internal_address(
    login, board, no_private_hosts, monkeypatch
):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "feeds.intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    response = _add_source(login(board), "https://feeds.intranet.example/feed.rss")
    assert response.status_code == 400
    assert INTERNAL in _errors(response)[0]
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://café.example/feed.rss", "https://xn--caf-dma.example/feed.rss"),
        ("https://ＦＥＥＤＳ.example/feed.rss", "https://feeds.example/feed.rss"),
        ("https://аpple.example/feed.rss", "https://xn--pple-43d.example/feed.rss"),
    ],
    ids=["accent", "fullwidth", "cyrillic a"],
)
def test_it_stores_an_international_host_in_the_form_it_fetches(login, board, typed, stored):
    """The address is kept as the fetcher and a browser read it (IDNA): a look-alike host
    shows as xn--…, and a fullwidth one, which httpx refused on every run, is plain."""
    assert _add_source(login(board), typed).status_code == 302
    assert Source.objects.get().url == stored


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://www.facebook.com@evil.example/post/1", USERINFO),
        ("http://192.168.1.1/admin", INTERNAL),
        ("http://localhost:8000/", INTERNAL),
        ("http://☃.example/post/1", BAD_HOST),
    ],
)
def test_it_refuses_a_reported_post_address_staff_should_not_click(
    login, teacher_a, school_a, no_private_hosts, url, message
):
    data = {"school": school_a.pk, "url": url, "text": "De Vlindertuin sluit"}
    response = login(teacher_a).post(reverse("monitoring:report_post"), data)
    assert response.status_code == 200
    errors = _errors(response)
    assert len(errors) == 1 and message in errors[0], errors
    assert not Post.objects.exists()


@pytest.mark.parametrize("url", ["http://☃.example/feed.rss", "http://xn--ls8h.example/feed.rss"])
def test_a_stored_address_no_client_can_read_fails_its_run_in_words(url):
    """Saved before the form checked it: httpx's InvalidURL (or idna's error) escaped the
    fetcher, so the run was an "unexpected error" (a bug report, retried); now it is the
    address that is wrong, not retried."""
    source = make_source(url=url)
    with pytest.raises(FetchError) as raised:
        services.source_poll(source_id=source.pk)
    assert FetchRun.objects.get(source=source).error == "invalid address"
    assert raised.value.retryable is False


def test_a_redirect_to_an_address_no_client_can_read_fails_its_run_in_words(feed_server):
    feed_server.route("/hop", status=302, headers={"Location": "http://xn--ls8h.example/"})
    source = make_source(url=feed_server.url("/hop"))
    with pytest.raises(FetchError):
        services.source_poll(source_id=source.pk)
    assert FetchRun.objects.get(source=source).error == "invalid address"


def test_the_board_reads_an_invalid_address_in_words():
    from monitoring.sources.explain import fetch_error_explained

    assert fetch_error_explained("invalid address") == (
        "Dit adres kan geen webadres zijn. Controleer het adres."
    )


def test_a_source_name_with_a_line_break_still_reaches_the_board(board, mailoutbox):
    """A name is shown in the subject of the board's e-mail; one with a line break (the
    form and add_source keep it) raised BadHeaderError on every attempt, so the board
    never heard that the source kept failing, and it could not add a header either."""
    from monitoring.notifications import source_failing_email_send

    source = make_source(consecutive_failures=5, failure_notified_at=timezone.now())
    Source.objects.filter(pk=source.pk).update(name="Buurtnieuws\r\nBcc: iemand@evil.example")
    source_failing_email_send(source_id=source.pk, user_id=board.pk)
    (message,) = mailoutbox
    assert message.subject == (
        "[OPO Portal] Monitoringbron “Buurtnieuws Bcc: iemand@evil.example” blijft mislukken"
    )
    assert message.bcc == [] and "Bcc" not in message.message()


def _admin_add_source(client, url, kind="rss"):
    data = {
        "kind": kind,
        "name": "Buurtnieuws",
        "url": url,
        "interval_minutes": 30,
        "consecutive_failures": 0,
        "active": "on",
    }
    return client.post(reverse("admin:monitoring_source_add"), data)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://feeds.example/feed.rss",
        "https://user:geheim@feeds.example/feed.rss",
        "http://127.0.0.1/feed.rss",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.rss",
        "http://localhost/feed.rss",
        "http://☃.example/feed.rss",
    ],
)
def test_the_admin_refuses_a_source_address_the_portal_must_not_read(
    admin_client, no_private_hosts, url
):
    """The admin's add and change forms are another way a source comes in: the same
    checks as the board's page, not Django's URLField (which takes ftp, a user name and
    any host)."""
    response = _admin_add_source(admin_client, url)
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not Source.objects.exists()


def test_the_admin_refuses_a_source_name_that_resolves_to_an_internal_address(
    admin_client, no_private_hosts, monkeypatch
):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "feeds.intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    response = _admin_add_source(admin_client, "https://feeds.intranet.example/feed.rss")
    assert response.status_code == 200
    assert not Source.objects.exists()


def test_the_admin_saves_a_public_source_address(admin_client, no_private_hosts, monkeypatch):
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)
    response = _admin_add_source(admin_client, "https://feeds.example/feed.rss")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Source.objects.get().url == "https://feeds.example/feed.rss"
