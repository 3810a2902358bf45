"""The demo loader runs the real pipeline over the shipped sample feeds."""

import pytest

from monitoring import demo
from monitoring.models import Flag, FollowUp, Post, Source
from schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_schools(school_a, school_b):
    return School.objects.create(
        code="esdoorn", name="OBS De Esdoorn", aliases=["De Esdoorn", "#esdoorn"]
    )


def test_it_loads_sources_posts_flags_and_cases(demo_schools):
    demo.load()
    # the sample feeds paused; active only the two searches that fail before any request
    assert Source.objects.filter(active=False).count() == 3
    active = Source.objects.filter(active=True)
    assert set(active.values_list("url", flat=True)) == {s["url"] for s in demo.FAILING_SOURCES}
    assert Post.objects.count() == 10
    assert Flag.objects.exists()
    assert FollowUp.objects.exists()


def test_it_changes_nothing_when_loaded_twice(demo_schools):
    demo.load()
    counts = (Post.objects.count(), Flag.objects.count(), FollowUp.objects.count())
    demo.load()
    assert (Post.objects.count(), Flag.objects.count(), FollowUp.objects.count()) == counts


def test_it_gathers_the_two_retellings_of_the_closure_story_in_one_case(demo_schools):
    demo.load()
    cases = FollowUp.objects.filter(flags__category="verify_fact", school__code="zwanenhof")
    assert cases.distinct().count() == 1
    assert Flag.objects.filter(category="verify_fact", school__code="zwanenhof").count() == 2


def test_it_marks_the_bullying_post_urgent(demo_schools):
    demo.load()
    urgent = FollowUp.objects.get(priority=FollowUp.Priority.URGENT)
    assert urgent.school.code == "esdoorn"


def test_it_gives_the_reports_a_trend_and_a_held_conversation(demo_schools):
    from django.utils import timezone

    from monitoring import reports

    demo.load()
    closed = FollowUp.objects.get(status=FollowUp.Status.CLOSED)
    assert (closed.held_on - timezone.localdate(closed.opened_at)).days == 4
    report = reports.school_report(school=closed.school, month=closed.held_on)
    assert report.median_days_to_conversation == 4
    months_with_flags = {f.created_at.month for f in Flag.objects.all()}
    assert len(months_with_flags) >= 2  # ingested 40 and 2 days ago
