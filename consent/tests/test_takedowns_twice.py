"""A takedown marked done twice (a double click, Back and send again, the teacher and the
director both): closed once, and the second click is told how, by whom and when."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose


@pytest.fixture
def task(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    return TakedownTask.objects.get()


def close(client, task, reason="taken_down"):
    return client.post(reverse("consent:takedown_done", args=[task.pk]), {"closed_reason": reason})


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_second_click_says_it_was_marked_already(login, task, teacher_a):
    client = login(teacher_a)
    assert said(close(client, task)) == ["Gemarkeerd als verwijderd."]

    response = close(client, task)

    assert response.url == reverse("consent:takedowns")
    message = said(response)[-1]
    # the teacher is "u", as the takedowns page leaves them unnamed: their own name in
    # the third person read as if a colleague with that name had done it
    assert message.startswith("U hebt dit al als verwijderd gemarkeerd op ")
    assert "Juf.A" not in message


def test_the_director_after_the_teacher_is_told_the_teacher_did_it(
    login, task, teacher_a, director_a
):
    close(login(teacher_a), task)

    response = close(login(director_a), task)

    task.refresh_from_db()
    assert task.done_by == teacher_a
    message = said(response)[-1]
    assert message.startswith("Als verwijderd gemarkeerd door Juf.A op ")


def test_no_longer_needed_from_an_older_page_after_taken_down_says_taken_down(
    login, task, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # consent back: both offered
    client = login(teacher_a)
    close(client, task, "taken_down")

    response = close(client, task, "not_needed")

    task.refresh_from_db()
    assert task.closed_reason == TakedownTask.ClosedReason.TAKEN_DOWN
    message = said(response)[-1]
    assert message.startswith("U hebt dit al als verwijderd gemarkeerd op ")


def test_no_longer_needed_clicked_twice_says_you_closed_it(
    login, task, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    client = login(teacher_a)
    close(client, task, "not_needed")

    message = said(close(client, task, "not_needed"))[-1]

    assert message.startswith("U hebt dit al als niet meer nodig afgesloten op ")
    assert "Juf.A" not in message
