"""A case form sent after the case left the sender's reach while the form was open (handed
to a colleague): still the 404 that tells nothing of the case, but with the sender's own
typed text given back to copy. It used to be the bare 404: what they typed was lost."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.test_case_no_action_seen import case_a  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
TYPED = "Gesprek met <b>moeder</b> & vader\nvolgende week nog eens bellen"
BACK = "Uw tekst is niet opgeslagen: "


def _page(response) -> str:
    """The page without its CSRF token, which is masked anew on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _update(client, pk, **data):
    return client.post(reverse("monitoring:case_update", args=[pk]), data)


def test_a_case_handed_on_meanwhile_is_a_404_with_the_typed_notes(
    login,
    case_a,  # noqa: F811
    teacher_a,
    other_teacher,
    director_a,
):
    client = login(teacher_a)
    services.followup_update(case=case_a, status="new", assigned_to=other_teacher, user=director_a)
    response = _update(client, case_a.pk, status="conversation_held", notes=TYPED)
    page = response.content.decode()
    assert response.status_code == 404
    assert BACK + escape(TYPED) in page
    assert "<b>moeder</b>" not in page
    assert case_a.school.name not in page and f"#{case_a.pk}" not in page
    case_a.refresh_from_db()
    assert (case_a.status, case_a.notes) == ("new", "")


def test_the_typed_reason_comes_back_too(login, case_a, teacher_a, other_teacher, director_a):  # noqa: F811
    client = login(teacher_a)
    services.followup_update(case=case_a, status="new", assigned_to=other_teacher, user=director_a)
    response = _update(
        client, case_a.pk, status="no_action", notes="", no_action_reason="misverstand"
    )
    assert response.status_code == 404
    assert BACK + "misverstand" in response.content.decode()
    assert FollowUp.objects.get(pk=case_a.pk).no_action_reasons == []


def test_it_answers_a_case_of_nobody_the_same(login, case_a, teacher_a, other_teacher, director_a):  # noqa: F811
    client = login(teacher_a)
    services.followup_update(case=case_a, status="new", assigned_to=other_teacher, user=director_a)
    handed_on = _update(client, case_a.pk, status="new", notes=TYPED)
    nobodys = _update(client, case_a.pk + 1000, status="new", notes=TYPED)
    assert handed_on.status_code == nobodys.status_code == 404
    # the language switch comes back to the address sent to: the only difference
    nobodys_page = _page(nobodys).replace(f"/{case_a.pk + 1000}/", f"/{case_a.pk}/")
    assert _page(handed_on) == nobodys_page


def test_a_bare_404_without_typed_text(login, case_a, director_b):  # noqa: F811
    response = _update(login(director_b), case_a.pk, status="new", notes="  ")
    assert response.status_code == 404
    assert "Uw tekst" not in response.content.decode()


def test_a_correction_typed_for_a_case_out_of_reach_comes_back(login, case_a, director_b):  # noqa: F811
    response = login(director_b).post(
        reverse("monitoring:reply_draft", args=[case_a.pk]), {"text": "Dat klopt niet: <i>x</i>"}
    )
    assert response.status_code == 404
    assert BACK + escape("Dat klopt niet: <i>x</i>") in response.content.decode()
    assert not case_a.replies.exists()
