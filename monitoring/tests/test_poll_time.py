"""A poll given a time (a test's, the demo's day) stores everything at that time.

source_poll(now=…) claimed the source at that time but ingested with the real clock:
posts, their mentions, the run's end and the marks of deleted posts still carried by
the feed were dated today, so a test of "31 days later" counted from the wrong day.
"""

import datetime

import pytest

from monitoring import services
from monitoring.models import FetchRun, ForgottenPost, Mention, Post
from monitoring.sources.base import FetchError
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def source(feed_server):
    feed_server.route("/feed.rss", fixture="feed.rss")
    return make_source(url=feed_server.url("/feed.rss"))


def test_it_stores_posts_and_the_run_at_the_given_time(source, school_a):
    run = services.source_poll(source_id=source.pk, now=WHEN)
    assert run is not None
    run.refresh_from_db()
    assert (run.status, run.started_at, run.finished_at) == ("succeeded", WHEN, WHEN)
    assert set(Post.objects.values_list("fetched_at", "classified_at")) == {(WHEN, WHEN)}
    assert set(Mention.objects.values_list("created_at", flat=True)) == {WHEN}


def test_it_marks_deleted_posts_seen_at_the_given_time(source, school_a):
    services.source_poll(source_id=source.pk, now=WHEN)
    later = WHEN + datetime.timedelta(days=31)
    services.posts_apply_retention(now=later)  # the unflagged post goes, the flagged stays
    assert Post.objects.count() == 1
    services.source_poll(source_id=source.pk, now=later + datetime.timedelta(hours=1))
    assert Post.objects.count() == 1
    assert set(ForgottenPost.objects.values_list("seen_at", flat=True)) == {
        later + datetime.timedelta(hours=1)
    }


def test_it_records_a_failed_run_at_the_given_time(source, feed_server):
    feed_server.route("/feed.rss", status=500)
    with pytest.raises(FetchError):
        services.source_poll(source_id=source.pk, now=WHEN)
    run = FetchRun.objects.get()
    assert (run.status, run.finished_at) == ("failed", WHEN)
