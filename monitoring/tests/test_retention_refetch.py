"""A post retention deleted is not collected again while its source still carries it.

Feeds are read whole every run, Mastodon reads its newest page again for edits and
Bluesky its newest page: a quiet feed keeps an item for months. Once retention deleted
such a post, the next run stored it as new: an unflagged post came back among the
mentions every 30 days, and a complaint whose case had been closed half a year earlier
was flagged again and opened a new case for the director, every time.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from monitoring import services, tasks
from monitoring.models import Flag, FollowUp, Mention, Post, Source
from monitoring.tests.helpers import make_source
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.django_db
# a fetch stores its posts at the time it runs (source_ingest): the days are counted on
T0 = timezone.now()

FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Buurt</title><link>https://buurt.example/</link><description>x</description>
<item><title>Nieuws</title><guid>nice</guid><link>https://buurt.example/1</link>
<description>De Vlindertuin begint maandag om half negen.</description></item>
<item><title>Klacht</title><guid>bad</guid><link>https://buurt.example/2</link>
<description>De Vlindertuin is een puinhoop, de juf luistert nooit.</description></item>
</channel></rss>"""


def _days(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(days=n)


@pytest.fixture
def source(feed_server):
    feed_server.route("/feed.rss", body=FEED.encode())
    return make_source(url=feed_server.url("/feed.rss"))


def _poll(source: Source, when: datetime.datetime) -> None:
    services.source_poll(source_id=source.pk, now=when)


def test_an_unflagged_post_deleted_is_not_collected_again(source, school_a):
    _poll(source, T0)
    assert Mention.objects.filter(post__external_id="nice").exists()
    assert not Flag.objects.filter(post__external_id="nice").exists()
    services.posts_apply_retention(now=_days(31))
    assert not Post.objects.filter(external_id="nice").exists()
    _poll(source, _days(31))
    assert not Post.objects.filter(external_id="nice").exists()
    assert not Mention.objects.filter(post__external_id="nice").exists()


def test_a_complaint_of_a_closed_case_is_not_flagged_again(source, school_a, director_a):
    _poll(source, T0)
    for case in FollowUp.objects.all():
        services.followup_update(case=case, status="no_action", user=director_a, now=_days(1))
    cases, flags = FollowUp.objects.count(), Flag.objects.count()
    run_due_duties()
    mail.outbox.clear()
    services.posts_apply_retention(now=_days(200))
    assert not Post.objects.filter(external_id="bad").exists()
    _poll(source, _days(200))
    assert not Post.objects.filter(external_id="bad").exists()
    assert (FollowUp.objects.count(), Flag.objects.count()) == (cases, flags)
    assert not FollowUp.objects.filter(status="new").exists()
    run_due_duties()
    assert mail.outbox == []


def test_a_post_that_left_the_feed_may_come_back_later(source, school_a, feed_server):
    # the mark of a deleted post is kept while the source still carries it, and a while
    # after: not forever
    _poll(source, T0)
    services.posts_apply_retention(now=_days(31))
    _poll(source, _days(31))
    feed_server.route("/feed.rss", body=FEED.replace("nice", "other").encode())
    _poll(source, _days(32))
    services.posts_apply_retention(now=_days(32 + 31))
    feed_server.route("/feed.rss", body=FEED.encode())
    _poll(source, _days(32 + 31))
    assert Post.objects.filter(external_id="nice").exists()


def test_the_retention_task_runs_it(source, school_a):
    _poll(source, T0)
    Post.objects.update(fetched_at=_days(-400))
    tasks.apply_retention()
    _poll(source, _days(1))
    assert not Post.objects.filter(external_id="nice").exists()
