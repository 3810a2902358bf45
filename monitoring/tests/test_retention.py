"""Posts are kept no longer than needed; flags stay as anonymous counts."""

import datetime

import pytest

from monitoring import services
from monitoring.models import Flag, FollowUp, Post
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 10, 3, 0, tzinfo=datetime.UTC)


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def source(db):
    return make_source()


def test_it_deletes_unflagged_posts_after_30_days(source):
    make_post(source, "old", fetched_at=days_ago(31))
    make_post(source, "young", fetched_at=days_ago(29))
    services.posts_apply_retention(now=NOW)
    assert list(Post.objects.values_list("external_id", flat=True)) == ["young"]


def test_it_keeps_flagged_posts_while_their_case_is_open(source, school_a):
    post = make_post(source, fetched_at=days_ago(400))
    make_flag(post, school_a, case=make_case(school_a, opened_at=days_ago(400)))
    services.posts_apply_retention(now=NOW)
    assert Post.objects.filter(pk=post.pk).exists()


def test_it_deletes_flagged_posts_the_set_time_after_their_case_closed(source, school_a, settings):
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    expired, recent = (
        make_post(source, "expired", fetched_at=days_ago(400)),
        make_post(source, "recent", fetched_at=days_ago(400)),
    )
    for post, closed in ((expired, days_ago(181)), (recent, days_ago(179))):
        case = make_case(school_a, opened_at=days_ago(400), status="closed", closed_at=closed)
        make_flag(post, school_a, case=case)
    result = services.posts_apply_retention(now=NOW)
    assert list(Post.objects.values_list("external_id", flat=True)) == ["recent"]
    assert result.flagged_deleted == 1


def test_a_flag_without_a_case_counts_from_the_day_it_was_last_raised(source, school_a, settings):
    """A positive mention flagged 400 days ago and raised again by an edit last week is
    recent on the dashboard: its post stays the set time from last week."""
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    raised_again, expired = (
        make_post(source, "raised again", fetched_at=days_ago(400)),
        make_post(source, "expired", fetched_at=days_ago(400)),
    )
    make_flag(raised_again, school_a, "positive", created_at=days_ago(400), raised_at=days_ago(7))
    make_flag(expired, school_a, "positive", created_at=days_ago(400), raised_at=days_ago(181))
    result = services.posts_apply_retention(now=NOW)
    assert list(Post.objects.values_list("external_id", flat=True)) == ["raised again"]
    assert result.flagged_deleted == 1


def test_it_keeps_the_flag_without_its_post_for_reports(source, school_a):
    post = make_post(source, fetched_at=days_ago(400))
    case = make_case(school_a, opened_at=days_ago(400), status="closed", closed_at=days_ago(200))
    flag = make_flag(post, school_a, case=case)
    services.posts_apply_retention(now=NOW)
    flag.refresh_from_db()
    assert flag.post is None and flag.category == "negative_experience"


def test_it_follows_the_configured_flagged_retention(source, school_a, settings):
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 30
    post = make_post(source, fetched_at=days_ago(100))
    make_flag(
        post,
        school_a,
        case=make_case(school_a, opened_at=days_ago(100), status="closed", closed_at=days_ago(31)),
    )
    services.posts_apply_retention(now=NOW)
    assert not Post.objects.exists()


def test_it_keeps_a_post_while_any_of_its_cases_is_open(source, school_a, school_b):
    post = make_post(source, fetched_at=days_ago(400))
    make_flag(
        post,
        school_a,
        case=make_case(school_a, opened_at=days_ago(400), status="closed", closed_at=days_ago(300)),
    )
    make_flag(post, school_b, case=make_case(school_b, opened_at=days_ago(400)))
    services.posts_apply_retention(now=NOW)
    assert Post.objects.filter(pk=post.pk).exists()
    assert Flag.objects.filter(post=post).count() == 2


def test_it_erases_the_notes_of_a_case_the_set_time_after_it_closed(school_a, settings):
    # Notes of a conversation name people ("moeder van Sanne"); the case stays for reports.
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    note = "Gesprek met de moeder van Sanne (groep 5) gevoerd."
    expired, recent, no_action = (
        make_case(school_a, opened_at=days_ago(400), status=status, closed_at=days_ago(ago))
        for status, ago in (("closed", 181), ("closed", 179), ("no_action", 300))
    )
    still_open = make_case(school_a, opened_at=days_ago(400), status="conversation_planned")
    for case in (expired, recent, no_action, still_open):
        case.notes = note
        case.save(update_fields=["notes"])
    result = services.posts_apply_retention(now=NOW)
    notes = {case.pk: case.notes for case in FollowUp.objects.all()}
    assert notes == {expired.pk: "", recent.pk: note, no_action.pk: "", still_open.pk: note}
    assert result.case_notes_erased == 2
