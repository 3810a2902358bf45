"""A check adjusted after a "nee" (the teacher blurred another pupil: a newer check
replaces it) is the same post. While the older check's task for the pupil still stands
(open, or taken offline without consent allowing the pupil again since), a later "ja"
then "nee", or the other parent's "nee", makes no second task, card or e-mail on the
newer check; once consent allowed the pupil again, the next "nee" takes the post down
anew, on the check that shows it now."""

import pytest
from django.core import mail

from conftest import make_pupil
from consent.models import Appearance, CheckedPupil, TakedownTask
from consent.services import publication_check_adjust, publication_check_create, takedown_complete
from consent.tests.helpers import decide, purpose


@pytest.fixture
def adjusted_after_a_no(teacher_a, parent_a, school_a, group_a1, pupil_a):
    """Sem and another pupil in a post; parent A's "nee" for Sem made a task on the check;
    then the teacher blurred the other pupil: a newer check in which Sem still appears."""
    classmate = make_pupil(school_a, group_a1, "1009", "Lotte", "Visser")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    first = publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, classmate],
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    newer = publication_check_adjust(
        user=teacher_a, check=first, appearances={classmate.pk: Appearance.UNRECOGNISABLE}
    )
    return task, newer


def _decide(pupil, parent, granted, capture):
    mail.outbox.clear()
    with capture(execute=True):
        decide(pupil, parent, "sociale-media", "photo", granted)


def test_a_yes_then_a_no_while_the_older_checks_task_is_open_makes_no_second_card(
    eager_tasks, django_capture_on_commit_callbacks, adjusted_after_a_no, parent_a, pupil_a
):
    task, newer = adjusted_after_a_no
    _decide(pupil_a, parent_a, True, django_capture_on_commit_callbacks)
    _decide(pupil_a, parent_a, False, django_capture_on_commit_callbacks)
    assert list(TakedownTask.objects.all()) == [task]
    assert mail.outbox == []
    assert not CheckedPupil.objects.still_published().filter(pupil=pupil_a).exists()


def test_the_task_follows_the_post_to_the_newer_check(adjusted_after_a_no, pupil_a):
    task, newer = adjusted_after_a_no
    task.refresh_from_db()
    assert task.publication_check_id == newer.pk
    assert task.done_at is None


def test_taken_offline_after_the_adjustment_the_other_parents_no_makes_no_second_task(
    eager_tasks,
    django_capture_on_commit_callbacks,
    adjusted_after_a_no,
    teacher_a,
    code_parent,
    pupil_a,
):
    task, newer = adjusted_after_a_no
    takedown_complete(task=task, user=teacher_a)
    _decide(pupil_a, code_parent, False, django_capture_on_commit_callbacks)
    assert list(TakedownTask.objects.all()) == [task]
    assert mail.outbox == []


def test_taken_offline_before_the_adjustment_a_no_takes_the_newer_check_down(
    eager_tasks,
    django_capture_on_commit_callbacks,
    teacher_a,
    parent_a,
    code_parent,
    school_a,
    group_a1,
    pupil_a,
):
    """The post was adjusted after it came down: the adjusted one may have gone up, so
    the safe side, a task on the newer check (as for any check made after a "nee")."""
    classmate = make_pupil(school_a, group_a1, "1009", "Lotte", "Visser")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    first = publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, classmate],
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    takedown_complete(task=task, user=teacher_a)
    newer = publication_check_adjust(
        user=teacher_a, check=first, appearances={classmate.pk: Appearance.UNRECOGNISABLE}
    )
    task.refresh_from_db()
    assert task.publication_check_id == first.pk

    _decide(pupil_a, code_parent, False, django_capture_on_commit_callbacks)

    again = TakedownTask.objects.get(done_at__isnull=True)
    assert again.publication_check_id == newer.pk
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]


def test_a_no_after_consent_allowed_the_pupil_again_takes_the_newer_check_down(
    eager_tasks,
    django_capture_on_commit_callbacks,
    adjusted_after_a_no,
    teacher_a,
    parent_a,
    pupil_a,
):
    task, newer = adjusted_after_a_no
    takedown_complete(task=task, user=teacher_a)
    _decide(pupil_a, parent_a, True, django_capture_on_commit_callbacks)  # may go back up
    task.refresh_from_db()
    assert task.consent_back_at is not None
    _decide(pupil_a, parent_a, False, django_capture_on_commit_callbacks)
    again = TakedownTask.objects.get(done_at__isnull=True)
    assert again.publication_check_id == newer.pk
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]
