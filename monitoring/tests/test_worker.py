"""End to end on a real Celery worker, Redis and PostgreSQL (CI sets both services).

The worker is a subprocess connected to the pytest test database; it fetches a fixture feed
from the local test server. A task delivered twice, or a worker killed mid-run (SIGKILL)
and started again, still leaves exactly one row per post.
"""

import signal
import threading
import time
import uuid

import pytest

from conftest import wait_for, worker
from monitoring.models import FetchRun, Post
from monitoring.tasks import fetch_source
from monitoring.tests.conftest import fixture_bytes
from monitoring.tests.helpers import make_source

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_it_ingests_a_feed_on_a_real_worker_once_even_when_sent_twice(
    services_up, feed_server, school_a, school_b
):
    feed_server.route("/feed.rss", fixture="feed.rss")
    source = make_source(url=feed_server.url("/feed.rss"))
    queue = f"test-monitoring-{uuid.uuid4().hex[:8]}"
    with worker(queue):
        fetch_source.apply_async((source.pk,), queue=queue, ignore_result=False).get(timeout=90)
        fetch_source.apply_async((source.pk,), queue=queue, ignore_result=False).get(timeout=90)
    assert Post.objects.filter(source=source).count() == 2
    assert list(FetchRun.objects.values_list("status", "new_count").order_by("pk")) == [
        ("succeeded", 2),
        ("succeeded", 0),
    ]
    assert source.posts.filter(flags__category="verify_fact").exists()


def test_it_leaves_one_row_per_post_after_a_worker_is_killed_mid_run(
    services_up, feed_server, school_a, school_b
):
    first_request, release = threading.Event(), threading.Event()

    def slow_once(request):
        if not first_request.is_set():
            first_request.set()
            release.wait(timeout=120)  # the worker is killed while it waits for this
        return 200, {}, fixture_bytes("feed.rss")

    feed_server.route("/feed.rss", handler=slow_once)
    source = make_source(url=feed_server.url("/feed.rss"))
    queue = f"test-monitoring-{uuid.uuid4().hex[:8]}"
    short = {"CELERY_VISIBILITY_TIMEOUT": "3"}
    try:
        with worker(queue, **short) as first:
            fetch_source.apply_async((source.pk,), queue=queue)
            assert first_request.wait(timeout=90), "the worker never fetched the feed"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=20)
        assert Post.objects.count() == 0
        # Let the visibility timeout pass before the next worker starts: kombu scans for
        # expired unacknowledged messages on its first restore call and then only every
        # ~100 s (unacked_restore_interval x unacked_restore_throttle).
        time.sleep(int(short["CELERY_VISIBILITY_TIMEOUT"]) + 2)
        with worker(queue, **short):
            # Redis hands the unacknowledged task out again to the new worker.
            assert wait_for(lambda: FetchRun.objects.filter(status="succeeded").exists(), 150)
    finally:
        release.set()
    assert Post.objects.filter(source=source).count() == 2
    assert list(FetchRun.objects.values_list("status", "error").order_by("pk")) == [
        ("failed", "interrupted"),
        ("succeeded", ""),
    ]


def test_it_ingests_a_paged_mastodon_timeline_and_a_malformed_feed_once_each(
    services_up, feed_server, school_a, school_b
):
    from monitoring.models import Source
    from monitoring.tests.mastodon_fake import PATH, MastodonTimeline, recorded_statuses

    timeline = MastodonTimeline(recorded_statuses(), server_limit=20)  # small pages
    feed_server.route(PATH, handler=timeline)
    feed_server.route("/feed.rss", fixture="malformed_recoverable.rss")
    tag = make_source(url=feed_server.url("/tags/vlindertuin"), kind=Source.Kind.MASTODON)
    feed = make_source(url=feed_server.url("/feed.rss"))
    queue = f"test-monitoring-{uuid.uuid4().hex[:8]}"

    def fetch_and_wait(source, runs_before: int) -> None:
        # Results are not stored (CELERY_TASK_IGNORE_RESULT): wait for the run's row.
        fetch_source.apply_async((source.pk,), queue=queue)
        finished = FetchRun.objects.filter(source=source).exclude(status="running")
        assert wait_for(lambda: finished.count() > runs_before, 120), "no fetch run ended"

    with worker(queue):
        fetch_and_wait(feed, 0)
        fetch_and_wait(tag, 0)
        later = timeline.publish(30, first_id=110000000000000100)
        # Sent twice: the second run finds the cursor moved on and nothing new.
        fetch_and_wait(tag, 1)
        fetch_and_wait(tag, 2)
    stored = list(Post.objects.filter(source=tag).values_list("external_id", flat=True))
    expected = {s["id"] for s in recorded_statuses()} | set(later)
    assert sorted(stored) == sorted(expected)  # every status once
    assert Post.objects.filter(source=feed).count() == 2
    tag.refresh_from_db()
    assert tag.cursor == later[-1]
