"""The real HTTP client and parsers against a local server serving recorded fixtures."""

import datetime

import pytest

from monitoring.models import Source
from monitoring.sources import bluesky, feeds, mastodon
from monitoring.sources.base import AuthError, FetchError, MalformedFeed, RateLimited
from monitoring.sources.http import parse_retry_after
from monitoring.tests.conftest import fixture_bytes


def rss_source(url: str, **extra) -> Source:
    return Source(kind=Source.Kind.RSS, name="feed", url=url, **extra)


def test_it_reads_rss_items_from_the_server(feed_server):
    feed_server.route(
        "/feed.rss", fixture="feed.rss", headers={"Content-Type": "application/rss+xml"}
    )
    result = feeds.fetch(rss_source(feed_server.url("/feed.rss")))
    first, second = result.posts
    assert first.external_id == "https://buurt.example/nieuws/1"
    assert first.text == "Schoolfeest bij De Vlindertuin\nWat een mooi feest op De Vlindertuin!"
    assert first.author_handle == "buurtredactie"
    assert first.published_at == datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    assert (first.has_media, second.has_media) == (False, True)


def test_it_reads_atom_entries(feed_server):
    feed_server.route("/feed.atom", fixture="feed.atom")
    posts = feeds.fetch(rss_source(feed_server.url("/feed.atom"))).posts
    assert [p.external_id for p in posts] == ["urn:uuid:entry-1", "urn:uuid:entry-2"]
    assert posts[0].url == "https://dorp.example/kerstmarkt"
    assert (
        posts[0].text == "Kerstmarkt op De Vlindertuin\nGezellige kerstmarkt, leuk georganiseerd."
    )
    assert posts[1].has_media is True
    assert posts[1].published_at == datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)


def test_it_sends_a_user_agent_and_remembers_etag_and_last_modified(feed_server, settings):
    settings.MONITORING_USER_AGENT = "opo-test-agent"
    headers = {"ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"}
    feed_server.route("/feed.rss", fixture="feed.rss", headers=headers)
    result = feeds.fetch(rss_source(feed_server.url("/feed.rss")))
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 02 Nov 2026 10:00:00 GMT")
    assert feed_server.requests[0].headers["user-agent"] == "opo-test-agent"


def test_it_sends_conditional_headers_and_treats_304_as_no_news(feed_server):
    feed_server.route("/feed.rss", status=304, headers={"ETag": '"v1"'})
    source = rss_source(feed_server.url("/feed.rss"), etag='"v1"', last_modified="Mon, 02 Nov 2026")
    result = feeds.fetch(source)
    assert result.not_modified and result.posts == []
    sent = feed_server.requests[0].headers
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"v1"', "Mon, 02 Nov 2026")


@pytest.mark.parametrize("status", [401, 403])
def test_it_raises_a_non_retryable_auth_error_on_401_and_403(feed_server, status):
    feed_server.route("/feed.rss", status=status)
    with pytest.raises(AuthError) as caught:
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))
    assert caught.value.retryable is False


def test_it_reports_retry_after_on_429(feed_server):
    feed_server.route("/feed.rss", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as caught:
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))
    assert caught.value.retry_after == 120


def test_it_reads_retry_after_as_an_http_date():
    now = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    assert parse_retry_after("Mon, 02 Nov 2026 10:01:30 GMT", now) == 90


def test_it_treats_server_errors_as_retryable(feed_server):
    feed_server.route("/feed.rss", status=503)
    with pytest.raises(FetchError) as caught:
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))
    assert caught.value.retryable is True


def test_it_treats_a_refused_connection_as_retryable(feed_server):
    source = rss_source("http://127.0.0.1:9/feed.rss")
    with pytest.raises(FetchError) as caught:
        feeds.fetch(source)
    assert caught.value.retryable is True


def test_it_refuses_a_response_larger_than_the_cap(feed_server, settings):
    settings.MONITORING_MAX_RESPONSE_BYTES = 100
    feed_server.route("/feed.rss", fixture="feed.rss")
    with pytest.raises(FetchError, match="larger than"):
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))


def test_it_rejects_malformed_xml(feed_server):
    feed_server.route("/feed.rss", fixture="malformed.xml")
    with pytest.raises(MalformedFeed, match="malformed XML"):
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))


def test_it_refuses_a_billion_laughs_bomb(feed_server):
    feed_server.route("/feed.rss", fixture="bomb.xml")
    with pytest.raises(MalformedFeed, match="unsafe XML"):
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))


def test_it_refuses_an_external_entity(feed_server):
    feed_server.route("/feed.rss", fixture="xxe.xml")
    with pytest.raises(MalformedFeed, match="unsafe XML"):
        feeds.fetch(rss_source(feed_server.url("/feed.rss")))


def test_it_reads_cp1252_bytes_that_claim_to_be_utf8(feed_server):
    feed_server.route("/feed.rss", fixture="cp1252_declared_utf8.rss")
    (post,) = feeds.fetch(rss_source(feed_server.url("/feed.rss"))).posts
    assert post.text == "Leuk café-ochtend bij De Vlindertuin – échte koffie"


def test_it_reads_utf8_bytes_that_claim_to_be_cp1252(feed_server):
    feed_server.route("/feed.rss", fixture="utf8_declared_cp1252.rss")
    (post,) = feeds.fetch(rss_source(feed_server.url("/feed.rss"))).posts
    assert post.text == "Leuk café-ochtend bij De Vlindertuin – échte koffie"


def test_it_rejects_xml_that_is_not_a_feed():
    with pytest.raises(MalformedFeed, match="not an RSS or Atom"):
        feeds.parse_feed(b"<html><body>hallo</body></html>")


# --- Mastodon -------------------------------------------------------------------------


def _mastodon_timeline(request):
    """Newest first, like Mastodon: page 1 (40), then older via max_id, then newer via since_id."""
    if request.query.get("since_id") == "110000000000000045":
        return 200, {}, fixture_bytes("mastodon_newer.json")
    if request.query.get("max_id"):
        return 200, {}, fixture_bytes("mastodon_page2.json")
    return 200, {}, fixture_bytes("mastodon_page1.json")


def mastodon_source(feed_server, cursor="") -> Source:
    return Source(
        kind=Source.Kind.MASTODON, name="m", url=feed_server.url("/tags/vlindertuin"), cursor=cursor
    )


def test_it_turns_a_tag_page_into_the_timeline_api_address():
    assert (
        mastodon.timeline_url("https://mastodon.example/tags/vlindertuin")
        == "https://mastodon.example/api/v1/timelines/tag/vlindertuin"
    )


def test_it_pages_a_mastodon_timeline_until_a_short_page(feed_server):
    feed_server.route("/api/v1/timelines/tag/vlindertuin", handler=_mastodon_timeline)
    result = mastodon.fetch(mastodon_source(feed_server))
    assert len(result.posts) == 45
    assert len({p.external_id for p in result.posts}) == 45
    assert result.cursor == "110000000000000045"
    pages = feed_server.hits("/api/v1/timelines/tag/vlindertuin")
    assert [r.query.get("limit") for r in pages] == ["40", "40"]
    assert pages[1].query["max_id"] == "110000000000000006"


def test_it_asks_mastodon_only_for_posts_newer_than_the_cursor(feed_server):
    feed_server.route("/api/v1/timelines/tag/vlindertuin", handler=_mastodon_timeline)
    result = mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000045"))
    assert [p.external_id for p in result.posts] == ["110000000000000046"]
    assert feed_server.requests[0].query["since_id"] == "110000000000000045"
    assert result.cursor == "110000000000000046"


def test_it_strips_html_from_mastodon_posts_and_sees_media(feed_server):
    feed_server.route("/api/v1/timelines/tag/vlindertuin", handler=_mastodon_timeline)
    posts = mastodon.fetch(mastodon_source(feed_server)).posts
    assert posts[0].text == "Bericht 45 over #vlindertuin & de juf"
    assert (posts[0].has_media, posts[1].has_media) == (True, False)
    assert posts[0].author_handle == "ouder45@mastodon.test"


def test_it_stops_after_a_bounded_number_of_mastodon_pages(feed_server):
    feed_server.route(
        "/api/v1/timelines/tag/vlindertuin",
        handler=lambda r: (200, {}, fixture_bytes("mastodon_page1.json")),
    )
    mastodon.fetch(mastodon_source(feed_server))
    assert len(feed_server.requests) == mastodon.MAX_PAGES


def test_it_rejects_a_mastodon_answer_that_is_not_a_list(feed_server):
    feed_server.route("/api/v1/timelines/tag/vlindertuin", body=b'{"error": "nope"}')
    with pytest.raises(MalformedFeed):
        mastodon.fetch(mastodon_source(feed_server))


# --- Bluesky --------------------------------------------------------------------------


def test_it_reads_a_bluesky_author_feed_from_the_configured_appview(feed_server, settings):
    settings.MONITORING_BLUESKY_APPVIEW = feed_server.url("/xrpc/")
    feed_server.route("/xrpc/app.bsky.feed.getAuthorFeed", fixture="bluesky_author_feed.json")
    source = Source(kind="bluesky", name="b", url="https://bsky.app/profile/ouder.bsky.social")
    result = bluesky.fetch(source)
    assert [p.external_id for p in result.posts] == [
        "at://did:plc:abc/app.bsky.feed.post/3kaaa",
        "at://did:plc:abc/app.bsky.feed.post/3kbbb",
    ]
    assert result.posts[0].url == "https://bsky.app/profile/ouder.bsky.social/post/3kaaa"
    assert [p.has_media for p in result.posts] == [False, True]
    assert feed_server.requests[0].query["actor"] == "ouder.bsky.social"


def test_it_logs_in_to_search_bluesky_with_an_app_password(feed_server, settings):
    settings.MONITORING_BLUESKY_PDS = feed_server.url("/xrpc/")
    settings.MONITORING_BLUESKY_HANDLE = "opo.bsky.social"
    settings.MONITORING_BLUESKY_APP_PASSWORD = "app-pass-1234"  # noqa: S105 - test value
    session = b'{"accessJwt": "jwt-1", "refreshJwt": "r", "handle": "opo.bsky.social"}'
    feed_server.route("/xrpc/com.atproto.server.createSession", body=session)
    feed_server.route("/xrpc/app.bsky.feed.searchPosts", fixture="bluesky_search.json")
    source = Source(kind="bluesky", name="b", url="https://bsky.app/search?q=zwanenhof")
    (post,) = bluesky.fetch(source).posts
    assert post.text == "Is het waar dat Het Zwanenhof sluit?"
    login, search = feed_server.requests
    assert login.json() == {"identifier": "opo.bsky.social", "password": "app-pass-1234"}
    assert search.headers["authorization"] == "Bearer jwt-1"
    assert search.query["q"] == "zwanenhof"


def test_it_refuses_bluesky_search_without_an_app_password(settings):
    settings.MONITORING_BLUESKY_APP_PASSWORD = ""
    source = Source(kind="bluesky", name="b", url="https://bsky.app/search?q=zwanenhof")
    with pytest.raises(AuthError):
        bluesky.fetch(source)
