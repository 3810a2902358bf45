"""A conflict notice goes, at send time, to whoever answers for the pupil's school then
(schools.leaders): a director who left since is told nothing about the school's pupils."""

import pytest
from django.core import mail

from conftest import make_staff, make_user
from consent.tests.helpers import decide
from outbox.tests.helpers import run_due_duties
from schools.models import Guardianship, StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


@pytest.fixture
def second_parent(pupil_a):
    user = make_user("ouder.a2@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    return user


@pytest.fixture
def parents_disagree(director_a, parent_a, second_parent, pupil_a):
    decide(pupil_a, parent_a, "pers", "photo", True)
    decide(pupil_a, second_parent, "pers", "photo", False)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_notice_goes_to_the_new_director_not_the_one_who_left(
    parents_disagree, school_a, director_a
):
    # the ex-director, account still active, was e-mailed the school's conflict
    StaffMembership.objects.filter(user=director_a).delete()
    director = make_staff("nieuwe.directeur@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    assert recipients() == [director.email]


def test_the_notice_goes_to_the_board_when_the_school_is_left_without_director(
    parents_disagree, director_a, board
):
    StaffMembership.objects.filter(user=director_a).update(role=Role.TEACHER)
    run_due_duties()
    assert recipients() == [board.email]


def test_the_director_who_stays_gets_the_notice_once(parents_disagree, school_a, director_a):
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    # the notice was written for director_a alone; the colleague joined before it went
    StaffMembership.objects.filter(user=director_a).delete()
    run_due_duties()
    run_due_duties()
    assert recipients() == [colleague.email]
