"""Two trainings of the learned layer at the same moment (the nightly task at 02:47 and the
retrain after retention deleted flagged posts).

Real concurrency on PostgreSQL (`conftest.at_the_same_moment`): the first training has
stored its version but not committed while the second runs. The second used to train on
the same data, pick the same version number and fail on its uniqueness; now it waits for
the first and then skips (nothing changed) or trains the next version on top.
"""

import pytest
from django.db import connection
from django.utils import timezone

from conftest import at_the_same_moment, require_service
from monitoring import learning, services
from monitoring.models import LearnedModel, Mention
from monitoring.tests.helpers import make_post, make_source

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _small_bundle(monkeypatch):
    # The development set alone keeps each training run short in tests.
    monkeypatch.setattr(learning, "BUNDLED_SETS", ("devset",))
    learning._cache.clear()
    yield
    learning._cache.clear()


def test_the_second_of_two_trainings_at_once_skips_the_same_data():
    at_the_same_moment(learning.learned_model_train, learning.learned_model_train)
    assert list(LearnedModel.objects.values_list("version", flat=True)) == [1]


def test_the_second_of_two_trainings_at_once_trains_on_top_of_new_marks(school_a, director_a):
    def mark_a_complaint():
        post = make_post(make_source(), "1", "Kachel kapot, kinderen in hun jas")
        Mention.objects.create(post=post, school=school_a, created_at=timezone.now())
        services.post_mark(
            post=post, school=school_a, category="negative_experience", user=director_a
        )

    # the first training stored v1, then a mark came in before its commit
    at_the_same_moment(
        learning.learned_model_train, learning.learned_model_train, then=mark_a_complaint
    )
    stored = LearnedModel.objects.order_by("version").values_list("version", "examples")
    assert [(v, e["staff_marks"]) for v, e in stored] == [(1, 0), (2, 1)]
    assert LearnedModel.objects.get(version=1).parameters == {}
