"""A case whose assignee leaves reaches a person who answers for the school: its director,
or a board member when it has none (schools.leaders), with an e-mail and under "Mijn zaken"."""

import pytest
from django.core import mail
from django.urls import reverse

from conftest import make_staff, make_user
from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import (
    make_case,
    make_pupil_case,
    my_cases_section,
)
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


@pytest.fixture
def case_a(school_a):
    return make_pupil_case(school_a)


def assigned(case, user) -> FollowUp:
    services.followup_update(case=case, status=case.status, assigned_to=user)
    run_due_duties()
    mail.outbox.clear()
    return case


def my_cases_of(login, user) -> str:
    page = login(user).get(reverse("home"), follow=True).content.decode()
    return my_cases_section(page)


def test_it_hands_the_case_to_the_board_when_the_school_has_no_director(
    login, case_a, teacher_a, board
):
    # it was left unassigned, a count on the board's home: nobody was told
    assigned(case_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == board
    assert [m.to for m in mail.outbox] == [[board.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert reverse("monitoring:case", args=[case_a.pk]) in body
    assert "Daan" not in body and "huilend" not in body
    assert reverse("monitoring:case", args=[case_a.pk]) in my_cases_of(login, board)


def test_it_hands_the_case_of_a_deactivated_only_director_to_the_board(case_a, director_a, board):
    assigned(case_a, director_a)
    director_a.is_active = False
    director_a.save()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == board
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_it_hands_the_case_of_a_deleted_only_director_to_the_board(case_a, director_a, board):
    # deleted in the admin: the director still counted as the school's director then
    assigned(case_a, director_a)
    director_a.delete()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == board
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_it_lists_only_the_board_member_s_own_cases_under_my_cases(
    login, school_a, case_a, teacher_a, board
):
    # a colleague's: every open case at a school without a director is somebody's now
    colleague = make_staff("bestuur.twee@example.org", Role.BOARD)
    other_case = make_case(school_a, assigned_to=colleague)
    assigned(case_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    section = my_cases_of(login, board)
    assert reverse("monitoring:case", args=[case_a.pk]) in section
    assert reverse("monitoring:case", args=[other_case.pk]) not in section


def test_a_board_member_keeps_the_case_while_on_the_board(case_a, teacher_a, board):
    """A colleague with an older account joins the board and the admin saves the first
    one's membership: they still answer for the school, so nothing moves, nobody is told."""
    older = make_user("al.lang.in.dienst@example.org")
    assigned(case_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    mail.outbox.clear()
    StaffMembership.objects.create(user=older, role=Role.BOARD)
    board.memberships.get().save()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == board
    assert mail.outbox == []


def test_a_board_member_who_leaves_the_board_hands_the_case_to_the_new_director(
    school_a, case_a, teacher_a, board
):
    assigned(case_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    director = make_staff("nieuwe.directeur@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    mail.outbox.clear()
    StaffMembership.objects.filter(user=board).delete()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == director
    assert [m.to for m in mail.outbox] == [[director.email]]


def test_it_leaves_the_case_unassigned_only_when_nobody_answers_for_the_school(case_a, teacher_a):
    assigned(case_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to is None
    assert mail.outbox == []


def test_a_board_member_who_also_teaches_keeps_the_case_after_the_teaching_ends(
    school_a, group_a2, case_a, director_a
):
    from conftest import add_teaching

    member = add_teaching(make_staff("bestuur.juf@example.org", Role.BOARD), school_a, [group_a2])
    assigned(case_a, member)
    StaffMembership.objects.filter(user=member, role=Role.TEACHER).delete()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == member
    assert mail.outbox == []


def test_a_teacher_who_becomes_a_parent_only_no_longer_reaches_the_case(
    login, case_a, teacher_a, director_a, pupil_a
):
    from schools.models import Guardianship

    assigned(case_a, teacher_a)
    Guardianship.objects.create(user=teacher_a, pupil=pupil_a, has_parental_authority=True)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a
    assert [m.to for m in mail.outbox] == [[director_a.email]]
    # the link in the assignment e-mail they had is a 404 for them now
    assert login(teacher_a).get(reverse("monitoring:case", args=[case_a.pk])).status_code == 404


def test_a_teacher_who_moves_to_another_school_hands_the_case_over(
    login, case_a, teacher_a, director_a, school_b
):
    assigned(case_a, teacher_a)
    membership = teacher_a.memberships.get()
    membership.school = school_b
    membership.save()
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a
    assert [m.to for m in mail.outbox] == [[director_a.email]]
    assert login(teacher_a).get(reverse("monitoring:case", args=[case_a.pk])).status_code == 404
