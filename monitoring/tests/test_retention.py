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


@pytest.mark.parametrize("cases", [2, 20])
def test_it_keeps_the_first_conversations_day_a_previous_release_did_not(
    school_a, settings, django_assert_num_queries, cases
):
    """A conversation recorded by the release before FollowUp.first_held_on (its processes
    serve on during a rolling deploy) leaves that day empty, and retention then empties the
    earlier conversations it was read from. It is filled first, as migration 0030 filled
    it (the oldest earlier conversation's day, else the held date), in the query that
    erases them: one query however many cases."""
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    old = {"opened_at": days_ago(400), "status": "closed", "closed_at": days_ago(181)}
    earlier = [{"held": "2025-10-02", "planned": None}, {"held": "2025-10-20", "planned": None}]
    expected = {}
    for i in range(cases):
        case = make_case(school_a, held_on=datetime.date(2025, 11, 1), notes="n", **old)
        # as the previous release stored it: no first_held_on
        fields = {"first_held_on": None, "earlier_conversations": earlier if i % 2 else []}
        FollowUp.objects.filter(pk=case.pk).update(**fields)
        expected[case.pk] = datetime.date(2025, 10, 2) if i % 2 else datetime.date(2025, 11, 1)
    # a day no conversation left says (the previous release corrected the only one's date,
    # then another was planned): the conversations, all there until now, are read
    stale = make_case(
        school_a,
        held_on=datetime.date(2025, 11, 1),
        earlier_conversations=earlier,
        first_held_on=datetime.date(2025, 9, 30),
        **old,
    )
    unknown = make_case(  # held on a day not recorded (a "?" from the notes): none
        school_a,
        held_on=datetime.date(2025, 11, 1),
        earlier_conversations=[{"held": None, "planned": "2025-10-01"}],
        **old,
    )
    recent = make_case(
        school_a,
        held_on=datetime.date(2025, 11, 1),
        earlier_conversations=earlier,
        first_held_on=None,
        **{**old, "closed_at": days_ago(179)},
    )
    expected |= {stale.pk: datetime.date(2025, 10, 2), unknown.pk: None, recent.pk: None}
    # the unflagged and the flagged posts to delete (none), the forgotten marks, the cases
    with django_assert_num_queries(4):
        result = services.posts_apply_retention(now=NOW)
    assert result.case_notes_erased == cases + 2
    assert dict(FollowUp.objects.values_list("pk", "first_held_on")) == expected
    left = FollowUp.objects.exclude(pk=recent.pk).exclude(earlier_conversations=[])
    # the "?" keeps an entry without its dates: the reports go on leaving the case out
    assert dict(left.values_list("pk", "earlier_conversations")) == {
        unknown.pk: [{"held": None, "planned": None}]
    }
    # the cases whose earlier conversations went read the kept day from now on
    emptied = FollowUp.objects.filter(earlier_conversations_erased=True)
    assert set(emptied.values_list("pk", flat=True)) == {
        pk for i, pk in enumerate(expected) if i % 2 and i < cases
    } | {stale.pk}
    # not erased again by the next run
    assert services.posts_apply_retention(now=NOW).case_notes_erased == 0
