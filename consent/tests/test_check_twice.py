"""The check before posting sent twice (a double click on "Controleer", Back and send
again, two clicks at once): one check, so a later "no" makes one task and one e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import at_the_same_moment, require_service
from consent.models import PublicationCheck, TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose


def _as_shown(client, pupils) -> dict:
    """The check form as the page gives it, filled in."""
    page = client.get(reverse("consent:check_new")).content.decode()
    [token] = re.findall(r'name="token" value="([0-9a-f]{32})"', page)
    return {
        "token": token,
        "purpose": "sociale-media",
        "media_type": "photo",
        "pupils": [p.pk for p in pupils],
        "note": "schoolreis groep 5",
    }


def test_a_double_click_on_check_makes_one_check(
    login, teacher_a, parent_a, pupil_a, eager_tasks, django_capture_on_commit_callbacks
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    client = login(teacher_a)
    data = _as_shown(client, [pupil_a])

    first = client.post(reverse("consent:check_new"), data)
    second = client.post(reverse("consent:check_new"), data)

    assert second.url == first.url
    assert PublicationCheck.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_same_form_sent_again_with_other_pupils_is_a_new_check(
    login, teacher_a, pupil_a, school_a, group_a1
):
    from conftest import make_pupil

    other = make_pupil(school_a, group_a1, "9001", "Lotte", "Smit")
    client = login(teacher_a)
    data = _as_shown(client, [pupil_a])
    client.post(reverse("consent:check_new"), data)

    client.post(reverse("consent:check_new"), {**data, "pupils": [pupil_a.pk, other.pk]})

    assert PublicationCheck.objects.count() == 2


def test_every_page_gives_a_new_token(login, teacher_a, pupil_a):
    client = login(teacher_a)
    first, second = _as_shown(client, [pupil_a]), _as_shown(client, [pupil_a])
    assert first["token"] != second["token"]
    client.post(reverse("consent:check_new"), first)
    client.post(reverse("consent:check_new"), second)  # a second post, checked anew
    assert PublicationCheck.objects.count() == 2


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_make_one_check(teacher_a, pupil_a):
    require_service("DATABASE_URL")
    other = Client()
    other.force_login(teacher_a)
    data = _as_shown(other, [pupil_a])
    responses = []

    at_the_same_moment(
        lambda: publication_check_create(
            user=teacher_a,
            purpose=purpose("sociale-media"),
            media_type="photo",
            pupils=[pupil_a],
            note=data["note"],
            token=data["token"],
        ),
        lambda: responses.append(other.post(reverse("consent:check_new"), data)),
    )

    [check] = PublicationCheck.objects.all()
    assert responses[0].url == reverse("consent:check", args=[check.pk])
