"""A check before posting sent after a ticked pupil moved to another group (out of the
teacher's reach) while the form was open: still a 404, as a pupil's id out of reach in a
path, but with a clear message and the teacher's own typed note given back, never the
pupil's name. It used to be the bare "page does not exist"."""

import re

import pytest
from django.urls import reverse

from consent.models import PublicationCheck

pytestmark = pytest.mark.django_db
MESSAGE = "Niet elke leerling die u aanvinkte, hoort (nog) bij uw leerlingen"
NOTE = "musical <groep 8> & ouders"


def _page(response) -> str:
    """The page without its CSRF token, which is masked anew on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _check(client, *pupils, note=NOTE):
    data = {"purpose": "website", "media_type": "photo", "pupils": [p.pk for p in pupils]}
    return client.post(reverse("consent:check_new"), {**data, "note": note})


def test_a_pupil_moved_meanwhile_is_a_404_that_says_why(login, teacher_a, pupil_a, group_a2):
    client = login(teacher_a)
    pupil_a.group = group_a2
    pupil_a.save(update_fields=["group"])
    response = _check(client, pupil_a)
    page = response.content.decode()
    assert response.status_code == 404
    assert MESSAGE in page
    assert "Uw tekst is niet opgeslagen: musical &lt;groep 8&gt; &amp; ouders" in page
    assert pupil_a.first_name not in page and pupil_a.last_name not in page
    assert PublicationCheck.objects.count() == 0


def test_another_schools_pupil_gets_the_same_answer(login, teacher_a, pupil_a, group_a2, pupil_b):
    client = login(teacher_a)
    pupil_a.group = group_a2
    pupil_a.save(update_fields=["group"])
    assert _page(_check(client, pupil_a)) == _page(_check(client, pupil_b))


def test_without_a_note_only_the_message(login, teacher_a, pupil_a2):
    response = _check(login(teacher_a), pupil_a2, note="")
    assert response.status_code == 404
    page = response.content.decode()
    assert MESSAGE in page and "Uw tekst" not in page
