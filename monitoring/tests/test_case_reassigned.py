"""A case given to someone else tells the one who had it, once, who has it now: no post
text, no pupil names, and nothing to someone who left the school meanwhile."""

import pytest
from django.core import mail

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import (
    make_pupil_case,
)
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(school_a):
    return make_pupil_case(school_a)


def assign(case, user) -> FollowUp:
    return services.followup_update(case=case, status=case.status, assigned_to=user)


def told(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.fixture
def held_by_teacher(case_a, teacher_a):
    assign(case_a, teacher_a)
    run_due_duties()
    mail.outbox.clear()
    return case_a


def test_it_tells_the_previous_assignee_once_who_has_the_case_now(
    held_by_teacher, teacher_a, other_teacher
):
    assign(held_by_teacher, other_teacher)
    run_due_duties()
    run_due_duties()
    [message] = told(teacher_a)
    body = " ".join((message.subject + " " + message.body).split())
    assert f"Zaak #{held_by_teacher.pk} van OBS De Vlindertuin" in body
    assert f"{other_teacher.full_name} heeft de zaak nu" in body
    assert "Daan" not in body and "Visser" not in body and "huilend" not in body
    assert len(told(other_teacher)) == 1  # the new assignee's own e-mail
    assert len(mail.outbox) == 2


def test_it_tells_the_previous_assignee_when_nobody_has_the_case_now(held_by_teacher, teacher_a):
    services.followup_update(case=held_by_teacher, status="new", assigned_to=None)
    run_due_duties()
    [message] = told(teacher_a)
    assert "niet meer aan u toegewezen" in message.body
    assert mail.outbox == [message]


def test_it_tells_nobody_on_a_first_assignment_or_an_unchanged_one(held_by_teacher, teacher_a):
    services.followup_update(
        case=held_by_teacher, status="new", assigned_to=teacher_a, notes="Gebeld"
    )
    run_due_duties()
    assert mail.outbox == []


def test_it_tells_nothing_when_the_case_came_back_before_the_e_mail_went(
    held_by_teacher, teacher_a, other_teacher
):
    assign(held_by_teacher, other_teacher)
    assign(held_by_teacher, teacher_a)
    run_due_duties()
    assert [m.to for m in mail.outbox if "niet meer" in m.subject] == [[other_teacher.email]]


def test_it_tells_nothing_to_a_previous_assignee_who_left_the_school_meanwhile(
    held_by_teacher, teacher_a, other_teacher
):
    assign(held_by_teacher, other_teacher)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    assert told(teacher_a) == []
    assert len(told(other_teacher)) == 1


def test_two_directors_assigning_the_same_teacher_at_once_send_one_e_mail(case_a, teacher_a):
    # each request read the unassigned case before the other saved: two e-mails
    first, second = (FollowUp.objects.get(pk=case_a.pk) for _ in range(2))
    assign(first, teacher_a)
    assign(second, teacher_a)
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]


def test_a_form_read_before_the_hand_over_does_not_give_the_case_back(
    case_a, teacher_a, director_a
):
    from django.core.exceptions import ValidationError

    assign(case_a, teacher_a)
    stale = FollowUp.objects.get(pk=case_a.pk)
    StaffMembership.objects.filter(user=teacher_a).delete()  # handed to the director
    with pytest.raises(ValidationError):
        services.followup_update(case=stale, status="new", assigned_to=teacher_a, notes="x")
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a
