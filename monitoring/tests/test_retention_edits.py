"""An item edited after retention deleted its post: read again when it names a school.

The mark of a deleted post (ForgottenPost) kept every later version of the item out, so
a harmless item its author edited into a complaint about a school was never seen, where
the same edit of a stored post is read again and flagged (test_edited_posts.py). The mark
now remembers the version deleted: an edit that names a school is a new post; an edit
that names none, or the same version, stays forgotten.
"""

import datetime

import pytest

from monitoring import services
from monitoring.models import Flag, ForgottenPost, Mention, Post, Source, content_hash
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)

FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Buurt</title><link>https://buurt.example/</link><description>x</description>
<item><title>Nieuws</title><guid>nice</guid><link>https://buurt.example/1</link>
<description>{text}</description></item>
</channel></rss>"""
FIRST = "De Vlindertuin begint maandag om half negen."
COMPLAINT = "De Vlindertuin is een puinhoop, de juf luistert nooit."
ELSEWHERE = "De bakker begint maandag om half negen."


def _days(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(days=n)


@pytest.fixture
def feed(feed_server):
    def serve(text: str) -> None:
        feed_server.route("/feed.rss", body=FEED.format(text=text).encode())

    serve(FIRST)
    return serve


@pytest.fixture
def source(feed, feed_server):
    return make_source(url=feed_server.url("/feed.rss"))


def _poll(source: Source, when: datetime.datetime):
    return services.source_poll(source_id=source.pk, now=when)


def _deleted(source: Source) -> None:
    _poll(source, T0)
    services.posts_apply_retention(now=_days(31))
    assert not Post.objects.exists()


def test_it_collects_an_item_edited_into_a_complaint_again(source, feed, school_a):
    _deleted(source)
    feed(COMPLAINT)
    run = _poll(source, _days(32))
    post = Post.objects.get(external_id="nice")
    assert (run.new_count, post.text, post.fetched_at) == (1, f"Nieuws\n{COMPLAINT}", _days(32))
    assert Mention.objects.filter(post=post, school=school_a).exists()
    assert Flag.objects.filter(post=post, category="negative_experience").exists()
    assert not ForgottenPost.objects.exists()
    assert _poll(source, _days(33)).duplicate_count == 1  # stored once


def test_it_leaves_out_the_same_version(source, school_a):
    _deleted(source)
    run = _poll(source, _days(32))
    assert (run.new_count, run.duplicate_count) == (0, 1)
    assert not Post.objects.exists()


def test_it_leaves_out_an_edit_that_names_no_school(source, feed, school_a):
    _deleted(source)
    feed(ELSEWHERE)
    assert _poll(source, _days(32)).new_count == 0
    assert not Post.objects.exists()
    mark = ForgottenPost.objects.get()
    assert (mark.content_hash, mark.seen_at) == (
        content_hash(f"Nieuws\n{ELSEWHERE}", False),
        _days(32),
    )
    feed(COMPLAINT)  # edited once more, now about the school
    assert _poll(source, _days(33)).new_count == 1
    assert Post.objects.filter(external_id="nice").exists()


def test_a_school_source_collects_any_edit(feed, feed_server, school_a):
    # a school's own source: each of its posts concerns the school (posts_classify)
    source = make_source(url=feed_server.url("/feed.rss"), school=school_a)
    _deleted(source)
    feed(ELSEWHERE)
    assert _poll(source, _days(32)).new_count == 1
    assert Mention.objects.filter(post__external_id="nice", school=school_a).exists()


def test_a_mark_without_a_version_takes_the_one_it_finds(source, feed, school_a):
    # marks made before versions were kept: the item found is taken as the one deleted
    _deleted(source)
    ForgottenPost.objects.update(content_hash="")
    feed(COMPLAINT)
    assert _poll(source, _days(32)).new_count == 0
    assert ForgottenPost.objects.get().content_hash == content_hash(f"Nieuws\n{COMPLAINT}", False)
    feed(f"{COMPLAINT} Echt waar.")
    assert _poll(source, _days(33)).new_count == 1


def test_it_reads_the_marks_in_one_query_when_nothing_changed(
    source, school_a, django_assert_num_queries
):
    _deleted(source)
    items = [services.sources.base.FetchedPost(external_id="nice", text=f"Nieuws\n{FIRST}")]
    # the marks of these ids; seen_at of the one found
    with django_assert_num_queries(2):
        forgotten = services._forgotten(source, {"nice": items[0]}, _days(32))
    assert forgotten == ["nice"]
