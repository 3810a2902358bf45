"""The case page reads a case's posts, flags and replies in a fixed number of queries,
whatever their number (3 posts or 9, and as many replies)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import PublicReply
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

pytestmark = pytest.mark.django_db
CATEGORIES = ("verify_fact", "negative_experience", "insult")


def add_posts(case, people, start, count):
    """`count` flags in the case, each on a post of its own source (one post deleted by
    retention), marked by hand, dismissed or neither; and as many replies: drafted,
    approved, posted."""
    now = timezone.now()
    marker, other = people
    for i in range(start, start + count):
        post = make_post(make_source(url=f"https://feed{i}.example/rss"), str(i), f"Bericht {i}")
        extra = [
            {"marked_by": marker, "marked_at": now},
            {"urgent": True},
            {"dismissed_as_false_positive": True, "dismissed_by": other, "dismissed_at": now},
        ][i % 3]
        make_flag(None if i == 4 else post, case.school, CATEGORIES[i % 3], case=case, **extra)
        approved, posted = i % 2 == 1, i % 4 == 1
        PublicReply.objects.create(
            followup=case,
            text=f"Rectificatie-{i}",
            drafted_by=marker,
            drafted_at=now,
            approved_by=other if approved else None,
            approved_at=now if approved else None,
            posted_by=marker if posted else None,
            posted_at=now if posted else None,
            posted_url="https://x.example/reactie" if posted else "",
        )


@pytest.mark.parametrize("who", ["director_a", "board", "teacher_a"])
def test_it_reads_more_posts_and_replies_in_the_same_queries(
    request, login, school_a, director_a, board, teacher_a, who, django_assert_num_queries
):
    """The assignee is a teacher: directors and board staff reach the case through their
    schools, the teacher as its assignee."""
    case = make_case(school_a, assigned_to=teacher_a, notes="Gebeld met de ouder.")
    client = login(request.getfixturevalue(who))
    url = reverse("monitoring:case", args=[case.pk])
    for start, more in ((0, 3), (3, 6)):  # 3 posts and replies, then 9
        add_posts(case, (director_a, board), start, more)
        # (session from the cache) user, memberships, the case (with its school, assignee
        # and who closed it), its flags (with their posts and sources), who marked them,
        # who dismissed them; the teacher only: may they update the case (as its
        # assignee); the school has a director, is this user one, the schools with a
        # director (the board approves where there is none); the protocol banner's
        # acknowledgement; director and board: the people the case can be assigned to;
        # the replies (with who drafted, approved and posted them)
        with django_assert_num_queries(12):
            page = client.get(url).content.decode()
        assert page.count('<article class="mon-flag') == start + more
        assert page.count("Rectificatie-") == start + more


def test_a_case_retention_emptied_reads_the_same_queries(
    login, school_a, director_a, board, django_assert_num_queries
):
    """Saying that its earlier conversations were erased reads nothing more."""
    case = make_case(
        school_a,
        status="conversation_held",
        held_on=timezone.localdate(),
        first_held_on=timezone.localdate() - datetime.timedelta(days=40),
        earlier_conversations_erased=True,
    )
    add_posts(case, (director_a, board), 0, 3)
    client = login(director_a)
    # the 12 of the director's page above: the sentence reads the case's own columns
    with django_assert_num_queries(12):
        page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()
    assert "Eerdere gesprekken zijn na de bewaartermijn gewist" in page
