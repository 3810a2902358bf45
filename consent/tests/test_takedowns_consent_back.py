"""A picture taken offline may go back up once consent allows it again, however it came
back: a parent's "ja", and also the other parent's gezag ended (their "nee" no longer
counts) or the safeguarding flag cleared. A later "nee" then takes it down anew, with
its e-mail. Until 2026-12-07 only a "ja" counted: after gezag or the flag, the next
"nee" found the old task "taken offline" and the picture put back stayed up."""

import pytest
from django.core import mail
from django.db import connection

from consent.models import CheckedPupil, Purpose, TakedownTask
from consent.rules import CHILD_PURPOSE_INFOS_SQL, _fetch, child_purpose_info_rows_orm
from consent.services import (
    publication_check_create,
    pupil_safeguarding_set,
    takedown_complete,
)
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    """Sem, allowed on the school's social media in photos by one parent, in a post."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


@pytest.fixture
def refused_by_the_other_parent(published, teacher_a, code_parent, pupil_a):
    """The other parent said no (a conflict); the teacher took the picture offline."""
    decide(pupil_a, code_parent, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    takedown_complete(task=task, user=teacher_a)
    return task


def _end_gezag(parent, pupil):
    link = Guardianship.objects.get(user=parent, pupil=pupil)
    link.has_parental_authority = False
    link.save()  # as the admin saves it


def _no_again(pupil, parent, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil, parent, "sociale-media", "photo", False)


def test_a_no_after_the_refusing_parents_gezag_ended_takes_the_picture_down_again(
    eager_tasks,
    django_capture_on_commit_callbacks,
    refused_by_the_other_parent,
    teacher_a,
    parent_a,
    code_parent,
    pupil_a,
):
    _end_gezag(code_parent, pupil_a)  # parent A's "ja" alone counts: it may go back up

    _no_again(pupil_a, parent_a, django_capture_on_commit_callbacks)

    new = TakedownTask.objects.get(done_at__isnull=True)
    assert new.pk != refused_by_the_other_parent.pk
    assert new.publication_check_id == refused_by_the_other_parent.publication_check_id
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]
    assert "Sem" not in mail.outbox[0].body and "Bakker" not in mail.outbox[0].body


def test_a_no_after_the_refusing_parents_link_was_removed_takes_the_picture_down_again(
    refused_by_the_other_parent, parent_a, code_parent, pupil_a
):
    Guardianship.objects.get(user=code_parent, pupil=pupil_a).delete()

    decide(pupil_a, parent_a, "sociale-media", "photo", False)

    assert TakedownTask.objects.filter(done_at__isnull=True).count() == 1


def test_a_gezag_change_that_leaves_it_refused_counts_nothing_as_back_up(
    refused_by_the_other_parent, parent_a, code_parent, pupil_a
):
    _end_gezag(parent_a, pupil_a)  # the "ja" ends; the "nee" still stands

    assert list(TakedownTask.objects.standing()) == [refused_by_the_other_parent]
    assert TakedownTask.objects.get().consent_back_at is None


def test_a_no_after_the_safeguarding_flag_was_cleared_takes_the_picture_down_again(
    eager_tasks, django_capture_on_commit_callbacks, published, teacher_a, parent_a, pupil_a
):
    pupil_safeguarding_set(pupil=pupil_a, not_in_picture=True)
    takedown_complete(task=TakedownTask.objects.get(), user=teacher_a)
    pupil_safeguarding_set(pupil=pupil_a, not_in_picture=False)  # the "ja" counts again

    _no_again(pupil_a, parent_a, django_capture_on_commit_callbacks)

    assert TakedownTask.objects.filter(done_at__isnull=True).count() == 1
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]


def test_consent_back_before_the_picture_came_down_makes_no_second_task(
    published, teacher_a, parent_a, pupil_a
):
    """Cleared while the task was open, then taken offline all the same: it came down
    after consent came back, as after a "ja" given before it was marked."""
    pupil_safeguarding_set(pupil=pupil_a, not_in_picture=True)
    pupil_safeguarding_set(pupil=pupil_a, not_in_picture=False)
    takedown_complete(task=TakedownTask.objects.get(), user=teacher_a)

    decide(pupil_a, parent_a, "sociale-media", "photo", False)

    assert TakedownTask.objects.count() == 1


def test_the_flag_cleared_counts_only_what_consent_allows_again(
    published, teacher_a, parent_a, pupil_a
):
    """Sem is allowed in photos, not in film: a film taken down stays down."""
    film = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="video", pupils=[pupil_a]
    )
    pupil_safeguarding_set(pupil=pupil_a, not_in_picture=True)
    for task in TakedownTask.objects.all():
        takedown_complete(task=task, user=teacher_a)
    pupil_safeguarding_set(pupil=pupil_a, not_in_picture=False)

    back = TakedownTask.objects.filter(consent_back_at__isnull=False)
    assert [task.publication_check_id for task in back] == [published.pk]
    assert not TakedownTask.objects.standing().filter(publication_check=published).exists()
    assert TakedownTask.objects.standing().filter(publication_check=film).exists()


def test_consent_back_counts_the_picture_as_published_again(
    refused_by_the_other_parent, code_parent, pupil_a
):
    """The board's and admin's "still visible" counts and a retired channel's place on the
    parent's page, in SQL as through the ORM."""
    assert not CheckedPupil.objects.still_published().filter(pupil=pupil_a).exists()
    _end_gezag(code_parent, pupil_a)
    assert CheckedPupil.objects.still_published().filter(pupil=pupil_a).count() == 1
    Purpose.objects.filter(code="sociale-media").update(active=False)
    rows = list(child_purpose_info_rows_orm(pupil_a.pk))
    assert any(row[-1] for row in rows)
    if connection.vendor == "postgresql":
        assert _fetch(CHILD_PURPOSE_INFOS_SQL, [pupil_a.pk, pupil_a.pk]) == rows
