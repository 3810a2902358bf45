"""A feed with far more items than any real one is read in part: the newest, up to a cap.

A broken or hostile feed of ~100,000 items once had every item stored and classified in
one run. Real feeds carry tens of items, a Mastodon or Bluesky run at most a few hundred.
"""

import datetime
import email.utils
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import FetchRun, Post
from monitoring.sources import bluesky, feeds, mastodon
from monitoring.sources.base import MAX_POSTS_PER_RUN
from monitoring.tests.helpers import make_source
from monitoring.tests.test_sources import rss_source

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _item(n: int, pub_date: str) -> str:
    return (
        f"<item><title>Bericht {n}</title><link>https://buurt.example/{n}</link>"
        f"<guid>item-{n}</guid><pubDate>{pub_date}</pubDate></item>"
    )


def generated_feed(count: int, *, extra_items: str = "") -> bytes:
    """`count` items, one hour apart from START, in shuffled order: item n is the n-th oldest."""
    numbers = list(range(count))
    random.Random(7).shuffle(numbers)
    items = "".join(
        _item(n, email.utils.format_datetime(START + datetime.timedelta(hours=n))) for n in numbers
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"{items}{extra_items}</channel></rss>"
    ).encode()


def test_it_stores_only_the_newest_posts_of_a_huge_feed_and_records_what_it_left_out(
    feed_server, db
):
    count = MAX_POSTS_PER_RUN + 700
    feed_server.route("/feed.rss", body=generated_feed(count))
    source = make_source(url=feed_server.url("/feed.rss"))
    run = services.source_poll(source_id=source.pk)
    assert (run.status, run.new_count, run.left_out_count) == (
        FetchRun.Status.SUCCEEDED,
        MAX_POSTS_PER_RUN,
        700,
    )
    stored = set(Post.objects.filter(source=source).values_list("external_id", flat=True))
    assert stored == {f"item-{n}" for n in range(700, count)}


def test_it_leaves_nothing_out_of_a_feed_within_the_cap(feed_server):
    feed_server.route("/feed.rss", body=generated_feed(MAX_POSTS_PER_RUN))
    result = feeds.fetch(rss_source(feed_server.url("/feed.rss")))
    assert (len(result.posts), result.left_out) == (MAX_POSTS_PER_RUN, 0)


@pytest.mark.parametrize(
    "when", ["Mon, 01 Jan 0001 00:00:00 +1400", "Sat, 01 Jan 1800 00:00:00 GMT", "2199-01-01"]
)
def test_it_lets_no_implausible_date_crowd_out_the_newest_posts(feed_server, when):
    # "01 Jan 0001 +1400" was read as the year 1400; a date ahead of the clock sorted first.
    odd = _item(99999, when)
    feed_server.route("/feed.rss", body=generated_feed(MAX_POSTS_PER_RUN, extra_items=odd))
    result = feeds.fetch(rss_source(feed_server.url("/feed.rss")))
    assert "item-99999" not in {p.external_id for p in result.posts}
    assert result.left_out == 1


@pytest.mark.parametrize(
    "when", ["Mon, 01 Jan 0001 00:00:00 +1400", "Sat, 01 Jan 1800 00:00:00 GMT"]
)
def test_it_stores_a_date_before_1990_as_unknown(feed_server, db, when):
    # Unknown is shown at the time the post was fetched, as a date ahead of the clock is.
    feed_server.route("/feed.rss", body=generated_feed(0, extra_items=_item(1, when)))
    source = make_source(url=feed_server.url("/feed.rss"))
    services.source_poll(source_id=source.pk)
    assert Post.objects.get(source=source).published_at is None


def test_it_keeps_a_date_shortly_ahead_of_the_clock(feed_server):
    # a clock a little fast at the feed's end is not a made-up date
    soon = timezone.now() + datetime.timedelta(hours=2)
    feed = generated_feed(0, extra_items=_item(1, email.utils.format_datetime(soon)))
    feed_server.route("/feed.rss", body=feed)
    (post,) = feeds.fetch(rss_source(feed_server.url("/feed.rss"))).posts
    assert post.published_at == soon.replace(microsecond=0)


def test_it_reads_no_more_mastodon_or_bluesky_posts_per_run_than_the_cap():
    # they continue from their cursor next run, so they must never reach the cap
    assert mastodon.PAGE_SIZE * mastodon.MAX_PAGES <= MAX_POSTS_PER_RUN
    assert bluesky.PAGE_SIZE * bluesky.MAX_PAGES <= MAX_POSTS_PER_RUN


def test_it_tells_the_board_in_dutch_how_many_posts_a_run_left_out(login, board):
    source = make_source(url="https://f.example/groot.rss")
    FetchRun.objects.create(
        source=source, started_at=timezone.now(), status="succeeded", left_out_count=1234
    )
    response = login(board).get(reverse("monitoring:sources"), HTTP_ACCEPT_LANGUAGE="nl")
    assert (
        f"1234 oudere berichten niet gelezen: de portal leest er hoogstens "
        f"{MAX_POSTS_PER_RUN} per keer" in response.content.decode()
    )
