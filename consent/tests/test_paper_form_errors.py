"""The paper and phone form answers 400 when it refuses what was sent, with the form, what
was typed and its errors, as the board's and directors' other forms do (and as the refusal
for one's own child did): a refused paper form was a 200, which read to a tool or a test as
if the form had been accepted, and a form sent with nothing in it showed the blank form
again without a word."""

import re

from django.urls import reverse

from consent.models import ConsentEvent
from consent.tests.helpers import answer_field, shown_version

EMPTY = "Vul ten minste één antwoord van het formulier in."
REQUIRED = "Dit veld is verplicht."
ALTERED = "Het formulier is gewijzigd"


def record(pupil) -> str:
    return reverse("consent:record", args=[pupil.pk])


def test_an_empty_post_is_a_400_that_says_what_to_fill_in(login, director_a, parent_a, pupil_a):
    response = login(director_a).post(record(pupil_a))

    assert response.status_code == 400
    html = response.content.decode()
    assert EMPTY in html
    assert html.count(REQUIRED) == 2  # the parent and how they told the school
    assert not ConsentEvent.objects.exists()


def test_an_empty_form_as_a_browser_sends_it_is_a_400_that_says_what_to_fill_in(
    login, director_a, parent_a, pupil_a
):
    client = login(director_a)
    page = client.get(record(pupil_a)).content.decode()
    shown = dict(re.findall(r'type="hidden" name="(v-\d+)" value="(\d+)"', page))
    assert shown

    response = client.post(record(pupil_a), {**shown, "guardian": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert EMPTY in html and html.count(REQUIRED) == 2
    assert '<form method="post" class="paper-form">' in html  # the form, to fill in
    assert not ConsentEvent.objects.exists()


def test_answers_without_the_parent_are_a_400_that_keeps_them(login, director_a, pupil_a):
    data = {"method": "phone", answer_field("website", "photo"): "yes", **shown_version("website")}

    response = login(director_a).post(record(pupil_a), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert REQUIRED in html and EMPTY not in html and ALTERED not in html
    assert re.search(rf'name="{answer_field("website", "photo")}" value="yes"[^>]*checked', html)
    assert not ConsentEvent.objects.exists()


def test_a_bad_answer_value_is_a_400_that_does_not_call_the_form_empty(
    login, director_a, parent_a, pupil_a
):
    """Since 2026-12-07 refused as altered, as the page never sends it
    (test_paper_form_tampered.py); before, "Selecteer een geldige keuze" at the radio."""
    data = {"guardian": parent_a.pk, "method": "paper", answer_field("website", "photo"): "maybe"}
    data |= shown_version("website")

    response = login(director_a).post(record(pupil_a), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert ALTERED in html and EMPTY not in html and "Selecteer een geldige keuze" not in html
    assert not ConsentEvent.objects.exists()
