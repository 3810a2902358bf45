"""Fetch → store → classify → flag → case, through the real HTTP client and services."""

import copy
import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from monitoring import services
from monitoring.models import FetchRun, Flag, FollowUp, Mention, Post, Source, WatchTerm
from monitoring.sources import bluesky
from monitoring.sources.base import (
    AuthError,
    FetchedPost,
    FetchError,
    FetchResult,
    MalformedFeed,
    RateLimited,
)
from monitoring.tasks import fetch_source
from monitoring.tests.bluesky_fake import PROFILE_URL, serve_bluesky
from monitoring.tests.conftest import fixture_bytes
from monitoring.tests.helpers import make_source
from monitoring.tests.mastodon_fake import PATH as MASTODON_PATH
from monitoring.tests.mastodon_fake import MastodonTimeline, recorded_statuses

pytestmark = pytest.mark.django_db
FAR_FUTURE = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def rss(feed_server, school_a, school_b):
    feed_server.route("/feed.rss", fixture="feed.rss", headers={"ETag": '"v1"'})
    return make_source(url=feed_server.url("/feed.rss"))


def test_it_stores_each_post_once_when_the_same_feed_is_fetched_twice(rss):
    first = services.source_poll(source_id=rss.pk)
    second = services.source_poll(source_id=rss.pk)
    assert Post.objects.filter(source=rss).count() == 2
    assert (first.new_count, first.duplicate_count) == (2, 0)
    assert (second.new_count, second.duplicate_count) == (0, 2)


def test_it_remembers_the_etag_and_sends_it_next_time(rss, feed_server):
    services.source_poll(source_id=rss.pk)
    services.source_poll(source_id=rss.pk)
    rss.refresh_from_db()
    assert rss.etag == '"v1"'
    assert feed_server.requests[1].headers["if-none-match"] == '"v1"'


def test_it_records_a_304_as_a_successful_run_without_posts(rss, feed_server):
    feed_server.route("/feed.rss", status=304)
    run = services.source_poll(source_id=rss.pk)
    assert run.status == FetchRun.Status.NOT_MODIFIED
    assert Post.objects.count() == 0


def test_it_updates_an_edited_post_and_classifies_it_again(rss, feed_server):
    services.source_poll(source_id=rss.pk)
    edited = fixture_bytes("feed.rss").replace(
        b"Wat een &lt;b&gt;mooi&lt;/b&gt; feest", b"Wat een idioot feest"
    )
    feed_server.route("/feed.rss", body=edited)
    run = services.source_poll(source_id=rss.pk)
    post = Post.objects.get(external_id="https://buurt.example/nieuws/1")
    assert run.updated_count == 1
    assert "idioot" in post.text
    assert Post.objects.count() == 2
    assert post.flags.filter(category="insult").exists()


def test_it_records_a_malformed_feed_as_a_failed_run(rss, feed_server):
    feed_server.route("/feed.rss", fixture="malformed.xml")
    with pytest.raises(MalformedFeed):
        services.source_poll(source_id=rss.pk)
    run = FetchRun.objects.get()
    assert run.status == FetchRun.Status.FAILED
    assert "malformed XML" in run.error


def test_it_marks_the_source_for_attention_on_401(rss, feed_server):
    feed_server.route("/feed.rss", status=401)
    with pytest.raises(AuthError):
        services.source_poll(source_id=rss.pk)
    rss.refresh_from_db()
    assert rss.needs_attention is True


def test_it_tells_the_board_once_after_n_failures_in_a_row(
    rss, feed_server, board, settings, django_capture_on_commit_callbacks
):
    settings.MONITORING_FAILURE_NOTIFY_AFTER = 3
    feed_server.route("/feed.rss", status=500)
    for _ in range(5):
        with pytest.raises(FetchError), django_capture_on_commit_callbacks(execute=True):
            services.source_poll(source_id=rss.pk)
    rss.refresh_from_db()
    assert rss.consecutive_failures == 5
    assert rss.failure_notified_at is not None
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_it_tells_the_board_again_when_a_paused_and_resumed_source_keeps_failing(
    rss, feed_server, board, settings, login, django_capture_on_commit_callbacks
):
    # pausing reset the count but not the "told" mark: the new streak went unreported
    import time_machine
    from django.urls import reverse

    settings.MONITORING_FAILURE_NOTIFY_AFTER = 2
    feed_server.route("/feed.rss", status=500)

    def fail_twice():
        for _ in range(2):
            with pytest.raises(FetchError), django_capture_on_commit_callbacks(execute=True):
                services.source_poll(source_id=rss.pk)

    fail_twice()
    client = login(board)
    for active in ("0", "1"):  # pause, resume
        client.post(reverse("monitoring:source_toggle", args=[rss.pk]), {"active": active})
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):  # a later streak
        fail_twice()
    assert [m.to for m in mail.outbox] == [[board.email], [board.email]]


def test_it_resets_the_failure_count_after_a_success(rss, feed_server):
    feed_server.route("/feed.rss", status=500)
    with pytest.raises(FetchError):
        services.source_poll(source_id=rss.pk)
    feed_server.route("/feed.rss", fixture="feed.rss")
    services.source_poll(source_id=rss.pk)
    rss.refresh_from_db()
    assert rss.consecutive_failures == 0


def test_it_skips_a_source_another_run_holds(rss):
    assert services.source_claim(source_id=rss.pk, token="other", now=timezone.now())
    assert services.source_poll(source_id=rss.pk, token="mine") is None
    assert FetchRun.objects.count() == 0


def test_it_lets_a_redelivered_task_take_its_own_claim_and_closes_the_interrupted_run(rss):
    now = timezone.now()
    services.source_claim(source_id=rss.pk, token="task-1", now=now)
    FetchRun.objects.create(source=rss, started_at=now, status="running")
    run = services.source_poll(source_id=rss.pk, token="task-1")
    assert run.status == FetchRun.Status.SUCCEEDED
    assert list(FetchRun.objects.values_list("status", "error").order_by("pk")) == [
        ("failed", "interrupted"),
        ("succeeded", ""),
    ]


def test_it_takes_a_claim_whose_lease_has_expired(rss):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    services.source_claim(source_id=rss.pk, token="crashed", now=long_ago)
    assert services.source_poll(source_id=rss.pk, token="new") is not None


def test_it_releases_the_claim_after_a_failed_run(rss, feed_server):
    feed_server.route("/feed.rss", status=500)
    with pytest.raises(FetchError):
        services.source_poll(source_id=rss.pk)
    rss.refresh_from_db()
    assert (rss.claim_token, rss.claimed_until) == ("", None)


# --- Dispatch ------------------------------------------------------------------------


def test_it_queues_each_due_source_once_and_moves_its_next_run(rss, monkeypatch):
    queued = []
    monkeypatch.setattr(fetch_source, "delay", queued.append)
    now = timezone.now()
    Source.objects.filter(pk=rss.pk).update(next_run_at=now, interval_minutes=60)
    with_commit = services.sources_dispatch(now=now)
    again = services.sources_dispatch(now=now)
    rss.refresh_from_db()
    assert (with_commit, again) == ([rss.pk], [])
    minutes = (rss.next_run_at - now).total_seconds() / 60
    assert 54 <= minutes <= 66


def test_it_queues_again_a_fetch_whose_message_was_lost(
    rss, monkeypatch, settings, django_capture_on_commit_callbacks
):
    # The broker lost the message (a Redis restarted without AOF): nothing ever started it.
    settings.MONITORING_REQUEUE_AFTER_SECONDS = 600
    lost = []
    monkeypatch.setattr(fetch_source, "delay", lambda source_id, mark: lost.append(source_id))
    now = timezone.now()
    Source.objects.filter(pk=rss.pk).update(next_run_at=now, interval_minutes=60)

    def dispatch(minutes: int) -> list[int]:
        with django_capture_on_commit_callbacks(execute=True):
            return services.sources_dispatch(now=now + datetime.timedelta(minutes=minutes))

    first = dispatch(0)
    rss.refresh_from_db()
    next_run_at = rss.next_run_at
    waiting = dispatch(9)
    again, twice = dispatch(11), dispatch(11)
    later = now + datetime.timedelta(minutes=11)
    rss.refresh_from_db()
    assert (first, waiting, again, twice) == ([rss.pk], [], [rss.pk], [])
    assert lost == [rss.pk, rss.pk]
    assert (rss.queued_at, rss.next_run_at) == (later, next_run_at)


def test_it_does_not_queue_again_a_fetch_that_started(rss, monkeypatch):
    monkeypatch.setattr(fetch_source, "delay", lambda *args: None)
    now = timezone.now()
    Source.objects.filter(pk=rss.pk).update(next_run_at=now, interval_minutes=60)
    services.sources_dispatch(now=now)
    services.source_poll(source_id=rss.pk, now=now + datetime.timedelta(minutes=1))
    rss.refresh_from_db()
    assert rss.queued_at is None
    assert services.sources_dispatch(now=now + datetime.timedelta(minutes=30)) == []


def _dispatched(rss, monkeypatch, capture, *minutes: int) -> list[tuple]:
    """The messages the dispatcher sends at these minutes after a due time, none of them
    run (no worker): (source id, mark) each."""
    sent = []
    monkeypatch.setattr(fetch_source, "delay", lambda *args: sent.append(args))
    now = timezone.now()
    Source.objects.filter(pk=rss.pk).update(next_run_at=now, interval_minutes=30)
    for minute in minutes:
        with capture(execute=True):
            services.sources_dispatch(now=now + datetime.timedelta(minutes=minute))
    return sent


def test_it_fetches_once_for_the_messages_that_piled_up_while_no_worker_ran(
    rss, feed_server, monkeypatch, django_capture_on_commit_callbacks
):
    piled = _dispatched(rss, monkeypatch, django_capture_on_commit_callbacks, 0, 40, 80)
    for args in piled:  # the worker is back: the queue drains in order
        fetch_source.apply(args=args)
    assert len(piled) == 3
    assert FetchRun.objects.count() == 1
    assert len(feed_server.hits("/feed.rss")) == 1


def test_it_runs_a_retry_and_a_redelivered_message_but_not_a_used_mark_again(
    rss, monkeypatch, django_capture_on_commit_callbacks
):
    [message] = _dispatched(rss, monkeypatch, django_capture_on_commit_callbacks, 0)
    fetch_source.apply(args=message, task_id="first")
    fetch_source.apply(args=message, task_id="duplicate")  # the same message again: nothing
    assert FetchRun.objects.count() == 1
    fetch_source.apply(args=message, task_id="first", retries=1)  # a retry always runs
    assert FetchRun.objects.count() == 2
    # Its worker died mid-run: the claim is still its own, and Redis hands the message out
    # again with the same task id.
    Source.objects.filter(pk=rss.pk).update(claim_token="task-crashed")
    fetch_source.apply(args=message, task_id="crashed")
    assert FetchRun.objects.count() == 3


def test_it_does_not_queue_paused_manual_or_not_yet_due_sources(school_a, monkeypatch):
    monkeypatch.setattr(fetch_source, "delay", lambda *a: None)
    now = timezone.now()
    make_source(url="https://a.example/paused", active=False)
    make_source(url="https://a.example/later", next_run_at=now + datetime.timedelta(minutes=5))
    services.manual_source_for(school=school_a)
    assert services.sources_dispatch(now=now) == []


# --- Retries -------------------------------------------------------------------------


def test_it_waits_as_long_as_retry_after_says():
    error = RateLimited("429", retry_after=120)
    assert services.retry_countdown(error=error, retries=0) == 120


def test_it_never_waits_past_the_visibility_timeout(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    error = RateLimited("429", retry_after=3600)
    assert services.retry_countdown(error=error, retries=0) is None
    assert services.retry_countdown(error=FetchError("500"), retries=10) is None


def test_it_backs_off_between_retries():
    first = services.retry_countdown(error=FetchError("500"), retries=0)
    third = services.retry_countdown(error=FetchError("500"), retries=2)
    assert 30 <= first <= 45
    assert 120 <= third <= 135


def test_it_does_not_retry_auth_errors_or_malformed_feeds():
    assert services.retry_countdown(error=AuthError("401"), retries=0) is None
    assert services.retry_countdown(error=MalformedFeed("x"), retries=0) is None


def test_it_puts_off_a_rate_limited_source_until_retry_after(rss, feed_server):
    feed_server.route("/feed.rss", status=429, headers={"Retry-After": "7200"})
    before = timezone.now()
    fetch_source.delay(rss.pk)
    rss.refresh_from_db()
    assert rss.next_run_at >= before + datetime.timedelta(seconds=7200)
    assert FetchRun.objects.get().status == FetchRun.Status.FAILED


def test_it_records_a_rate_limited_fetch_whose_retry_after_is_absurdly_long(rss, feed_server):
    feed_server.route("/feed.rss", status=429, headers={"Retry-After": "99999999999999999999"})
    with pytest.raises(RateLimited):
        services.source_poll(source_id=rss.pk)
    rss.refresh_from_db()
    assert rss.next_run_at <= timezone.now() + datetime.timedelta(days=7)
    assert FetchRun.objects.get().status == FetchRun.Status.FAILED


def test_it_records_a_failing_fetch_without_raising_in_eager_mode(rss, feed_server):
    # Eager mode cannot wait for a retry; the next dispatch tries again.
    feed_server.route("/feed.rss", status=503)
    fetch_source.delay(rss.pk)
    assert FetchRun.objects.get().status == FetchRun.Status.FAILED


# --- Flags and cases -----------------------------------------------------------------


def test_it_flags_posts_for_the_school_they_mention(rss):
    services.source_poll(source_id=rss.pk)
    flag = Flag.objects.get(category="verify_fact")
    assert flag.school.code == "zwanenhof"
    assert flag.post.external_id == "https://buurt.example/nieuws/2"
    assert flag.rule_version


def test_it_opens_a_case_for_a_flag_that_needs_a_conversation(rss):
    services.source_poll(source_id=rss.pk)
    case = FollowUp.objects.get()
    assert case.school.code == "zwanenhof"
    assert case.status == FollowUp.Status.NEW


def test_it_opens_no_case_for_a_positive_mention_only(rss, feed_server):
    services.source_poll(source_id=rss.pk)
    positive = Flag.objects.get(category="positive")
    assert positive.followup is None


def test_it_never_stores_a_pupil_name_in_a_flag(school_a, pupil_a, caplog):
    source = make_source(url="https://feeds.example/a.rss")
    result = FetchResult(
        posts=[FetchedPost(external_id="p1", text="Sem Bakker van De Vlindertuin is een idioot")]
    )
    services.source_ingest(source=source, result=result)
    flags = list(Flag.objects.values_list("category", "matched"))
    assert "privacy" in [category for category, _ in flags]
    stored = (
        repr(flags) + repr(list(FollowUp.objects.values_list("shingles", "notes"))) + caplog.text
    )
    assert "Sem" not in stored and "Bakker" not in stored


def test_it_counts_the_board_watch_terms_as_school_names(school_a):
    WatchTerm.objects.create(school=school_a, term="Vlinderschool Borger")
    source = make_source(url="https://feeds.example/a.rss")
    text = "De Vlinderschool Borger gaat volgend jaar sluiten"
    services.source_ingest(source=source, result=FetchResult(posts=[FetchedPost("p1", text)]))
    assert Flag.objects.filter(school=school_a, category="verify_fact").exists()


def test_it_flags_a_post_on_a_school_source_that_does_not_name_the_school(school_a):
    source = make_source(url="https://m.example/tags/vlindertuin", kind="mastodon", school=school_a)
    text = "De juf is een idioot"
    services.source_ingest(source=source, result=FetchResult(posts=[FetchedPost("p1", text)]))
    assert Flag.objects.filter(school=school_a, category="insult").exists()


def test_it_runs_dispatch_then_fetch_end_to_end_in_eager_mode(
    rss, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch_source.app.tasks["monitoring.dispatch_due_sources"].delay().get() == 1
    assert Post.objects.filter(source=rss).count() == 2
    assert FetchRun.objects.get().status == FetchRun.Status.SUCCEEDED


def test_it_stores_mastodon_statuses_with_nul_characters_surrogates_and_long_ids(
    feed_server, school_a
):
    # JSON may carry what PostgreSQL cannot store (\u0000, a lone \ud800) and ids of any
    # length; such a status from a stranger's server once stopped the whole fetch.
    statuses = [copy.deepcopy(recorded_statuses()[0]) for _ in range(3)]
    statuses[0].update(id="1" * 600, content="<p>Juf\u0000 van De Vlindertuin</p>")
    statuses[0]["account"]["acct"] = "ouder\u0000@m.example"
    statuses[1].update(id="12\u00003", spoiler_text="\u0000", content="<p>\ud800 Vlindertuin</p>")
    statuses[2].update(id="7")
    feed_server.route(
        MASTODON_PATH,
        headers={"Content-Type": "application/json"},
        body=json.dumps(statuses).encode(),
    )
    source = make_source(url=feed_server.url("/tags/vlindertuin"), kind="mastodon")
    run = services.source_poll(source_id=source.pk)
    assert (run.status, run.new_count) == (FetchRun.Status.SUCCEEDED, 3)
    posts = Post.objects.filter(source=source)
    assert not any("\x00" in p.text + p.author_handle + p.external_id for p in posts)
    assert posts.get(text__startswith="Juf").author_handle == "ouder@m.example"


def test_it_stores_an_author_without_direction_controls_and_the_text_as_it_came(
    feed_server, school_a
):
    # U+202E RIGHT-TO-LEFT OVERRIDE in a handle makes it read as another one on every page
    # that names it (opo_portal.text); the text is evidence and is shown isolated instead.
    status = copy.deepcopy(recorded_statuses()[0])
    status["account"]["acct"] = "\u2066ouder\u202emoc.elpmaxe@\u2069"
    status["content"] = "<p>Juf van De Vlindertuin \u202eblah</p>"
    feed_server.route(
        MASTODON_PATH,
        headers={"Content-Type": "application/json"},
        body=json.dumps([status]).encode(),
    )
    source = make_source(url=feed_server.url("/tags/vlindertuin"), kind="mastodon")
    services.source_poll(source_id=source.pk)
    post = Post.objects.get(source=source)
    assert post.author_handle == "oudermoc.elpmaxe@"
    assert post.text == "Juf van De Vlindertuin \u202eblah"


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_it_drops_a_published_time_that_is_out_of_range_in_utc(feed_server, school_a, when):
    # Stored as is, such a time could not be read back: every page listing the post failed.
    status = copy.deepcopy(recorded_statuses()[0])
    status["created_at"] = when
    feed_server.route(
        MASTODON_PATH,
        headers={"Content-Type": "application/json"},
        body=json.dumps([status]).encode(),
    )
    source = make_source(url=feed_server.url("/tags/vlindertuin"), kind="mastodon")
    services.source_poll(source_id=source.pk)
    assert Post.objects.get(source=source).published_at is None


def test_it_stores_the_other_statuses_and_records_the_one_it_could_not_read(feed_server, school_a):
    # One status of an odd shape (a number for its text) once failed the whole fetch, run
    # after run: every later post about the school behind it was never seen.
    statuses = [copy.deepcopy(recorded_statuses()[0]) for _ in range(3)]
    statuses[0].update(id="7", content="<p>Niemand belt terug, De Vlindertuin</p>")
    statuses[1].update(id="8", content=42)
    statuses[2].update(id="9")
    feed_server.route(MASTODON_PATH, body=json.dumps(statuses).encode())
    source = make_source(url=feed_server.url("/tags/vlindertuin"), kind="mastodon")
    run = services.source_poll(source_id=source.pk)
    assert (run.status, run.new_count) == (FetchRun.Status.SUCCEEDED, 2)
    assert run.error == "1 unreadable item(s) skipped"
    assert FetchRun.objects.count() == 1
    assert Mention.objects.filter(post__external_id="7", school=school_a).exists()


def test_it_moves_past_a_new_status_it_cannot_read_instead_of_failing_every_run(
    feed_server, school_a, caplog
):
    # The only new status unreadable: the run failed, and every later run asked for it again
    # and failed too, until the board was told to check an address that was fine.
    # only the odd status: the statuses before the cursor were never stored here, and the
    # newest page read again for edits would store them as new
    timeline = MastodonTimeline([])
    (odd_id,) = timeline.publish(1, first_id=110000000000000047)
    timeline.statuses[0]["content"] = {"text": "Juf Anne van De Vlindertuin"}
    feed_server.route(MASTODON_PATH, handler=timeline)
    source = make_source(
        url=feed_server.url("/tags/vlindertuin"), kind="mastodon", cursor="110000000000000046"
    )
    runs = [services.source_poll(source_id=source.pk) for _ in range(2)]
    assert [(r.status, r.new_count) for r in runs] == [(FetchRun.Status.SUCCEEDED, 0)] * 2
    assert [r.error for r in runs] == ["1 unreadable item(s) skipped", ""]
    source.refresh_from_db()
    assert (source.cursor, source.consecutive_failures) == (odd_id, 0)
    asked = [hit.query.get("min_id") for hit in feed_server.hits(MASTODON_PATH)]
    assert asked[-2:] == [odd_id, None]  # then the newest page, read again for edits
    assert f"monitoring source {source.pk}: 1 unreadable item(s) skipped" in caplog.messages
    assert "Juf Anne" not in caplog.text


def test_it_stores_a_feed_entry_whose_time_is_out_of_range_and_remembers_the_etag(
    feed_server, school_a
):
    # Year 10000 in UTC failed every run of the feed ("unexpected error: ValueError") while
    # the entry stayed in it; the ETag was never stored, so each run read it all again.
    atom = fixture_bytes("feed.atom").replace(b"2026-11-02T08:00:00Z", b"9999-12-31T23:59:59-12:00")
    feed_server.route("/feed.atom", body=atom, headers={"ETag": '"v1"'})
    source = make_source(url=feed_server.url("/feed.atom"))
    run = services.source_poll(source_id=source.pk)
    assert (run.status, run.new_count) == (FetchRun.Status.SUCCEEDED, 2)
    assert Post.objects.get(external_id="urn:uuid:entry-2").published_at is None
    source.refresh_from_db()
    assert (source.etag, source.consecutive_failures) == ('"v1"', 0)


def test_it_stores_an_entry_dated_in_the_future_at_the_time_it_was_fetched(feed_server, school_a):
    # Dated 2099, it headed the school's mentions (newest first) until 2099.
    atom = fixture_bytes("feed.atom").replace(b"2026-11-02T08:00:00Z", b"2099-01-01T00:00:00Z")
    feed_server.route("/feed.atom", body=atom)
    source = make_source(url=feed_server.url("/feed.atom"))
    services.source_poll(source_id=source.pk)
    post = Post.objects.get(external_id="urn:uuid:entry-2")
    assert post.published_at == post.fetched_at


@pytest.mark.parametrize("header", [("ETag", '"' + "e" * 600 + '"'), ("Last-Modified", "x" * 101)])
def test_it_stores_the_feed_when_its_etag_or_last_modified_is_longer_than_kept(
    feed_server, school_a, header
):
    # Too long for its column: every run of the feed ended in a DataError, left "running"
    # (so no failure was counted and the board never told), and the feed was never read.
    feed_server.route("/feed.rss", fixture="feed.rss", headers=dict([header]))
    source = make_source(url=feed_server.url("/feed.rss"))
    run = services.source_poll(source_id=source.pk)
    assert (run.status, run.new_count) == (FetchRun.Status.SUCCEEDED, 2)
    source.refresh_from_db()
    assert (source.etag, source.last_modified) == ("", "")


def test_it_stores_every_post_of_a_bluesky_burst_after_a_post_dated_2099(
    feed_server, settings, school_a
):
    # Anyone may date a post 2099. Its createdAt became the cursor, and from then on every
    # run stopped after its first page: a burst of more than a page between two runs was
    # never seen, so one post blinded the monitoring of a school.
    feed = serve_bluesky(feed_server, settings)
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    feed.publish(3, start)
    feed.publish(1, start + datetime.timedelta(hours=1), created_at=FAR_FUTURE)
    source = make_source(url=PROFILE_URL, kind="bluesky")
    services.source_poll(source_id=source.pk)
    burst = feed.publish(bluesky.PAGE_SIZE + 20, start + datetime.timedelta(hours=2))
    run = services.source_poll(source_id=source.pk)
    assert run.new_count == bluesky.PAGE_SIZE + 20
    assert Post.objects.filter(source=source, external_id__in=burst).count() == len(burst)


def test_it_reads_past_a_bluesky_cursor_dated_2099_that_an_earlier_run_stored(
    feed_server, settings, school_a
):
    # Sources polled before the fix keep the 2099 cursor they stored; it is not trusted.
    feed = serve_bluesky(feed_server, settings)
    posts = feed.publish(
        bluesky.PAGE_SIZE + 20, datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    )
    source = make_source(url=PROFILE_URL, kind="bluesky", cursor="2099-01-01T00:00:00+00:00")
    run = services.source_poll(source_id=source.pk)
    assert run.new_count == len(posts)
    source.refresh_from_db()
    assert source.cursor == "2026-11-01T01:09:00+00:00"
