"""The real HTTP client and parsers against a local server serving recorded fixtures."""

import datetime
import json

import pytest
from django.utils import timezone

from monitoring.models import Source
from monitoring.sources import bluesky, feeds, mastodon
from monitoring.sources.base import AuthError, FetchError, MalformedFeed, RateLimited
from monitoring.sources.http import parse_retry_after
from monitoring.tests.bluesky_fake import PROFILE_URL, serve_bluesky
from monitoring.tests.conftest import fixture_bytes
from monitoring.tests.mastodon_fake import PATH as MASTODON_PATH
from monitoring.tests.mastodon_fake import MastodonTimeline, recorded_statuses


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


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_it_reads_a_hostile_retry_after_as_at_most_a_week(value):
    now = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    wait = parse_retry_after(value, now)
    assert wait is None or 0 <= wait <= 7 * 24 * 3600


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


def test_it_recovers_the_items_of_a_slightly_malformed_feed(feed_server):
    # A bare "&" in titles and an unclosed <b>: a strict XML parser gives up on all of it.
    feed_server.route("/feed.rss", fixture="malformed_recoverable.rss")
    posts = feeds.fetch(rss_source(feed_server.url("/feed.rss"))).posts
    assert [p.external_id for p in posts] == [
        "https://dorpskrant.example/1",
        "https://dorpskrant.example/2",
    ]
    assert posts[0].text.startswith("Ouders & leerkrachten van De Vlindertuin")
    assert (
        posts[1].text
        == "Kachel kapot op Het Zwanenhof\nDe kinderen zitten met hun jas aan in de klas."
    )


@pytest.mark.parametrize("body", [b"not xml at all", b'{"a": 1}', b"\x00\x01\x02"])
def test_it_rejects_a_document_with_nothing_readable(body):
    with pytest.raises(MalformedFeed, match="malformed XML"):
        feeds.parse_feed(body)


def test_it_refuses_entities_declared_in_a_malformed_document():
    broken_bomb = fixture_bytes("bomb.xml").replace(b"</rss>", b"")
    with pytest.raises(MalformedFeed, match="unsafe XML"):
        feeds.parse_feed(broken_bomb)


def test_it_never_lets_the_feed_parser_fetch_or_open_anything(feed_server):
    # A body that is a URL or a file name is a document to feedparser, not an address.
    feed_server.route("/other", fixture="feed.rss")
    for body in (feed_server.url("/other").encode(), b"/etc/passwd"):
        with pytest.raises(MalformedFeed):
            feeds.parse_feed(body)
    assert feed_server.hits("/other") == []


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


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-12:00", "0000-01-01T00:00:00Z"])
def test_it_reads_an_entry_whose_time_is_out_of_range_without_its_time(feed_server, when):
    # Year 10000 (or 0) in UTC failed the whole feed, run after run, while the entry stayed.
    atom = fixture_bytes("feed.atom").replace(b"2026-11-02T08:00:00Z", when.encode())
    feed_server.route("/feed.atom", body=atom)
    posts = feeds.fetch(rss_source(feed_server.url("/feed.atom"))).posts
    assert [p.external_id for p in posts] == ["urn:uuid:entry-1", "urn:uuid:entry-2"]
    assert posts[1].published_at is None


def test_it_rejects_xml_that_is_not_a_feed():
    with pytest.raises(MalformedFeed, match="not an RSS or Atom"):
        feeds.parse_feed(b"<html><body>hallo</body></html>")


# --- Mastodon -------------------------------------------------------------------------


def mastodon_source(feed_server, cursor="") -> Source:
    return Source(
        kind=Source.Kind.MASTODON, name="m", url=feed_server.url("/tags/vlindertuin"), cursor=cursor
    )


def serve_timeline(feed_server, **options) -> MastodonTimeline:
    timeline = MastodonTimeline(recorded_statuses(), **options)
    feed_server.route(MASTODON_PATH, handler=timeline)
    return timeline


def test_it_turns_a_tag_page_into_the_timeline_api_address():
    assert (
        mastodon.timeline_url("https://mastodon.example/tags/vlindertuin")
        == "https://mastodon.example/api/v1/timelines/tag/vlindertuin"
    )


def test_it_reads_the_link_header():
    header = (
        '<https://m.example/a?max_id=5>; rel="next", <https://m.example/a?min_id=9>; rel="prev"'
    )
    assert mastodon.parse_links(header) == {
        "next": "https://m.example/a?max_id=5",
        "prev": "https://m.example/a?min_id=9",
    }


def test_it_pages_back_by_link_header_on_a_first_run_whatever_the_page_size(feed_server):
    serve_timeline(feed_server, server_limit=20)  # fewer than the 40 asked for
    result = mastodon.fetch(mastodon_source(feed_server))
    assert len({p.external_id for p in result.posts}) == len(result.posts) == 46
    assert result.cursor == "110000000000000046"
    pages = feed_server.hits(MASTODON_PATH)
    assert pages[0].query == {"limit": "40"}
    assert pages[1].query["max_id"] == result.posts[19].external_id


def test_it_reads_every_new_status_from_a_server_with_small_pages(feed_server):
    # The case: a server returning fewer statuses per page than asked.
    timeline = serve_timeline(feed_server, server_limit=3)
    new = timeline.publish(7, first_id=110000000000000100)
    result = mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000046"))
    assert sorted(p.external_id for p in result.posts) == new
    assert feed_server.hits(MASTODON_PATH)[0].query["min_id"] == "110000000000000046"
    assert result.cursor == new[-1]


def test_it_continues_a_burst_in_the_next_run_from_where_it_stopped(feed_server):
    timeline = serve_timeline(feed_server)
    new = timeline.publish(500, first_id=110000000000001000)
    first = mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000046"))
    second = mastodon.fetch(mastodon_source(feed_server, cursor=first.cursor))
    third = mastodon.fetch(mastodon_source(feed_server, cursor=second.cursor))
    assert len(first.posts) == mastodon.MAX_PAGES * mastodon.PAGE_SIZE
    read = [p.external_id for p in first.posts + second.posts + third.posts]
    assert sorted(read) == new  # every status once, none twice
    assert third.cursor == new[-1]


def test_it_does_not_follow_a_link_to_another_host(feed_server):
    serve_timeline(feed_server, server_limit=20, link_host="http://elsewhere.example")
    result = mastodon.fetch(mastodon_source(feed_server))
    assert len(result.posts) == 20
    assert len(feed_server.requests) == 1


def test_it_strips_html_from_mastodon_posts_and_sees_media(feed_server):
    serve_timeline(feed_server)
    posts = mastodon.fetch(mastodon_source(feed_server)).posts
    by_id = {p.external_id: p for p in posts}
    first = by_id["110000000000000045"]
    assert first.text == "Bericht 45 over #vlindertuin & de juf"
    assert (first.has_media, by_id["110000000000000044"].has_media) == (True, False)
    assert first.author_handle == "ouder45@mastodon.test"


def test_it_stops_after_a_bounded_number_of_mastodon_pages(feed_server):
    timeline = serve_timeline(feed_server)
    timeline.publish(2000, first_id=110000000000001000)
    mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000046"))
    assert len(feed_server.requests) == mastodon.MAX_PAGES


def test_it_reports_a_429_on_a_later_page_without_moving_the_cursor(feed_server):
    timeline = serve_timeline(feed_server, server_limit=20)
    calls = []

    def limited(request):
        calls.append(request)
        if len(calls) > 1:
            return 429, {"Retry-After": "120"}, b""
        return timeline(request)

    feed_server.route(MASTODON_PATH, handler=limited)
    with pytest.raises(RateLimited) as raised:
        mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000001"))
    assert raised.value.retry_after == 120


def test_it_rejects_a_mastodon_answer_that_is_not_a_list(feed_server):
    feed_server.route("/api/v1/timelines/tag/vlindertuin", body=b'{"error": "nope"}')
    with pytest.raises(MalformedFeed):
        mastodon.fetch(mastodon_source(feed_server))


ODD_STATUSES = [
    None,
    {"id": None, "content": "<p>De Vlindertuin</p>"},
    {"content": "<p>geen id</p>"},
    {"id": "1", "content": 5},
    {"id": "2", "created_at": 1700000000},
    {"id": "3", "url": 12345},
    {"id": "4", "account": "ouder"},
]


@pytest.mark.parametrize("odd", ODD_STATUSES)
def test_it_keeps_the_other_statuses_when_one_has_an_odd_shape(feed_server, odd):
    good = recorded_statuses()[:2]
    feed_server.route(MASTODON_PATH, body=json.dumps([good[0], odd, good[1]]).encode())
    result = mastodon.fetch(mastodon_source(feed_server))
    assert [p.external_id for p in result.posts] == [good[0]["id"], good[1]["id"]]
    assert result.skipped == 1
    assert result.cursor == good[0]["id"]


def test_it_reads_a_mastodon_time_without_offset_as_utc(feed_server):
    status = {**recorded_statuses()[0], "created_at": "2026-11-06T10:45:00"}
    feed_server.route(MASTODON_PATH, body=json.dumps([status]).encode())
    post = mastodon.fetch(mastodon_source(feed_server)).posts[0]
    assert post.published_at == datetime.datetime(2026, 11, 6, 10, 45, tzinfo=datetime.UTC)


def test_it_moves_the_cursor_past_new_statuses_it_cannot_read(feed_server):
    # The only new status unreadable: the fetch failed, and every later one asked for it again.
    timeline = serve_timeline(feed_server)
    (odd_id,) = timeline.publish(1, first_id=110000000000000047)
    timeline.statuses[0]["content"] = 42
    result = mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000046"))
    assert (result.posts, result.skipped, result.cursor) == ([], 1, odd_id)


def test_it_moves_the_cursor_to_the_prev_link_past_statuses_without_an_id(feed_server):
    page_end = "110000000000000050"
    link = f'<{feed_server.url(MASTODON_PATH)}?limit=40&min_id={page_end}>; rel="prev"'
    feed_server.route(
        MASTODON_PATH,
        handler=lambda r: (
            (200, {}, b"[]")
            if r.query.get("min_id") == page_end
            else (200, {"Link": link}, b"[null]")
        ),
    )
    result = mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000046"))
    assert (result.posts, result.skipped, result.cursor) == ([], 1, page_end)


def test_it_trusts_no_prev_link_to_another_host_with_the_cursor(feed_server):
    elsewhere = "https://elsewhere.example" + MASTODON_PATH
    link = f'<{elsewhere}?min_id=999999999999999999>; rel="prev"'
    feed_server.route(MASTODON_PATH, body=b"[null]", headers={"Link": link})
    result = mastodon.fetch(mastodon_source(feed_server, cursor="110000000000000046"))
    assert (result.skipped, result.cursor) == (1, "110000000000000046")


# --- Bluesky --------------------------------------------------------------------------


def test_it_reads_a_bluesky_author_feed_from_the_configured_appview(feed_server, settings):
    settings.MONITORING_BLUESKY_APPVIEW = feed_server.url("/xrpc/")
    recorded = fixture_bytes("bluesky_author_feed.json")
    feed_server.route(
        "/xrpc/app.bsky.feed.getAuthorFeed",
        handler=lambda r: (200, {}, b'{"feed": []}' if r.query.get("cursor") else recorded),
    )
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


def test_it_pages_a_bluesky_feed_by_cursor(feed_server, settings):
    feed = serve_bluesky(feed_server, settings)
    uris = feed.publish(120, datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    source = Source(kind="bluesky", name="b", url="https://bsky.app/profile/ouder.bsky.social")
    result = bluesky.fetch(source)
    assert sorted(p.external_id for p in result.posts) == sorted(uris)
    assert [r.query.get("cursor") for r in feed_server.requests] == [None, "50", "100"]
    assert result.cursor == "2026-11-01T01:59:00+00:00"


def test_it_reads_bluesky_until_it_reaches_what_it_has(feed_server, settings):
    feed = serve_bluesky(feed_server, settings)
    feed.publish(60, datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    url = "https://bsky.app/profile/ouder.bsky.social"
    first = bluesky.fetch(Source(kind="bluesky", name="b", url=url))
    new = feed.publish(70, datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC))
    feed_server.requests.clear()
    second = bluesky.fetch(Source(kind="bluesky", name="b", url=url, cursor=first.cursor))
    assert set(new) <= {p.external_id for p in second.posts}
    assert len(feed_server.requests) == 2  # 50 new, then 20 new and what it already had
    assert second.cursor > first.cursor


def test_it_keeps_the_bluesky_cursor_when_nothing_is_new(feed_server, settings):
    feed = serve_bluesky(feed_server, settings)
    feed.publish(5, datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    url = "https://bsky.app/profile/ouder.bsky.social"
    first = bluesky.fetch(Source(kind="bluesky", name="b", url=url))
    again = bluesky.fetch(Source(kind="bluesky", name="b", url=url, cursor=first.cursor))
    assert again.cursor == first.cursor


START = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
FAR_FUTURE = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)


def test_it_moves_the_bluesky_cursor_to_when_a_post_was_indexed_not_the_date_it_claims(
    feed_server, settings
):
    feed = serve_bluesky(feed_server, settings)
    feed.publish(1, START, created_at=FAR_FUTURE)
    result = bluesky.fetch(Source(kind="bluesky", name="b", url=PROFILE_URL))
    assert result.cursor == START.isoformat()


def test_it_reads_past_a_back_dated_bluesky_post_that_ends_a_page(feed_server, settings):
    # An AppView that sorts by indexing time puts a post dated 2001 among the new ones;
    # ending the first page, it stopped the paging as if everything after it was known.
    feed = serve_bluesky(feed_server, settings, sorted_at=False)
    feed.publish(5, START)
    first = bluesky.fetch(Source(kind="bluesky", name="b", url=PROFILE_URL))
    hour = datetime.timedelta(hours=1)
    new = feed.publish(30, START + hour)
    new += feed.publish(
        1, START + 2 * hour, created_at=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    )
    new += feed.publish(bluesky.PAGE_SIZE - 1, START + 3 * hour)
    second = bluesky.fetch(Source(kind="bluesky", name="b", url=PROFILE_URL, cursor=first.cursor))
    assert set(new) <= {p.external_id for p in second.posts}


@pytest.mark.parametrize(
    ("created_at", "shown"),
    [
        (FAR_FUTURE, START),
        (START + datetime.timedelta(minutes=2), START + datetime.timedelta(minutes=2)),
    ],
)
def test_it_shows_a_bluesky_post_at_its_own_date_unless_that_is_ahead_of_its_indexing(
    feed_server, settings, created_at, shown
):
    # A phone's clock a minute or two fast is kept; a post dated 2099 headed the mentions.
    feed = serve_bluesky(feed_server, settings)
    feed.publish(1, START, created_at=created_at)
    (post,) = bluesky.fetch(Source(kind="bluesky", name="b", url=PROFILE_URL)).posts
    assert post.published_at == shown


def test_it_shows_a_bluesky_post_dated_before_1990_at_its_indexing_time(feed_server, settings):
    # No post is from before 1990: the year 1 (or 1400) is a made-up date.
    feed = serve_bluesky(feed_server, settings, sorted_at=False)
    feed.publish(1, START, created_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC))
    (post,) = bluesky.fetch(Source(kind="bluesky", name="b", url=PROFILE_URL)).posts
    assert post.published_at == START


def test_it_never_moves_the_bluesky_cursor_past_the_clock(feed_server, settings):
    # An AppView whose indexedAt is in 2099 (a wrong clock, or not bsky.app at all).
    feed = serve_bluesky(feed_server, settings, sorted_at=False)
    feed.publish(1, FAR_FUTURE)
    result = bluesky.fetch(Source(kind="bluesky", name="b", url=PROFILE_URL))
    assert START < datetime.datetime.fromisoformat(result.cursor) <= timezone.now()
    assert START < result.posts[0].published_at <= timezone.now()


def test_it_reads_a_bluesky_post_without_indexed_at_by_its_own_date_up_to_now(
    feed_server, settings
):
    feed = serve_bluesky(feed_server, settings)
    feed.publish(1, START - datetime.timedelta(days=1))
    feed.publish(1, START, created_at=FAR_FUTURE)
    for item in feed.posts:
        del item["post"]["indexedAt"]
    result = bluesky.fetch(Source(kind="bluesky", name="b", url=PROFILE_URL))
    assert START < datetime.datetime.fromisoformat(result.cursor) <= timezone.now()
    assert [p.published_at <= timezone.now() for p in result.posts] == [True, True]


def test_it_rejects_a_bluesky_feed_of_the_wrong_shape(feed_server, settings):
    settings.MONITORING_BLUESKY_APPVIEW = feed_server.url("/xrpc/")
    feed_server.route("/xrpc/app.bsky.feed.getAuthorFeed", body=b'{"feed": "x"}')
    source = Source(kind="bluesky", name="b", url="https://bsky.app/profile/ouder.bsky.social")
    with pytest.raises(MalformedFeed):
        bluesky.fetch(source)


def test_it_reads_a_bluesky_feed_of_nothing_but_odd_posts_as_nothing_new(feed_server, settings):
    # It failed, and so did every later run while the odd posts were the newest.
    settings.MONITORING_BLUESKY_APPVIEW = feed_server.url("/xrpc/")
    feed_server.route("/xrpc/app.bsky.feed.getAuthorFeed", body=b'{"feed": ["x", 3]}')
    source = Source(
        kind="bluesky",
        name="b",
        url="https://bsky.app/profile/ouder.bsky.social",
        cursor="2026-11-01T00:00:00+00:00",
    )
    result = bluesky.fetch(source)
    assert (result.posts, result.skipped, result.cursor) == ([], 2, source.cursor)


def test_it_keeps_the_other_bluesky_posts_when_one_has_an_odd_shape(feed_server, settings):
    settings.MONITORING_BLUESKY_APPVIEW = feed_server.url("/xrpc/")
    feed = json.loads(fixture_bytes("bluesky_author_feed.json"))
    feed["feed"].insert(1, {"post": {"uri": 42}})
    page = json.dumps(feed).encode()
    feed_server.route(
        "/xrpc/app.bsky.feed.getAuthorFeed",
        handler=lambda r: (200, {}, b'{"feed": []}' if r.query.get("cursor") else page),
    )
    source = Source(kind="bluesky", name="b", url="https://bsky.app/profile/ouder.bsky.social")
    result = bluesky.fetch(source)
    assert len(result.posts) == 2
    assert result.skipped == 1


def test_it_reports_a_bluesky_429_with_retry_after_without_waiting(feed_server, settings):
    settings.MONITORING_BLUESKY_APPVIEW = feed_server.url("/xrpc/")
    feed_server.route(
        "/xrpc/app.bsky.feed.getAuthorFeed", status=429, headers={"Retry-After": "90"}
    )
    source = Source(kind="bluesky", name="b", url="https://bsky.app/profile/ouder.bsky.social")
    with pytest.raises(RateLimited) as raised:
        bluesky.fetch(source)
    assert raised.value.retry_after == 90
