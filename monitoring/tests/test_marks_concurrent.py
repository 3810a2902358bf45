"""Two staff members mark one post at the same moment: one case, not two.

Real concurrency on PostgreSQL (`conftest.at_the_same_moment`): the first mark is held
open before its commit while the second runs. Case opening is serialised per school (the
school's row lock, as a classification run takes it): the second mark waits for the first
to commit and then joins its case.
"""

import pytest
from django.db import connection
from django.utils import timezone

from conftest import at_the_same_moment, require_service
from monitoring import services
from monitoring.models import Flag, FollowUp, Mention
from monitoring.tests.helpers import make_post, make_source

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
