"""Urgent-case and digest e-mails go, at send time, to whoever answers for the school then
(schools.leaders): a director who left since gets nothing, whoever took over gets it once."""

import logging

import pytest
from django.core import mail

from conftest import make_staff
from monitoring.notifications import monthly_digest_send, urgent_case_queue
from monitoring.tests.helpers import make_case
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_an_urgent_case_goes_to_the_board_when_its_director_left_before_it_was_sent(
    school_a, director_a, board
):
    # the ex-director, account still active, got the school's urgent case
    urgent_case_queue(case=make_case(school_a, priority=0))
    StaffMembership.objects.filter(user=director_a).delete()
    run_due_duties()
    urgent = [m.to for m in mail.outbox if "Dringend" in m.subject]
    assert urgent == [[board.email]]


def test_an_urgent_case_reaches_the_director_who_stays_once(school_a, director_a):
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    urgent_case_queue(case=make_case(school_a, priority=0))
    StaffMembership.objects.filter(user=director_a).update(role=Role.TEACHER)
    run_due_duties()
    assert recipients() == [colleague.email]


def test_an_urgent_case_queued_for_the_board_goes_to_the_director_appointed_since(school_a, board):
    urgent_case_queue(case=make_case(school_a, priority=0))
    director = make_staff("nieuwe.directeur@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    assert recipients() == [director.email]


def test_the_digest_goes_to_the_new_director_not_the_one_who_left(school_a, director_a):
    monthly_digest_send()
    StaffMembership.objects.filter(user=director_a).delete()
    director = make_staff("nieuwe.directeur@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    monthly_digest_send()  # a second beat the same month
    run_due_duties()
    assert recipients() == [director.email]


def test_an_e_mail_nobody_can_answer_for_any_more_is_dropped_with_ids_only(
    caplog, school_a, director_a
):
    case = make_case(school_a, priority=0)
    urgent_case_queue(case=case)
    StaffMembership.objects.filter(user=director_a).delete()
    with caplog.at_level(logging.INFO):
        run_due_duties()
    assert mail.outbox == []
    assert (
        f"outbox: urgent-case:{case.pk} no longer reaches user {director_a.pk}, "
        "nor anyone else; dropped"
    ) in caplog.messages
    assert director_a.email not in caplog.text and school_a.name not in caplog.text
