"""The paper form's hidden text versions (which text of each channel the page showed).

A version that is not a text of its channel (another channel's, a number that is no
version, not a number at all) means the form was altered: a 400 that says so, nothing
recorded (it was a 400 without a word, or read as a changed text). A version that is an
earlier text of the channel, changed in meaning since, is stale: the page says so and
shows the current text (test_paper_form.py has the rest of that case)."""

import re

import pytest
from django.urls import reverse

from consent.models import ConsentEvent
from consent.services import purpose_version_publish
from consent.tests.helpers import answer_field, purpose, version_field

ALTERED = "Het formulier is gewijzigd nadat de pagina werd getoond"
CHANGED = "is gewijzigd nadat deze pagina werd geopend"


def record(pupil) -> str:
    return reverse("consent:record", args=[pupil.pk])


def shown_form(client, pupil) -> dict:
    page = client.get(record(pupil)).content.decode()
    return dict(re.findall(r'type="hidden" name="(v-\d+)" value="(\d+)"', page))


def other_channels_version() -> str:
    return str(purpose("pers").versions.get().pk)


@pytest.mark.parametrize(
    "value",
    ["abc", "1.5", "99999999", "-1", "0", "99999999999999999999999", "other channel"],
    ids=lambda v: v.replace(" ", "-"),
)
def test_an_altered_version_is_a_400_that_says_so(login, director_a, parent_a, pupil_a, value):
    client = login(director_a)
    data = {"guardian": parent_a.pk, "method": "paper", **shown_form(client, pupil_a)}
    data[answer_field("website", "photo")] = "yes"
    data[version_field("website")] = other_channels_version() if value == "other channel" else value

    response = client.post(record(pupil_a), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert ALTERED in page
    assert f"“{purpose('website').name}”" in page
    assert "Er is niets vastgelegd." in page
    assert CHANGED not in page  # not told the text changed: it did not
    assert not ConsentEvent.objects.exists()


@pytest.mark.parametrize("value", ["abc", "99999999"])
def test_an_altered_version_of_a_channel_left_open_is_refused_too(
    login, director_a, parent_a, pupil_a, value
):
    """A number that is no version at a channel left open was saved (302) before."""
    client = login(director_a)
    data = {"guardian": parent_a.pk, "method": "paper", **shown_form(client, pupil_a)}
    data[answer_field("website", "photo")] = "yes"
    data[version_field("pers")] = value

    response = client.post(record(pupil_a), data)

    assert response.status_code == 400
    assert ALTERED in response.content.decode()
    assert f"“{purpose('pers').name}”" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_a_stale_version_says_the_text_changed_and_shows_the_current_one(
    login, director_a, parent_a, pupil_a
):
    client = login(director_a)
    shown = shown_form(client, pupil_a)
    purpose_version_publish(
        user=director_a, purpose=purpose("website"), text="Een nieuwe tekst over de website.",
        kind="change_of_meaning",
    )  # fmt: skip
    data = {
        "guardian": parent_a.pk,
        "method": "paper",
        **shown,
        answer_field("website", "photo"): "yes",
    }

    response = client.post(record(pupil_a), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert CHANGED in page and ALTERED not in page
    assert "Een nieuwe tekst over de website." in page  # the current text, to read out
    assert "versie 2" in page
    assert not ConsentEvent.objects.exists()


def test_the_versions_as_shown_record_the_form(login, director_a, parent_a, pupil_a):
    client = login(director_a)
    data = {"guardian": parent_a.pk, "method": "paper", **shown_form(client, pupil_a)}
    data[answer_field("website", "photo")] = "yes"
    assert client.post(record(pupil_a), data).status_code == 302
    assert ConsentEvent.objects.count() == 1
