"""A complaint is seen by someone who answers for the school: an assignee who is not its
director (nor on the board) closes a case as "no action needed" only with a short reason,
and the school's director (or, at a school without one, a board member:
schools.leaders) is e-mailed once, with a link, no post text, no pupil names, not the
reason. A teacher used to close it silently, without a word."""

import pytest
from django.core import mail
from django.urls import reverse

from conftest import make_staff
from monitoring import services
from monitoring.selectors import unanswered_cases
from monitoring.tests.helpers import make_case, make_flag, make_post, make_pupil_case, make_source
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role
SITE = "https://portaal.opo.example"
REASON = "Moeder van Daan gesproken bij het hek; het was een misverstand"


def assign(case, user):
    services.followup_update(case=case, status=case.status, assigned_to=user)
    run_due_duties()
    mail.outbox.clear()


@pytest.fixture
def case_a(school_a, teacher_a, director_a, settings):
    settings.SITE_URL = SITE
    case = make_pupil_case(school_a)
    assign(case, teacher_a)
    return case


def close(client, case, reason="", notes=""):
    return client.post(
        reverse("monitoring:case_update", args=[case.pk]),
        {"status": "no_action", "notes": notes, "no_action_reason": reason},
    )


def body_of(message) -> str:
    return message.subject + "\n" + message.body


def assert_nothing_of_the_post_or_reason(body: str) -> None:
    for word in ("Daan", "Visser", "huilend", "Anna", "groep 5", "misverstand", "hek"):
        assert word not in body


def test_it_refuses_a_teachers_no_action_without_a_reason(login, case_a, teacher_a):
    response = close(login(teacher_a), case_a, reason="  ", notes="Niets aan de hand")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["no_action_reason"]
    case_a.refresh_from_db()
    assert (case_a.status, case_a.notes, case_a.closed_at) == ("new", "", None)
    run_due_duties()
    assert mail.outbox == []


def test_the_assignees_form_asks_for_the_reason(login, case_a, teacher_a, director_a):
    page = login(teacher_a).get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert 'name="no_action_reason"' in page
    page = login(director_a).get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert 'name="no_action_reason"' not in page  # who answers for the school decides


def test_a_teachers_no_action_with_a_reason_tells_the_director(
    login, case_a, teacher_a, director_a, other_teacher
):
    response = close(login(teacher_a), case_a, reason=REASON)
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.status, case_a.closed_by) == ("no_action", teacher_a)
    assert [r["reason"] for r in case_a.no_action_reasons] == [REASON]  # on the case page
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director_a.email]]
    body = body_of(mail.outbox[0])
    assert "gesloten zonder actie" in mail.outbox[0].subject  # in the director's language
    assert f"#{case_a.pk}" in body and case_a.school.name in body
    assert teacher_a.full_name in body
    assert SITE + reverse("monitoring:case", args=[case_a.pk]) in body
    assert_nothing_of_the_post_or_reason(body)
    page = login(director_a).get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert "misverstand" in page


@pytest.mark.parametrize("category", ["verify_fact", "privacy", "negative_experience"])
def test_the_e_mail_calls_no_case_a_complaint(login, school_a, teacher_a, director_a, category):
    """A rumour to check or a photo of pupils closed without action is no complaint: the
    e-mail said "Een klacht over de school moet gezien worden" of every case."""
    case = make_case(school_a)
    make_flag(make_post(make_source(), text="Sluit de school?"), school_a, category, case)
    assign(case, teacher_a)
    assert close(login(teacher_a), case, reason=REASON).status_code == 302
    run_due_duties()
    body = body_of(mail.outbox[0])
    assert "klacht" not in body.lower()
    assert "Wat er online over de school staat, hoort gezien te worden door iemand" in body


def test_it_is_told_once_however_often_the_duties_run(login, case_a, teacher_a, director_a):
    close(login(teacher_a), case_a, reason=REASON)
    run_due_duties()
    run_due_duties()
    services.followups_no_action_reach()  # a membership saved: nothing is waiting
    run_due_duties()
    assert len(mail.outbox) == 1


def test_a_director_needs_no_reason_and_is_not_told_of_their_own_close(
    login, case_a, teacher_a, director_a
):
    assert close(login(director_a), case_a).status_code == 302
    case_a.refresh_from_db()
    assert case_a.status == "no_action"
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]  # the assignee, as before


def test_a_board_member_needs_no_reason(login, case_a, board):
    assert close(login(board), case_a).status_code == 302
    run_due_duties()
    assert board.email not in [a for m in mail.outbox for a in m.to]


def test_a_director_here_who_teaches_elsewhere_is_a_teacher_there(
    login, school_b, case_a, director_b, director_a
):
    StaffMembership.objects.create(user=director_b, school=case_a.school, role=Role.TEACHER)
    assign(case_a, director_b)
    assert close(login(director_b), case_a).status_code == 400
    assert close(login(director_b), case_a, reason=REASON).status_code == 302
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director_a.email]]


def test_at_a_school_without_a_director_a_board_member_is_told(login, school_b, board):
    teacher = make_staff("juf.b@example.org", Role.TEACHER, school_b)
    case = make_pupil_case(school_b)
    assign(case, teacher)
    assert close(login(teacher), case, reason=REASON).status_code == 302
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_the_form_at_a_school_without_a_director_does_not_promise_the_director_is_told(
    login, school_b, board
):
    """The reason's label said "de directeur krijgt bericht" where the board is told."""
    teacher = make_staff("juf.b@example.org", Role.TEACHER, school_b)
    case = make_pupil_case(school_b)
    assign(case, teacher)
    page = login(teacher).get(reverse("monitoring:case", args=[case.pk])).content.decode()
    assert "of het bestuur als de school geen directeur heeft" in page


def test_with_nobody_to_tell_it_waits_for_whoever_is_named(login, school_b):
    teacher = make_staff("juf.b@example.org", Role.TEACHER, school_b)
    case = make_pupil_case(school_b)
    assign(case, teacher)
    assert close(login(teacher), case, reason=REASON).status_code == 302
    run_due_duties()
    assert mail.outbox == []
    # ops.health alerts on it, as on an open case nobody answers for
    assert unanswered_cases() == {"cases": 1, "schools": [school_b.code]}
    director = make_staff("directeur.b@example.org", Role.DIRECTOR, school_b)
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director.email]]
    assert unanswered_cases()["cases"] == 0
    make_staff("bestuur@example.org", Role.BOARD)  # another membership saved: told already
    run_due_duties()
    assert len(mail.outbox) == 1


def test_a_director_who_left_before_it_went_is_replaced_by_whoever_answers_now(
    login, case_a, teacher_a, director_a, board
):
    close(login(teacher_a), case_a, reason=REASON)
    StaffMembership.objects.filter(user=director_a).delete()
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_the_only_leader_deactivated_before_it_went_leaves_it_waiting(
    login, case_a, teacher_a, director_a
):
    close(login(teacher_a), case_a, reason=REASON)
    director_a.is_active = False
    director_a.save()
    run_due_duties()
    assert mail.outbox == []
    director = type(director_a).objects.get(pk=director_a.pk)  # as the admin reads it
    director.is_active = True
    director.save()
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director.email]]


def test_reopened_before_it_went_it_sends_nothing(login, case_a, teacher_a, director_a):
    client = login(teacher_a)
    close(client, case_a, reason=REASON)
    client.post(reverse("monitoring:case_update", args=[case_a.pk]), {"status": "new"})
    case_a.refresh_from_db()
    assert case_a.status == "new"
    run_due_duties()
    # no "no action" notice, and no reopen notice: the teacher who has the case took it
    # up again (it told the director until 2026-12-07; test_new_case_seen.py)
    assert mail.outbox == []


def test_the_email_points_to_the_reason_on_the_case_page_not_to_the_notes(
    login, case_a, teacher_a, director_a
):
    """The reason has its own place on the case page (FollowUp.no_action_reasons); the
    notes can be emptied by their writer, so the e-mail no longer sends the reader there."""
    close(login(teacher_a), case_a, reason=REASON)
    run_due_duties()
    body = " ".join(body_of(mail.outbox[0]).split())
    assert "notities" not in body
    assert "wilt u de zaak en de reden voor “geen actie nodig” op de zaakpagina lezen" in body
    assert_nothing_of_the_post_or_reason(body)
