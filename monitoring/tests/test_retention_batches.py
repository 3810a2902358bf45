"""Retention deletes posts in batches by primary key, never loading whole posts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring import services
from monitoring.models import Flag, ForgottenPost, Mention, Post
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 10, 3, 0, tzinfo=datetime.UTC)


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def make_posts(source, school, n):
    """n old unflagged posts, n flagged posts of a case closed long ago, one kept of each."""
    for i in range(n):
        make_post(source, f"old-{i}", fetched_at=days_ago(31))
        post = make_post(source, f"flagged-{i}", fetched_at=days_ago(400))
        Mention.objects.create(post=post, school=school, created_at=days_ago(400))
        case = make_case(school, opened_at=days_ago(400), status="closed", closed_at=days_ago(200))
        make_flag(post, school, case=case)
    make_post(source, "young", fetched_at=days_ago(2))
    kept = make_post(source, "open-case", fetched_at=days_ago(400))
    make_flag(kept, school, case=make_case(school, opened_at=days_ago(400)))


def run_counted():
    with CaptureQueriesContext(connection) as ctx:
        result = services.posts_apply_retention(now=NOW)
    return result, [q["sql"] for q in ctx.captured_queries]


def test_it_deletes_the_right_posts_in_batches(school_a, monkeypatch):
    monkeypatch.setattr(services, "POST_RETENTION_BATCH_SIZE", 2)
    source = make_source()
    make_posts(source, school_a, 5)
    result, _ = run_counted()
    assert (result.unflagged_deleted, result.flagged_deleted) == (5, 5)
    assert sorted(Post.objects.values_list("external_id", flat=True)) == ["open-case", "young"]
    # flags stay for the reports, without their post; a deleted post is not fetched again
    assert Flag.objects.filter(post__isnull=True).count() == 5
    assert not Mention.objects.exists()
    assert ForgottenPost.objects.count() == 10


def test_it_never_loads_whole_posts(school_a):
    source = make_source()
    make_posts(source, school_a, 3)
    _, queries = run_counted()
    assert not [sql for sql in queries if '"monitoring_post"."text"' in sql]


def test_it_runs_the_same_queries_for_3_and_for_30_posts(school_a):
    # per kind of post (unflagged, flagged): the ids of a batch, the ForgottenPost marks
    # (read, insert), the mentions, the flags' link, the posts; then the old marks, the
    # case notes, and the savepoints of each batch's transaction
    source = make_source()
    make_posts(source, school_a, 3)
    _, few = run_counted()
    make_posts(make_source(url="https://feeds.example/other.rss"), school_a, 30)
    _, many = run_counted()
    assert len(few) == len(many)
    assert len(many) <= 24


def test_a_learned_flag_forgets_the_words_of_its_deleted_post(school_a):
    # the learned layer's matched terms are words of the post itself ("Sanne" here, a name
    # the register does not know); a rule flag's are the lexicon's terms
    source = make_source()
    old = days_ago(400)
    case = make_case(school_a, opened_at=old, status="closed", closed_at=days_ago(200))
    post = make_post(source, "learned", fetched_at=old)
    learned = make_flag(post, school_a, case=case)
    learned.matched = ["learned:v3", "sanne", "juf"]
    learned.save(update_fields=["matched"])
    rule = make_flag(post, school_a, case=case, category="insult")
    rule.matched = ["sukkel"]
    rule.save(update_fields=["matched"])
    result, _ = run_counted()
    assert result.flagged_deleted == 1
    learned.refresh_from_db()
    rule.refresh_from_db()
    assert (learned.post_id, learned.matched) == (None, ["learned:v3"])
    assert learned.is_learned and learned.learned_words == []
    assert rule.matched == ["sukkel"]
