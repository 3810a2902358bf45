"""A withdrawal reaches every published picture: the ways consent for a pupil on a channel
can go, each giving one takedown per picture the pupil is in, told to someone who can
still take it down."""

import pytest
from django.core import mail

from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from schools.models import StaffMembership


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


def test_a_task_of_a_deleted_account_goes_to_whoever_answers_for_the_school(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    teacher_a,
    director_a,
    board,
    parent_a,
    pupil_a,
):
    # The teacher left; the director got the task; then the director's account is deleted.
    StaffMembership.objects.filter(user=teacher_a).delete()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().assigned_to == director_a
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        director_a.delete()
    task = TakedownTask.objects.get()
    assert (task.assigned_to, task.done_at) == (board, None)
    assert [message.to for message in mail.outbox] == [[board.email]]


def test_a_done_task_of_a_deleted_account_stays_as_the_record_without_an_email(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    teacher_a,
    director_a,
    board,
    parent_a,
    pupil_a,
):
    StaffMembership.objects.filter(user=teacher_a).delete()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    TakedownTask.objects.update(done_at="2026-11-30T10:00Z", done_by=director_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        director_a.delete()
    task = TakedownTask.objects.get()
    assert (task.assigned_to, task.done_by, task.is_open) == (board, None, False)
    assert mail.outbox == []
