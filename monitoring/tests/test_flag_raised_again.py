"""A dismissed flag raised again (an edit with new terms, or marked by hand) is recent again
on the dashboard, with its first date kept in view; and the dashboard says a post was
edited by its writer, as the case page does."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from monitoring import selectors, services
from monitoring.models import FetchRun, Flag
from monitoring.sources.base import FetchedPost, FetchResult
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db

DISMISSED = "Op De Vlindertuin is het een puinhoop vandaag"
# new terms, nothing urgent: urgency alone would put it on top
WORSE = DISMISSED + ", ik ben echt boos en teleurgesteld over de juf"
NEWER = "Op De Vlindertuin is het overblijven een chaos en ik ben boos"


def _ingest(source, external_id: str, text: str, now: datetime.datetime) -> FetchRun:
    url = f"https://buurt.example/{external_id}"
    item = FetchedPost(external_id=external_id, url=url, text=text)
    return services.source_ingest(source=source, result=FetchResult(posts=[item]), now=now)


def _flag_of(external_id: str) -> Flag:
    return Flag.objects.get(post__external_id=external_id, category="negative_experience")


@pytest.fixture
def raised_again(school_a, director_a):
    """A complaint dismissed three days ago, a newer complaint of yesterday, then the first
    post edited today with new terms: its flag is raised again."""
    source = make_source()
    now = timezone.now()
    _ingest(source, "old", DISMISSED, now - datetime.timedelta(days=3))
    services.flag_dismiss(flag=_flag_of("old"), user=director_a)
    _ingest(source, "newer", NEWER, now - datetime.timedelta(days=1))
    _ingest(source, "old", WORSE, now)
    flag = _flag_of("old")
    assert not flag.dismissed_as_false_positive and not flag.urgent
    return flag


def test_a_flag_raised_again_comes_first_among_recent_flags(raised_again, director_a, board):
    # it kept its first date and sank below the complaint of yesterday
    for user in (director_a, board):
        rows = selectors.recent_flag_rows(user, limit=50)
        assert [row.pk for row in rows] == [raised_again.pk, _flag_of("newer").pk]
        assert [f.pk for f in selectors.recent_flags(user, limit=50)][0] == raised_again.pk


def test_flags_without_an_order_of_their_own_list_the_one_raised_again_first(raised_again):
    # the default ordering (a post's flags on the mentions list, any unordered read) goes
    # by when a flag last became a signal, as the dashboard does, not by its first date
    assert [flag.pk for flag in Flag.objects.all()] == [raised_again.pk, _flag_of("newer").pk]


def test_it_keeps_the_first_date_and_says_when_it_was_raised_again(raised_again):
    flag = Flag.objects.get(pk=raised_again.pk)
    assert flag.created_at < flag.raised_at - datetime.timedelta(days=2)


def test_the_dashboard_row_says_raised_again_and_edited_in_constant_queries(
    login, raised_again, director_a, django_assert_num_queries
):
    client = login(director_a)
    client.get(reverse("monitoring:dashboard"))
    with django_assert_num_queries(6):  # as test_views' count of the dashboard
        page = client.get(reverse("monitoring:dashboard")).content.decode()
    first = date_format(timezone.localtime(raised_again.created_at), "j F Y")
    row = page[page.index("ik ben echt boos en teleurgesteld") :]
    row = row[: row.index("</article>")]
    assert "Gewijzigd door de schrijver" in row
    assert "opnieuw gesignaleerd" in page
    assert first in page  # the first date stays in view


def test_a_dismissed_flag_marked_again_by_hand_is_recent_again(school_a, director_a):
    source = make_source()
    now = timezone.now()
    _ingest(source, "old", DISMISSED, now - datetime.timedelta(days=3))
    services.flag_dismiss(flag=_flag_of("old"), user=director_a)
    _ingest(source, "newer", NEWER, now - datetime.timedelta(days=1))
    post = _flag_of("old").post
    services.post_mark(post=post, school=school_a, category="negative_experience", user=director_a)
    rows = selectors.recent_flag_rows(director_a, limit=50)
    assert rows[0].pk == _flag_of("old").pk


def test_a_flag_never_dismissed_is_not_called_raised_again(login, school_a, director_a):
    _ingest(make_source(), "one", NEWER, timezone.now())
    page = login(director_a).get(reverse("monitoring:dashboard")).content.decode()
    assert "opnieuw gesignaleerd" not in page
    assert "Gewijzigd door de schrijver" not in page
