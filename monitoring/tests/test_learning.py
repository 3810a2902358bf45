"""The learned layer in the portal: staff marks are training data; retraining is versioned."""

import datetime
import logging

import pytest
from django.utils import timezone

from monitoring import learning, services, tasks
from monitoring.models import LearnedModel, Mention
from monitoring.tests.helpers import make_flag, make_post, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_bundle(monkeypatch):
    # The development set alone keeps each training run short in tests.
    monkeypatch.setattr(learning, "BUNDLED_SETS", ("devset",))
    learning._cache.clear()
    yield
    learning._cache.clear()


def marked_post(school, director, text, category="negative_experience"):
    post = make_post(make_source(url=f"https://x.example/{hash(text)}"), "1", text)
    Mention.objects.create(post=post, school=school, created_at=timezone.now())
    services.post_mark(post=post, school=school, category=category, user=director)
    return post


def test_it_turns_marks_and_dismissals_into_labelled_examples(school_a, director_a):
    marked_post(school_a, director_a, "Kachel kapot, kinderen in hun jas")
    wrong = make_flag(make_post(make_source(), "2", "Mooie musical"), school_a, "insult")
    services.flag_dismiss(flag=wrong, user=director_a)
    examples = {e.text: e.labels for e in learning.staff_examples()}
    assert examples == {
        "Kachel kapot, kinderen in hun jas": {"negative_experience": True},
        "Mooie musical": {"insult": False},
    }


def test_it_leaves_out_a_label_given_to_the_text_before_its_writer_edited_it(school_a, director_a):
    # Marked as a complaint, then the writer replaced the text: the label was for the old
    # text, so training on the new one would teach the layer the wrong thing.
    post = marked_post(school_a, director_a, "Kachel kapot, kinderen in hun jas")
    wrong = make_flag(make_post(make_source(), "2", "Mooie musical"), school_a, "insult")
    services.flag_dismiss(flag=wrong, user=director_a)
    later = timezone.now() + datetime.timedelta(minutes=5)
    for edited, text in ((post, "Kachel is gemaakt, dank!"), (wrong.post, "Wat een sukkels")):
        edited.text, edited.edited_at = text, later
        edited.save(update_fields=["text", "edited_at"])
    assert learning.staff_examples() == []


def test_it_keeps_a_label_given_after_the_edit(school_a, director_a):
    post = make_post(make_source(), "3", "Kachel kapot")
    post.text, post.edited_at = "Kachel kapot, kinderen in hun jas", timezone.now()
    post.save(update_fields=["text", "edited_at"])
    Mention.objects.create(post=post, school=school_a, created_at=timezone.now())
    services.post_mark(post=post, school=school_a, category="negative_experience", user=director_a)
    examples = {e.text: e.labels for e in learning.staff_examples()}
    assert examples == {"Kachel kapot, kinderen in hun jas": {"negative_experience": True}}


def test_it_stores_a_new_version_with_its_evaluation_only_when_the_data_changed(
    school_a, director_a
):
    first = tasks.retrain_learned_layer()
    again = tasks.retrain_learned_layer()
    marked_post(school_a, director_a, "Kachel kapot, kinderen in hun jas")
    second = tasks.retrain_learned_layer()
    assert (first, again, second) == (1, None, 2)
    model = LearnedModel.objects.get(version=2)
    assert model.examples["staff_marks"] == 1
    assert set(model.evaluation) == {"negative_experience", "insult", "verify_fact", "positive"}
    assert model.parameters["version"] == "2"


def test_it_classifies_with_the_newest_stored_version(school_a, django_assert_num_queries):
    learning.learned_model_train()
    # the newest version number, then that version's parameters
    with django_assert_num_queries(2):
        layer = learning.current_layer()
    with django_assert_num_queries(1):
        assert learning.current_layer() is layer
    assert layer.version == "1"


def test_it_keeps_register_names_out_of_a_trained_model(school_a, director_a, pupil_a):
    marked_post(school_a, director_a, f"{pupil_a.first_name} wordt gepest en niemand doet iets")
    model = learning.learned_model_train()
    words = " ".join(model.parameters["vocabulary"]).lower()
    assert pupil_a.first_name.lower() not in words.replace("_", " ").split()


def test_it_logs_one_example_in_the_singular(school_a, director_a, monkeypatch, caplog):
    monkeypatch.setattr(learning, "BUNDLED_SETS", ())  # the staff's one mark alone
    # one example has no held-out fold to train on (sklearn: "empty vocabulary"); the
    # bundled sets always give many, so only the log line is under test here
    monkeypatch.setattr(learning.learned, "cross_validate", lambda examples, mask: {})
    marked_post(school_a, director_a, "Kachel kapot, kinderen in hun jas")
    with caplog.at_level(logging.INFO, logger="monitoring.learning"):
        assert learning.learned_model_train() is not None
    assert "trained on 1 example" in caplog.text
    assert "1 examples" not in caplog.text  # it said so
