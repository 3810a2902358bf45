"""Linking a parent to a pupil in the admin names the pupil's school and number.

Two schools can each have a "Sem Bakker" (at national size, many). The admin's
search-as-you-type for a guardianship's pupil showed only the name, so linking a parent
to a child picked one of identical lines: the wrong one gives the parent another
family's child (their page, their consent). Each line now says which school and pupil
number it is.
"""

import pytest
from django.urls import reverse

from conftest import make_pupil
from schools.models import Guardianship


@pytest.fixture
def namesake_b(school_b, group_b1):
    return make_pupil(school_b, group_b1, "2002", "Sem", "Bakker")


def _suggestions(client, term: str) -> list[str]:
    query = {"app_label": "schools", "model_name": "guardianship", "field_name": "pupil"}
    response = client.get(reverse("admin:autocomplete"), {**query, "term": term})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # pupils' names and numbers
    return sorted(result["text"] for result in response.json()["results"])


def test_it_tells_two_pupils_of_the_same_name_apart(admin_client, pupil_a, namesake_b):
    assert _suggestions(admin_client, "Sem") == [
        "Sem Bakker · OBS De Vlindertuin · 1001",
        "Sem Bakker · OBS Het Zwanenhof · 2002",
    ]


def test_the_linked_pupil_is_named_with_school_on_the_change_page(admin_client, parent_a, pupil_a):
    link = Guardianship.objects.get(user=parent_a)
    url = reverse("admin:schools_guardianship_change", args=[link.pk])
    assert "Sem Bakker · OBS De Vlindertuin · 1001" in admin_client.get(url).content.decode()


def test_it_still_suggests_other_models_by_their_own_names(admin_client, parent_a):
    query = {"app_label": "schools", "model_name": "guardianship", "field_name": "user"}
    response = admin_client.get(reverse("admin:autocomplete"), {**query, "term": "ouder.a"})
    assert [r["text"] for r in response.json()["results"]] == [str(parent_a)]
