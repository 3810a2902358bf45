"""Every free-text field of the case page has a length limit: the notes, the reason for
"no action needed" and a drafted correction. 100,000 characters of notes used to be saved
as typed. Too long is the form's usual error at the field, the page answers 400 with the
text as typed and nothing is saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.forms import NOTES_MAX_LENGTH
from monitoring.models import FollowUp, PublicReply
from monitoring.tests.test_case_no_action_seen import case_a  # noqa: F401 - a fixture
from monitoring.tests.test_replies_twice import fact_case  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
HUGE = "lang verhaal " * 8_000  # 104,000 characters


def _update(client, case, **data):
    return client.post(reverse("monitoring:case_update", args=[case.pk]), data)


def test_it_refuses_notes_past_the_limit(login, case_a, teacher_a):  # noqa: F811
    response = _update(login(teacher_a), case_a, status="new", notes=HUGE)
    assert response.status_code == 400
    assert "niet meer dan" in response.context["form"].errors["notes"][0]
    assert HUGE.strip() in response.content.decode()  # as typed, to correct
    case_a.refresh_from_db()
    assert case_a.notes == ""


def test_it_takes_notes_up_to_the_limit(login, case_a, teacher_a):  # noqa: F811
    notes = "x" * NOTES_MAX_LENGTH
    response = _update(login(teacher_a), case_a, status="new", notes=notes)
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.notes == notes


def test_notes_the_portal_lengthened_past_the_limit_can_be_saved_again(
    login,
    case_a,  # noqa: F811
    teacher_a,
):
    """The portal adds a line to the notes (an earlier conversation's date, when another
    is planned; until 2026-12-07 also the reason for no action): notes typed up to the
    limit end up longer than it, and saving them unchanged may not be refused."""
    today = timezone.localdate()
    FollowUp.objects.filter(pk=case_a.pk).update(status="conversation_held", held_on=today)
    notes = "x" * NOTES_MAX_LENGTH
    client = login(teacher_a)
    later = today + datetime.timedelta(days=7)
    response = _update(
        client, case_a, status="conversation_planned", notes=notes, planned_for=later
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert len(case_a.notes) > NOTES_MAX_LENGTH
    page = client.get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert f'maxlength="{len(case_a.notes)}"' in page
    stored = case_a.notes
    keep = {"status": "conversation_planned", "planned_for": later}
    response = _update(client, case_a, notes=stored + " en nog wat", **keep)
    assert response.status_code == 400
    response = _update(client, case_a, notes=stored[:-3], **keep)
    assert response.status_code == 302


def test_it_refuses_a_reason_past_the_limit(login, case_a, teacher_a):  # noqa: F811
    response = _update(
        login(teacher_a), case_a, status="no_action", notes="", no_action_reason=HUGE
    )
    assert response.status_code == 400
    assert "niet meer dan" in response.context["form"].errors["no_action_reason"][0]
    case_a.refresh_from_db()
    assert (case_a.status, case_a.no_action_reasons) == ("new", [])


def test_it_refuses_a_correction_past_the_limit(login, director_a, fact_case):  # noqa: F811
    url = reverse("monitoring:reply_draft", args=[fact_case.pk])
    response = login(director_a).post(url, {"text": HUGE})
    assert response.status_code == 400
    assert "niet meer dan" in response.context["reply_form"].errors["text"][0]
    assert HUGE.strip() in response.content.decode()
    assert not PublicReply.objects.exists()
