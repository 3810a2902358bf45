"""Retention and the learned layer: nothing of a deleted post lives on in a stored model."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import learning, services, tasks
from monitoring.models import Flag, FollowUp, LearnedModel, Mention
from monitoring.tests.helpers import make_flag, make_post, make_source

pytestmark = pytest.mark.django_db
UNIQUE = "sannewoord"  # a word only the deleted post has (as a pupil's name could be)
LONG_AGO = timezone.now() - datetime.timedelta(days=400)


@pytest.fixture(autouse=True)
def _small_bundle(monkeypatch):
    # The development set alone keeps each training run short in tests.
    monkeypatch.setattr(learning, "BUNDLED_SETS", ("devset",))
    learning._cache.clear()
    yield
    learning._cache.clear()


def marked_by_staff(login, director, school, external_id, text):
    """A post marked as a complaint on the mentions page, its case closed long ago."""
    post = make_post(make_source(), external_id, text, fetched_at=LONG_AGO)
    Mention.objects.create(post=post, school=school, created_at=LONG_AGO)
    response = login(director).post(
        reverse("monitoring:mention_mark", args=[school.code, post.pk]),
        {"category": "negative_experience"},
    )
    assert response.status_code == 302
    flag = Flag.objects.get(post=post)
    Flag.objects.filter(pk=flag.pk).update(raised_at=LONG_AGO, created_at=LONG_AGO)
    FollowUp.objects.filter(pk=flag.followup_id).update(
        status=FollowUp.Status.CLOSED, closed_at=LONG_AGO
    )
    return post


def stored_features() -> str:
    """Every stored version's parameters as one lower-case text."""
    return json.dumps(list(LearnedModel.objects.values_list("parameters", flat=True))).lower()


def test_it_rebuilds_the_model_without_the_words_of_a_post_retention_deleted(
    login, director_a, school_a
):
    text = f"Moeder van {UNIQUE.capitalize()} boos: de kachel is weer kapot en niemand belt terug"
    post = marked_by_staff(login, director_a, school_a, "sanne", text)
    assert learning.learned_model_train().examples["staff_marks"] == 1
    assert UNIQUE in stored_features()
    tasks.apply_retention()  # the nightly run
    assert not type(post).objects.filter(pk=post.pk).exists()
    newest = LearnedModel.objects.order_by("-version").first()
    assert (newest.version, newest.examples["staff_marks"]) == (2, 0)
    assert UNIQUE not in stored_features()
    # the earlier version keeps its number, date, counts and evaluation, not its vocabulary
    first = LearnedModel.objects.get(version=1)
    assert first.parameters == {} and first.evaluation and first.examples["staff_marks"] == 1
    assert learning.current_layer().version == "2"


def test_it_keeps_the_words_of_labelled_posts_that_remain(login, director_a, school_a):
    marked_by_staff(login, director_a, school_a, "old", f"{UNIQUE} kachel kapot, niemand belt")
    kept = make_post(make_source(url="https://y.example/feed"), "new", "Kachel kapot, koudewoord")
    Mention.objects.create(post=kept, school=school_a, created_at=timezone.now())
    services.post_mark(post=kept, school=school_a, category="negative_experience", user=director_a)
    learning.learned_model_train()
    tasks.apply_retention()
    newest = LearnedModel.objects.order_by("-version").first()
    assert newest.examples["staff_marks"] == 1
    vocabulary = newest.parameters["vocabulary"]
    assert "w:koudewoord" in vocabulary and not [f for f in vocabulary if UNIQUE in f]


def test_it_trains_nothing_when_no_labelled_post_was_deleted(school_a, django_assert_num_queries):
    learning.learned_model_train()
    # a flagged post nobody marked: it taught the model nothing
    post = make_post(make_source(), "plain", "Boze ouders", fetched_at=LONG_AGO)
    make_flag(post, school_a, created_at=LONG_AGO)
    tasks.apply_retention()
    assert list(LearnedModel.objects.values_list("version", flat=True)) == [1]
    assert LearnedModel.objects.get().parameters["vocabulary"]


def test_it_stores_no_model_when_none_was_stored_before(login, director_a, school_a):
    marked_by_staff(login, director_a, school_a, "sanne", f"{UNIQUE} kachel kapot")
    tasks.apply_retention()
    assert not LearnedModel.objects.exists()


def test_it_empties_superseded_versions_on_the_next_training(school_a, director_a):
    # versions stored before this rule kept their vocabulary: the nightly retrain empties them
    learning.learned_model_train()
    LearnedModel.objects.create(
        version=0,
        trained_at=LONG_AGO,
        training_digest="x",
        parameters={"vocabulary": [f"w:{UNIQUE}"]},
    )
    assert tasks.retrain_learned_layer() is None  # nothing changed: no new version
    assert UNIQUE not in stored_features()
    assert LearnedModel.objects.get(version=1).parameters["vocabulary"]
