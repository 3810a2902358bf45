"""Two staff members act on one post's flags at the same moment.

Real concurrency on PostgreSQL (`conftest.at_the_same_moment`): the first action is held
open before its commit while the second runs. Two marks of one post open one case (case
opening is serialised per school, as in a classification run: the second waits for the
first and joins its case). Two dismissals of a new case's last flags close it as "no
action" (the case's row is locked first: each used to see the other's flag still live).
"""

import pytest
from django.db import connection
from django.utils import timezone

from conftest import at_the_same_moment, require_service
from monitoring import services
from monitoring.models import Flag, FollowUp, Mention
from monitoring.tests.helpers import make_flag, make_post, make_source

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def test_two_marks_of_one_post_at_once_open_one_case(school_a, director_a, board):
    post = make_post(make_source(), "1", "Niemand van de school belt ons terug")
    Mention.objects.create(post=post, school=school_a, created_at=timezone.now())
    at_the_same_moment(
        lambda: services.post_mark(
            post=post, school=school_a, category="negative_experience", user=director_a
        ),
        lambda: services.post_mark(post=post, school=school_a, category="verify_fact", user=board),
    )
    [case] = FollowUp.objects.all()
    assert set(Flag.objects.values_list("followup_id", flat=True)) == {case.pk}


def test_the_last_two_flags_dismissed_at_once_close_the_new_case(school_a, director_a, board):
    post = make_post(make_source(), "1", "Niemand van de school belt ons terug")
    case = FollowUp.objects.create(school=school_a, opened_at=timezone.now())
    first, second = (
        make_flag(post, school_a, category, case=case) for category in ("insult", "verify_fact")
    )
    at_the_same_moment(
        lambda: services.flag_dismiss(flag=Flag.objects.get(pk=first.pk), user=director_a),
        lambda: services.flag_dismiss(flag=Flag.objects.get(pk=second.pk), user=board),
    )
    case.refresh_from_db()
    assert case.status == FollowUp.Status.NO_ACTION
