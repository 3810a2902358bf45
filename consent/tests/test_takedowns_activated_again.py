"""A takedown always has someone who can act on it, also across deactivations: an account
activated again (the admin) is, as a membership saved, whom the takedowns nobody could
act on go to (a director or board member), and a maker activated again is told of the
takedowns that waited with them untold. Nothing is sent twice. Before, only a director's
or board member's membership saved moved them; an account switched on again in the admin
left the picture up with nobody told."""

import pytest
from django.core import mail

from conftest import make_staff
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


def deactivate(user):
    user.is_active = False
    user.save()


def activate(user):
    user = type(user).objects.get(pk=user.pk)  # as the admin reads it
    user.is_active = True
    user.save()
    return user


def withdraw(parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    run_due_duties()


def sent_to() -> list[list[str]]:
    return [message.to for message in mail.outbox]


def test_a_director_activated_again_gets_the_takedowns_nobody_could_act_on(
    published, teacher_a, director_a, parent_a, pupil_a
):
    deactivate(director_a)
    deactivate(teacher_a)
    withdraw(parent_a, pupil_a)
    assert mail.outbox == []  # nobody can act: health's unanswered_takedowns
    director = activate(director_a)
    run_due_duties()
    task = TakedownTask.objects.get()
    assert (task.assigned_to, task.done_at) == (director, None)
    assert sent_to() == [[director.email]]
    body = mail.outbox[0].body
    assert "Sem" not in body and "Bakker" not in body
    director.save()  # a second save of the same account is no news
    activate(director)
    run_due_duties()
    assert len(mail.outbox) == 1


def test_a_board_member_activated_again_gets_them_at_a_school_without_director(
    published, teacher_a, parent_a, pupil_a
):
    member = make_staff("bestuur@example.org", Role.BOARD)
    deactivate(member)
    deactivate(teacher_a)
    withdraw(parent_a, pupil_a)
    assert mail.outbox == []
    member = activate(member)
    run_due_duties()
    assert TakedownTask.objects.get().assigned_to == member
    assert sent_to() == [[member.email]]


def test_a_maker_activated_again_is_told_of_the_takedowns_that_waited_with_them(
    published, teacher_a, parent_a, pupil_a
):
    deactivate(teacher_a)
    withdraw(parent_a, pupil_a)
    assert mail.outbox == []
    teacher = activate(teacher_a)
    run_due_duties()
    task = TakedownTask.objects.get()
    assert task.assigned_to == teacher and task.emailed_at is not None
    assert sent_to() == [[teacher.email]]
    activate(teacher)
    run_due_duties()
    assert len(mail.outbox) == 1


def test_a_maker_told_before_is_not_told_again_when_activated_again(
    published, teacher_a, parent_a, pupil_a
):
    withdraw(parent_a, pupil_a)
    assert sent_to() == [[teacher_a.email]]
    deactivate(teacher_a)  # nobody else answers for the school: the task stays theirs
    activate(teacher_a)
    run_due_duties()
    assert len(mail.outbox) == 1


def test_a_maker_activated_again_after_the_director_took_over_is_told_nothing(
    published, teacher_a, director_a, parent_a, pupil_a
):
    deactivate(teacher_a)
    withdraw(parent_a, pupil_a)
    assert sent_to() == [[director_a.email]]
    activate(teacher_a)
    run_due_duties()
    assert TakedownTask.objects.get().assigned_to == director_a  # not given back
    assert len(mail.outbox) == 1


def test_a_maker_who_left_the_school_and_is_activated_again_is_told_nothing(
    published, teacher_a, parent_a, pupil_a
):
    deactivate(teacher_a)
    withdraw(parent_a, pupil_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    activate(teacher_a)  # an account kept for a parent's role, say: no reach at the school
    run_due_duties()
    assert mail.outbox == []
