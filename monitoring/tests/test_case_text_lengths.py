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


def test_notes_stored_past_the_limit_can_be_saved_again(
    login,
    case_a,  # noqa: F811
    teacher_a,
):
    """Notes can be stored longer than the limit: typed up to it, they got a line from the
    portal until 2026-12-07 (an earlier conversation's date, the reason for no action),
    and migrations 0026 and 0027 leave a line they cannot read, such as one its writer
    added to. Saving them unchanged may not be refused."""
    stored = "x" * NOTES_MAX_LENGTH + "\nEerder gesprek gevoerd op 2 maart 2026. Moeder boos."
    FollowUp.objects.filter(pk=case_a.pk).update(notes=stored)
    client = login(teacher_a)
    page = client.get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert f'maxlength="{len(stored)}"' in page
    response = _update(client, case_a, status="new", notes=stored + " en nog wat")
    assert response.status_code == 400
    response = _update(client, case_a, status="new", notes=stored[:-3])
    assert response.status_code == 302


def test_another_conversation_leaves_notes_typed_up_to_the_limit_as_they_are(
    login,
    case_a,  # noqa: F811
    teacher_a,
):
    """The earlier conversation has its own place (FollowUp.earlier_conversations): the
    notes no longer grow past the limit when another conversation is planned."""
    today = timezone.localdate()
    notes = "x" * NOTES_MAX_LENGTH
    FollowUp.objects.filter(pk=case_a.pk).update(
        status="conversation_held", held_on=today, notes=notes
    )
    later = today + datetime.timedelta(days=7)
    response = _update(
        login(teacher_a), case_a, status="conversation_planned", notes=notes, planned_for=later
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.notes == notes
    assert case_a.earlier_conversations == [{"held": today.isoformat(), "planned": None}]


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
