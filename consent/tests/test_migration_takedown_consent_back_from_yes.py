"""Migration 0024: a takedown taken offline whose pupil a later "yes" allowed again gets
`consent_back_at` (the moment of that "yes"), replayed with the consent rules; one whose
"yes" since left the parents disagreeing keeps standing. When the gezag-holders of then
are not known (a gezag change recorded since, or none recorded yet when it was taken
offline), the first "yes" since marks it, as the rule of before did: the safe side."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from consent.models import ConsentEvent, PurposeVersion, TakedownTask, text_hash
from consent.services import publication_check_create, takedown_complete
from consent.tests.helpers import decide, purpose
from schools.models import GezagChange, Via

pytestmark = pytest.mark.django_db
migration = importlib.import_module("consent.migrations.0025_takedown_consent_back_from_yes")


@pytest.fixture
def taken_offline(teacher_a, parent_a, code_parent, pupil_a):
    """Two gezag-holders; parent A's "ja", a post, parent A's "nee", taken offline."""

    def make(media="photo"):
        decide(pupil_a, parent_a, "sociale-media", media, True)
        check = publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type=media, pupils=[pupil_a]
        )
        decide(pupil_a, parent_a, "sociale-media", media, False)
        task = TakedownTask.objects.get(publication_check=check)
        takedown_complete(task=task, user=teacher_a)
        return task

    return make


def as_before(*tasks) -> None:
    """The rows as the code of before left them: a parent's "yes" marked nothing."""
    TakedownTask.objects.filter(pk__in=[task.pk for task in tasks]).update(consent_back_at=None)


def migrate() -> None:
    migration.mark_consent_back(apps, SimpleNamespace(connection=connection))


def back_at(task):
    task.refresh_from_db()
    return task.consent_back_at


def last_yes(pupil, parent):
    return ConsentEvent.objects.filter(pupil=pupil, guardian=parent, granted=True).last()


def test_a_yes_that_made_a_conflict_leaves_the_task_standing(taken_offline, code_parent, pupil_a):
    task = taken_offline()
    decide(pupil_a, code_parent, "sociale-media", "photo", True)  # A's "nee" stands
    as_before(task)
    migrate()
    assert back_at(task) is None
    assert list(TakedownTask.objects.standing()) == [task]


def test_the_yes_that_allowed_the_pupil_again_marks_the_task_at_its_moment(
    taken_offline, parent_a, code_parent, pupil_a
):
    """Parent B's "ja" made a conflict; parent A's "ja" after it allowed: marked then."""
    task = taken_offline()
    decide(pupil_a, code_parent, "sociale-media", "photo", True)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    as_before(task)
    migrate()
    assert back_at(task) == last_yes(pupil_a, parent_a).created_at
    assert not TakedownTask.objects.standing().exists()


def test_a_task_without_a_yes_since_or_with_one_before_it_came_down_is_left_alone(
    taken_offline, teacher_a, parent_a, pupil_a
):
    no_yes = taken_offline("photo")
    decide(pupil_a, parent_a, "sociale-media", "video", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="video", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "video", False)
    decide(pupil_a, parent_a, "sociale-media", "video", True)  # before it was taken offline
    yes_before = TakedownTask.objects.get(publication_check__media_type="video")
    takedown_complete(task=yes_before, user=teacher_a)
    migrate()
    assert (back_at(no_yes), back_at(yes_before)) == (None, None)


def test_a_change_of_meaning_before_the_yes_counts_as_it_was_then(
    taken_offline, code_parent, pupil_a
):
    """A's "nee" answered a text whose meaning changed since: it no longer counted when B
    said "ja" to the new text, so that "ja" allowed the pupil."""
    task = taken_offline()
    text = "Nieuwe betekenis."
    PurposeVersion.objects.create(
        purpose=purpose("sociale-media"),
        number=2,
        text=text,
        text_hash=text_hash(text),
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )
    decide(pupil_a, code_parent, "sociale-media", "photo", True)
    as_before(task)
    migrate()
    assert back_at(task) == last_yes(pupil_a, code_parent).created_at


def test_a_gezag_change_since_marks_it_at_the_first_yes(taken_offline, code_parent, pupil_a):
    task = taken_offline()
    GezagChange.objects.create(
        change=GezagChange.Change.GEZAG_GIVEN,
        pupil=pupil_a,
        guardian=code_parent,
        guardian_email=code_parent.email,
        via=Via.ADMIN,
    )
    decide(pupil_a, code_parent, "sociale-media", "photo", True)  # a conflict now
    as_before(task)
    migrate()
    assert back_at(task) == last_yes(pupil_a, code_parent).created_at


def test_taken_offline_before_gezag_was_recorded_marks_it_at_the_first_yes(
    monkeypatch, taken_offline, code_parent, pupil_a
):
    task = taken_offline()
    decide(pupil_a, code_parent, "sociale-media", "photo", True)
    as_before(task)
    later = timezone.now() + timezone.timedelta(days=1)
    monkeypatch.setattr(migration, "gezag_recorded_since", lambda _connection: later)
    migrate()
    assert back_at(task) == last_yes(pupil_a, code_parent).created_at


def test_it_reads_only_the_tasks_a_yes_followed_in_batches(
    monkeypatch, django_assert_num_queries, taken_offline, parent_a, code_parent, pupil_a
):
    monkeypatch.setattr(migration, "BATCH", 2)
    tasks = [taken_offline(media) for media in ("photo", "video", "audio")]
    for media in ("photo", "video", "audio"):
        decide(pupil_a, parent_a, "sociale-media", media, True)  # allowed again
    taken_offline_without_yes = TakedownTask.objects.create(
        publication_check=tasks[0].publication_check,
        pupil=pupil_a,
        assigned_to=tasks[0].assigned_to,
        done_at=timezone.now() + timezone.timedelta(minutes=1),
        closed_reason=TakedownTask.ClosedReason.TAKEN_DOWN,
    )
    as_before(*tasks)
    # 1 when gezag was first recorded; per batch of two: the tasks (SELECT … LIMIT 2),
    # then the cells' events, gezag-holders, text versions and recorded gezag changes,
    # then one UPDATE; the second batch has one task, so no read after it
    with django_assert_num_queries(1 + 6 + 6):
        migrate()
    assert all(back_at(task) is not None for task in tasks)
    assert back_at(taken_offline_without_yes) is None
