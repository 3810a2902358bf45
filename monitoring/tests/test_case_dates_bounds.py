"""A conversation's date typed wrong (1900, year 1, 31 February): a clear form error and
the case unchanged."""

import pytest
from django.urls import reverse

from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("1900-01-01", "vanaf 2000"),
        ("0001-01-01", "vanaf 2000"),
        ("2026-02-31", "geldige datum"),
    ],
)
def test_it_refuses_a_held_date_no_conversation_can_have(
    login, director_a, school_a, held_on, message
):
    case = make_case(school_a)
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case.pk]),
        {"status": "conversation_held", "held_on": held_on, "notes": "gesproken"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.held_on, case.notes) == (FollowUp.Status.NEW, None, "")
