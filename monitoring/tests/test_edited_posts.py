"""An edited post (same id, new text) is read again and flagged for what it says now.

A harmless post edited into a complaint must reach a person as a new post would; a
re-fetched post that did not change changes nothing and sends nothing.
"""

import copy
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from conftest import wait_for, worker
from monitoring import services
from monitoring.models import FetchRun, Flag, FollowUp, Post, Source
from monitoring.sources import mastodon
from monitoring.tests.helpers import make_source
from monitoring.tests.mastodon_fake import PATH as MASTODON_PATH
from monitoring.tests.mastodon_fake import MastodonTimeline, recorded_statuses
from monitoring.tests.test_no_director_cases_reach import received, smtp_sink  # noqa: F401
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.django_db

HARMLESS = "<p>Morgen is de kijkmiddag op Het Zwanenhof, neem een tas mee</p>"
COMPLAINT = "<p>Op Het Zwanenhof is het een puinhoop, ik ben echt boos en teleurgesteld</p>"
CASE_CATEGORIES = ("negative_experience", "insult", "privacy", "verify_fact")


def _open_flags():
    return Flag.objects.filter(category__in=CASE_CATEGORIES, dismissed_as_false_positive=False)


# --- Mastodon: the newest page is read again ---------------------------------------------


@pytest.fixture
def timeline(feed_server, school_a, school_b):
    statuses = recorded_statuses()
    statuses[0]["content"] = HARMLESS  # the newest status
    timeline = MastodonTimeline(statuses)
    feed_server.route(MASTODON_PATH, handler=timeline)
    return timeline


@pytest.fixture
def tag(feed_server, timeline):
    return make_source(url=feed_server.url("/tags/vlindertuin"), kind=Source.Kind.MASTODON)


def _edit(timeline: MastodonTimeline, content: str) -> str:
    status = timeline.statuses[0]
    status["content"] = content
    status["edited_at"] = "2026-11-08T09:00:00.000Z"
    return status["id"]


def test_it_reads_an_edited_mastodon_status_again_and_flags_its_new_text(tag, timeline, board):
    # The cursor asked only for newer statuses (min_id): an edit was never seen.
    services.source_poll(source_id=tag.pk)
    assert not _open_flags().exists()
    edited = _edit(timeline, COMPLAINT)
    run = services.source_poll(source_id=tag.pk)
    post = Post.objects.get(source=tag, external_id=edited)
    assert "puinhoop" in post.text
    assert run.updated_count == 1
    flags = list(_open_flags().filter(post=post))
    assert "negative_experience" in {flag.category for flag in flags}
    case = FollowUp.objects.get()
    assert {flag.followup_id for flag in flags} == {case.pk}
    assert case.is_open and case.assigned_to_id == board.pk  # Het Zwanenhof has no director
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_it_keeps_the_cursor_on_what_it_paged_and_reads_the_newest_page_once(
    feed_server, tag, timeline
):
    services.source_poll(source_id=tag.pk)
    tag.refresh_from_db()
    cursor = tag.cursor
    feed_server.requests.clear()
    services.source_poll(source_id=tag.pk)
    tag.refresh_from_db()
    assert tag.cursor == cursor
    queries = [r.query for r in feed_server.hits(MASTODON_PATH)]
    assert queries == [{"limit": "40", "min_id": cursor}, {"limit": "40"}]


def test_it_changes_nothing_and_sends_nothing_when_the_newest_page_is_unchanged(
    tag, timeline, board, django_assert_num_queries
):
    _edit(timeline, COMPLAINT)
    services.source_poll(source_id=tag.pk)
    run_due_duties()
    mail.outbox.clear()
    before = list(Flag.objects.values_list("pk", "score", "matched", "followup_id"))
    classified = dict(Post.objects.values_list("pk", "classified_at"))
    run = services.source_poll(source_id=tag.pk)
    run_due_duties()
    assert (run.new_count, run.updated_count) == (0, 0)
    assert list(Flag.objects.values_list("pk", "score", "matched", "followup_id")) == before
    assert dict(Post.objects.values_list("pk", "classified_at")) == classified
    assert FollowUp.objects.count() == 1
    assert mail.outbox == []


def test_it_pages_within_the_bound_and_skips_the_newest_page_after_a_burst(feed_server, timeline):
    timeline.publish(2000, first_id=110000000000001000)
    source = Source(
        kind=Source.Kind.MASTODON,
        name="m",
        url=feed_server.url("/tags/vlindertuin"),
        cursor="110000000000000046",
    )
    result = mastodon.fetch(source)
    assert len(feed_server.requests) == mastodon.MAX_PAGES
    assert result.recent == []


def test_it_counts_no_unreadable_status_twice_when_the_newest_page_is_read_again(feed_server):
    statuses = recorded_statuses()[:2]
    timeline = MastodonTimeline([*copy.deepcopy(statuses)])
    feed_server.route(MASTODON_PATH, handler=timeline)
    (odd,) = timeline.publish(1, first_id=110000000000000047)
    timeline.statuses[0]["content"] = 42
    source = Source(
        kind=Source.Kind.MASTODON,
        name="m",
        url=feed_server.url("/tags/vlindertuin"),
        cursor="110000000000000046",
    )
    result = mastodon.fetch(source)
    assert (result.skipped, result.cursor) == (1, odd)
    assert [p.external_id for p in result.recent] == ["110000000000000046", statuses[1]["id"]]


# --- A dismissed flag and a new text --------------------------------------------------------

DISMISSED = "Op De Vlindertuin is het een puinhoop vandaag"
WORSE = "Op De Vlindertuin is het een puinhoop vandaag, mijn zoon wordt gepest en niemand doet iets"


def _ingest(source, text: str) -> FetchRun:
    from monitoring.sources.base import FetchedPost, FetchResult

    item = FetchedPost(external_id="e1", url="https://buurt.example/e1", text=text)
    return services.source_ingest(source=source, result=FetchResult(posts=[item]))


def test_it_raises_a_dismissed_flag_again_when_an_edit_adds_new_evidence(
    school_a, director_a, board
):
    source = make_source()
    _ingest(source, DISMISSED)
    flag = _open_flags().get()
    services.flag_dismiss(flag=flag, user=director_a)
    assert FollowUp.objects.get().status == FollowUp.Status.NO_ACTION
    _ingest(source, WORSE)
    flag.refresh_from_db()
    assert not flag.dismissed_as_false_positive
    assert flag.followup.is_open and flag.followup.is_urgent
    assert "gepest" in " ".join(flag.matched)


def test_it_keeps_a_dismissal_when_the_edit_brings_no_new_evidence(school_a, director_a):
    source = make_source()
    _ingest(source, DISMISSED)
    flag = _open_flags().get()
    services.flag_dismiss(flag=flag, user=director_a)
    _ingest(source, DISMISSED + "!")
    flag.refresh_from_db()
    assert flag.dismissed_as_false_positive
    assert FollowUp.objects.get().status == FollowUp.Status.NO_ACTION


def test_the_case_page_shows_the_post_as_it_reads_now(login, school_a, director_a):
    source = make_source()
    _ingest(source, WORSE)
    _ingest(source, "Op De Vlindertuin was het vandaag weer gezellig")
    case = FollowUp.objects.get()
    client = login(director_a)
    page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()
    assert "weer gezellig" in page
    assert "niemand doet iets" not in page
    assert "Gewijzigd door de schrijver" in page  # a flag may concern the earlier text
    mentions = reverse("monitoring:mentions", args=[school_a.code])
    page = client.get(mentions).content.decode()
    assert "weer gezellig" in page and "Gewijzigd door de schrijver" in page


def test_a_post_never_edited_carries_no_note(login, school_a, director_a):
    _ingest(make_source(), WORSE)
    case = FollowUp.objects.get()
    page = login(director_a).get(reverse("monitoring:case", args=[case.pk])).content.decode()
    assert "niemand doet iets" in page
    assert "Gewijzigd door de schrijver" not in page


# --- The whole way on a real worker ---------------------------------------------------------


def _feed(text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://buurt.example/</link><item><title>Zwanenhof</title>"
        "<link>https://buurt.example/1</link><guid>https://buurt.example/1</guid>"
        f"<description>{text}</description></item></channel></rss>"
    ).encode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_feed_item_edited_into_a_complaint_reaches_a_board_member_on_real_workers(
    services_up,
    feed_server,
    smtp_sink,  # noqa: F811
    school_b,
    board,
):
    """Fetched harmless, edited into a complaint (same guid), fetched again, then again
    unchanged: one case, one e-mail over SMTP, sent by the outbox through Redis."""
    from monitoring.tasks import fetch_source

    port, path = smtp_sink
    feed_server.route("/feed.rss", body=_feed("Morgen is de kijkmiddag op Het Zwanenhof."))
    source = make_source(url=feed_server.url("/feed.rss"))
    queue = f"test-edit-{uuid.uuid4().hex[:8]}"
    mail_settings = {"EMAIL_URL": f"smtp://127.0.0.1:{port}?tls=0", "OUTBOX_GRACE_SECONDS": "1"}
    finished = FetchRun.objects.filter(source=source).exclude(status="running")

    def fetch(runs_before: int) -> None:
        fetch_source.apply_async((source.pk,), queue=queue)
        assert wait_for(lambda: finished.count() > runs_before, 120), "no fetch run ended"

    with worker(f"{queue},celery", **mail_settings):
        fetch(0)
        assert not FollowUp.objects.exists()
        feed_server.route("/feed.rss", body=_feed(COMPLAINT.replace("<p>", "").replace("</p>", "")))
        fetch(1)
        assert wait_for(lambda: any(m["to"] == [board.email] for m in received(path)), 120)
        fetch(2)
    case = FollowUp.objects.get()
    assert case.assigned_to_id == board.pk and case.is_open
    assert list(finished.order_by("pk").values_list("new_count", "updated_count")) == [
        (1, 0),
        (0, 1),
        (0, 0),
    ]
    messages = received(path)
    assert [m["to"] for m in messages] == [[board.email]]
    assert f"/monitoring/zaken/{case.pk}/" in messages[0]["body"]
    assert "puinhoop" not in messages[0]["body"]
