"""A case form sent twice by the same person (a double tap on "Opslaan" on a phone, Back
and send again): the second one finds the case already as it asks and is not a change by
"someone else". It used to be refused with "Deze zaak is intussen gewijzigd door iemand
anders", which sent a teacher who had just closed the case to look for a colleague."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from monitoring.models import FollowUp
from monitoring.tests.test_case_no_action_seen import case_a  # noqa: F401 - a fixture
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.django_db
REASON = "Moeder gesproken bij het hek; het was een misverstand"


def _as_shown(client, case) -> dict:
    page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()
    return {"seen": re.search(r'name="seen" value="([^"]+)"', page).group(1)}


def _send(client, case, data):
    return client.post(reverse("monitoring:case_update", args=[case.pk]), data)


def test_a_teachers_no_action_sent_twice_is_saved_once(login, case_a, teacher_a, director_a):  # noqa: F811
    client = login(teacher_a)
    data = {**_as_shown(client, case_a), "status": "no_action", "notes": "gebeld"}
    data["no_action_reason"] = REASON

    first = _send(client, case_a, data)
    second = _send(client, case_a, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url == first.url
    page = client.get(second.url).content.decode()
    assert "iemand anders" not in page
    case_a.refresh_from_db()
    assert case_a.status == FollowUp.Status.NO_ACTION
    assert [given["reason"] for given in case_a.no_action_reasons] == [REASON]  # once
    run_due_duties()
    assert len([m for m in mail.outbox if director_a.email in m.to]) == 1


def test_a_directors_form_sent_twice_is_saved_once(login, case_a, teacher_a, director_a):  # noqa: F811
    client = login(director_a)
    data = {**_as_shown(client, case_a), "status": "no_action", "notes": "niets aan de hand"}
    data["assigned_to"] = teacher_a.pk

    assert _send(client, case_a, data).status_code == 302
    assert _send(client, case_a, data).status_code == 302
    case_a.refresh_from_db()
    assert (case_a.status, case_a.notes) == ("no_action", "niets aan de hand")


def test_a_form_sent_again_that_asks_something_else_is_still_refused(
    login,
    case_a,  # noqa: F811
    teacher_a,
):
    client = login(teacher_a)
    shown = _as_shown(client, case_a)
    data = {**shown, "status": "no_action", "notes": "gebeld", "no_action_reason": REASON}
    assert _send(client, case_a, data).status_code == 302

    other = _send(client, case_a, {**data, "notes": "toch iets anders"})

    assert other.status_code == 400
    assert "intussen gewijzigd" in other.content.decode()
    case_a.refresh_from_db()
    assert "toch iets anders" not in case_a.notes
