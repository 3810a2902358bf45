"""A picture taken offline for a "no" may go back up after a later "yes": a "no" after
that "yes" takes it down again (a new task and its e-mail). A "no" repeated without a
"yes" in between, or a yearly "unchanged" of the "no", makes no second task."""

import pytest
from django.core import mail
from django.db import connection

from conftest import make_user
from consent.models import CheckedPupil, Purpose, TakedownTask
from consent.rules import CHILD_PURPOSE_INFOS_SQL, _fetch, child_purpose_info_rows_orm
from consent.services import (
    publication_check_create,
    review_confirm_unchanged,
    review_round_open,
    takedown_complete,
)
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


@pytest.fixture
def taken_offline(published, teacher_a, parent_a, pupil_a):
    """The parent said no, the teacher took the picture offline and marked it so."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    takedown_complete(task=task, user=teacher_a)
    return task


def no_again(pupil, parent, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil, parent, "sociale-media", "photo", False)


def test_a_no_after_a_yes_after_the_takedown_takes_the_picture_down_again(
    eager_tasks, django_capture_on_commit_callbacks, taken_offline, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # it may go back up

    no_again(pupil_a, parent_a, django_capture_on_commit_callbacks)

    new = TakedownTask.objects.get(done_at__isnull=True)
    assert new.pk != taken_offline.pk
    assert (new.publication_check_id, new.assigned_to) == (
        taken_offline.publication_check_id,
        teacher_a,
    )
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]


def test_a_no_repeated_by_the_other_parent_makes_no_second_task(
    eager_tasks, django_capture_on_commit_callbacks, taken_offline, pupil_a
):
    other = make_user("ouder.tweede@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)

    no_again(pupil_a, other, django_capture_on_commit_callbacks)

    assert list(TakedownTask.objects.all()) == [taken_offline]
    assert mail.outbox == []


def test_a_yes_before_the_picture_was_taken_offline_makes_no_second_task(
    eager_tasks, django_capture_on_commit_callbacks, published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    task = TakedownTask.objects.get()
    takedown_complete(task=task, user=teacher_a)  # taken offline after the yes all the same

    no_again(pupil_a, parent_a, django_capture_on_commit_callbacks)

    assert list(TakedownTask.objects.all()) == [task]
    assert mail.outbox == []


def test_confirming_a_no_unchanged_makes_no_second_task(
    eager_tasks, django_capture_on_commit_callbacks, taken_offline, director_a, parent_a, pupil_a
):
    review_round = review_round_open(school=pupil_a.school, user=director_a)
    with django_capture_on_commit_callbacks(execute=True):
        review_confirm_unchanged(review_round=review_round, user=parent_a, pupil=pupil_a)

    assert list(TakedownTask.objects.all()) == [taken_offline]
    assert mail.outbox == []


def test_a_yes_after_the_takedown_counts_the_picture_as_published_again(
    taken_offline, parent_a, pupil_a
):
    """The board's and admin's "still visible" counts and a retired channel's place on the
    parent's page, in SQL as through the ORM."""
    assert not CheckedPupil.objects.still_published().filter(pupil=pupil_a).exists()
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    assert CheckedPupil.objects.still_published().filter(pupil=pupil_a).count() == 1
    Purpose.objects.filter(code="sociale-media").update(active=False)
    rows = list(child_purpose_info_rows_orm(pupil_a.pk))
    assert any(row[-1] for row in rows)
    if connection.vendor == "postgresql":
        assert _fetch(CHILD_PURPOSE_INFOS_SQL, [pupil_a.pk, pupil_a.pk]) == rows
