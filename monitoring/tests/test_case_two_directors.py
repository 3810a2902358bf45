"""Two directors on one case: a form read before the other one saved does not undo what
they did (a close, a plan, notes); it says the case changed meanwhile and changes
nothing."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_pupil_case
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_director(school_a):
    return make_staff("adjunct.a@example.org", StaffMembership.Role.DIRECTOR, school_a)


@pytest.fixture
def held_case(school_a, teacher_a, director_a):
    case = make_pupil_case(school_a)
    services.followup_update(
        case=case,
        status="conversation_held",
        held_on=timezone.localdate(),
        assigned_to=teacher_a,
        user=director_a,
    )
    run_due_duties()
    mail.outbox.clear()
    return case


def _seen(page: str) -> str:
    return re.search(r'name="seen" value="([^"]+)"', page).group(1)


def _reopened_mails(user) -> list:
    subjects = [(m, m.subject) for m in mail.outbox if user.email in m.to]
    return [m for m, subject in subjects if "monitoringzaak" in subject and "heropend" in subject]


def test_a_form_read_before_another_director_closed_the_case_does_not_reopen_it(
    login, held_case, teacher_a, director_a, other_director
):
    # the stale form's "gesprek gevoerd" reopened the case the other had just closed
    client = login(director_a)
    url = reverse("monitoring:case", args=[held_case.pk])
    seen = _seen(client.get(url).content.decode())
    services.followup_update(
        case=FollowUp.objects.get(pk=held_case.pk),
        status="closed",
        assigned_to=teacher_a,
        user=other_director,
    )
    response = client.post(
        reverse("monitoring:case_update", args=[held_case.pk]),
        {
            "status": "conversation_held",
            "assigned_to": teacher_a.pk,
            "held_on": timezone.localdate().isoformat(),
            "notes": "moeder belt terug",
            "seen": seen,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "intussen gewijzigd" in page
    held_case.refresh_from_db()
    assert (held_case.status, held_case.notes) == ("closed", "")
    assert held_case.closed_by == other_director
    run_due_duties()
    assert _reopened_mails(teacher_a) == []
    # the page now carries the case as it is: saving again is a choice made knowingly
    assert _seen(page) != seen


def test_notes_saved_by_another_director_meanwhile_are_not_overwritten(
    login, held_case, teacher_a, director_a, other_director
):
    client = login(director_a)
    seen = _seen(client.get(reverse("monitoring:case", args=[held_case.pk])).content.decode())
    services.followup_update(
        case=FollowUp.objects.get(pk=held_case.pk),
        status="conversation_held",
        assigned_to=teacher_a,
        notes="vader gesproken",
        user=other_director,
    )
    response = client.post(
        reverse("monitoring:case_update", args=[held_case.pk]),
        {"status": "conversation_held", "assigned_to": teacher_a.pk, "notes": "x", "seen": seen},
    )
    assert response.status_code == 400
    held_case.refresh_from_db()
    assert held_case.notes == "vader gesproken"


def test_a_form_of_the_case_as_it_is_saves(login, held_case, teacher_a, director_a):
    client = login(director_a)
    seen = _seen(client.get(reverse("monitoring:case", args=[held_case.pk])).content.decode())
    response = client.post(
        reverse("monitoring:case_update", args=[held_case.pk]),
        {"status": "closed", "assigned_to": teacher_a.pk, "notes": "klaar", "seen": seen},
    )
    assert response.status_code == 302
    held_case.refresh_from_db()
    assert (held_case.status, held_case.notes) == ("closed", "klaar")


def test_a_case_row_read_before_a_close_is_read_again_under_the_lock(
    held_case, teacher_a, director_a, other_director
):
    # two requests at once: the second one's row was read before the first committed and
    # saved "gesprek gevoerd" back over the close, silently: the assignee had been told it
    # was closed and heard nothing more
    stale = FollowUp.objects.get(pk=held_case.pk)
    services.followup_update(
        case=FollowUp.objects.get(pk=held_case.pk),
        status="closed",
        assigned_to=teacher_a,
        user=other_director,
    )
    services.followup_update(
        case=stale, status="conversation_held", assigned_to=teacher_a, user=director_a
    )
    run_due_duties()
    # what it did is a reopening, told as one
    assert len(_reopened_mails(teacher_a)) == 1
    held_case.refresh_from_db()
    assert (held_case.status, held_case.closed_at) == ("conversation_held", None)
