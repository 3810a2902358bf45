"""The board reads why a source fails in Dutch, on the sources page and in the e-mail; the
technical error stays beside it for the IT partner."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from monitoring import services
from monitoring.sources.base import FetchError
from monitoring.sources.explain import fetch_error_explained
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db


def _fail(feed_server, **route) -> None:
    feed_server.route("/feed.rss", **route)
    source = make_source(url=feed_server.url("/feed.rss"))
    with pytest.raises(FetchError):
        services.source_poll(source_id=source.pk)


@pytest.mark.parametrize(
    ("route", "words", "detail"),
    [
        (
            {"status": 403},
            "De bron weigert het portaal de toegang. Controleer het adres.",
            "HTTP 403",
        ),
        ({"status": 404}, "Het adres bestaat niet (meer) bij de bron.", "HTTP 404"),
        ({"status": 503}, "De bron heeft een storing aan haar kant.", "HTTP 503"),
        (
            {"body": b"<html>geen feed</html>"},
            "is geen feed die het portaal kan lezen",
            "not an RSS",
        ),
    ],
)
def test_the_sources_page_says_why_in_dutch(feed_server, login, board, route, words, detail):
    _fail(feed_server, **route)
    body = login(board).get(reverse("monitoring:sources")).content.decode()
    assert words in body
    assert f"Technische details: <code>{detail}" in body


def test_the_sources_page_speaks_english_when_asked(feed_server, login, board):
    _fail(feed_server, status=404)
    client = login(board)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("monitoring:sources")).content.decode()
    assert "The address no longer exists at the source. Check the address." in body


def test_the_failure_e_mail_says_what_went_wrong(
    feed_server, board, settings, django_capture_on_commit_callbacks
):
    settings.MONITORING_FAILURE_NOTIFY_AFTER = 2
    feed_server.route("/feed.rss", status=500)
    source = make_source(url=feed_server.url("/feed.rss"))
    for _ in range(2):
        with pytest.raises(FetchError), django_capture_on_commit_callbacks(execute=True):
            services.source_poll(source_id=source.pk)
    (message,) = mail.outbox
    assert "Laatste fout: De bron heeft een storing aan haar kant." in message.body
    assert "Het portaal probeert het vanzelf opnieuw." in message.body


@pytest.mark.parametrize(
    ("path", "route", "kind"),
    [
        ("/feed.rss", {"status": 503}, "De bron heeft een storing aan haar kant."),
        ("/closed", None, "De bron was niet bereikbaar."),
        ("/feed.rss", {"body": b"<html>geen feed</html>"}, "Wat de bron stuurde is geen feed"),
    ],
)
def test_the_failure_e_mail_gives_the_advice_of_the_kind_of_failure(
    feed_server, board, settings, django_capture_on_commit_callbacks, path, route, kind
):
    # It told the board to check the address or the access whatever had gone wrong, also
    # beside "the portal tries again by itself".
    settings.MONITORING_FAILURE_NOTIFY_AFTER = 2
    if route:
        feed_server.route(path, **route)
    url = feed_server.url(path) if route else "http://127.0.0.1:9/closed"
    source = make_source(url=url)
    for _ in range(2):
        with pytest.raises(FetchError), django_capture_on_commit_callbacks(execute=True):
            services.source_poll(source_id=source.pk)
    (message,) = mail.outbox
    problem = message.body.split("Laatste fout: ", 1)[1].split("\n", 1)[0]
    assert problem.startswith(kind)
    assert ("Controleer het adres" in message.body) == ("Controleer het adres" in problem)
    assert "is 2 keer op rij mislukt." in message.body


@pytest.mark.parametrize(
    ("error", "start"),
    [
        ("timeout: ReadTimeout", "De bron antwoordde niet op tijd."),
        ("network error: ConnectError", "De bron was niet bereikbaar."),
        ("adres niet toegestaan", "Het adres ligt in een netwerk"),
        ("more than 5 redirects", "De bron stuurt het portaal steeds door"),
        ("redirect from https to http refused", "De bron stuurt het portaal door van een"),
        ("response larger than 5242880 bytes", "De bron stuurde meer"),
        ("unexpected error: KeyError", "Het portaal kon niet verwerken"),
        ("unexpected Mastodon status shape", "Wat de bron stuurde is geen feed"),
        ("unexpected content encoding: br", "Wat de bron stuurde is geen feed"),
        ("unexpected compressed data", "Wat de bron stuurde is geen feed"),
        ("HTTP 429", "De bron vroeg het portaal later terug te komen."),
        ("Bluesky search needs MONITORING_BLUESKY_APP_PASSWORD", "Zoeken op Bluesky"),
        ("interrupted", "Het ophalen werd onderbroken"),
        ("something new", "Het ophalen is mislukt"),
    ],
)
def test_every_stored_error_gets_a_sentence(error, start):
    with translation.override("nl"):
        assert fetch_error_explained(error).startswith(start)


def test_no_error_no_sentence():
    assert fetch_error_explained("") == ""
