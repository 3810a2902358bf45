"""Migration 0011: the open cases that earlier versions left with nobody who answers for
them go to whoever answers now, who is told once (an outbox duty per case)."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from conftest import make_staff
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case, make_pupil_case
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
migration = importlib.import_module("monitoring.migrations.0011_waiting_cases_reach")
Role = StaffMembership.Role


def migrate() -> None:
    migration.assign_waiting_cases(apps, None)


def test_an_open_case_nobody_has_at_a_school_without_director_goes_to_a_board_member(
    school_b, board
):
    make_staff("bestuur.twee@example.org", Role.BOARD)
    case = make_pupil_case(school_b)
    migrate()
    case.refresh_from_db()
    assert case.assigned_to == board
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[board.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert reverse("monitoring:case", args=[case.pk]) in body
    assert "Daan" not in body and "huilend" not in body


def test_a_case_of_someone_who_left_goes_to_the_director(school_a, teacher_a, director_a):
    case = make_case(school_a, assigned_to=teacher_a)
    StaffMembership.objects.filter(user=teacher_a).update(school=None, role=Role.PRIVACY_OFFICER)
    migrate()
    case.refresh_from_db()
    assert case.assigned_to == director_a


def test_a_case_of_a_deactivated_account_goes_to_the_board_at_a_school_without_director(
    school_b, board
):
    gone = make_staff("oud.directeur@example.org", Role.DIRECTOR, school_b)
    case = make_case(school_b, assigned_to=gone)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    migrate()
    case.refresh_from_db()
    assert case.assigned_to == board


def test_it_leaves_alone_what_already_reaches_someone(
    school_a, school_b, teacher_a, director_a, board
):
    waiting_for_director = make_case(school_a)
    assigned = make_case(school_a, assigned_to=teacher_a)
    kept_by_board = make_case(school_b, assigned_to=board)
    closed = make_case(school_b, status="closed", closed_at=waiting_for_director.opened_at)
    migrate()
    migrate()
    rows = dict(FollowUp.objects.values_list("pk", "assigned_to_id"))
    assert rows == {
        waiting_for_director.pk: None,
        assigned.pk: teacher_a.pk,
        kept_by_board.pk: board.pk,
        closed.pk: None,
    }
    assert not Duty.objects.exists()


def test_it_tells_each_person_once_when_run_twice(school_b, board):
    make_case(school_b)
    migrate()
    FollowUp.objects.update(assigned_to=None)  # as if the first run's change was lost
    migrate()
    run_due_duties()
    assert len(mail.outbox) == 1


def test_it_leaves_a_case_unassigned_when_nobody_answers_for_the_school(school_b):
    case = make_case(school_b)
    migrate()
    case.refresh_from_db()
    assert case.assigned_to is None
    assert not Duty.objects.exists()
