"""A parent saves a page shown before the board published a new text of one channel: a
correction refuses nothing the parent did not change, and a change of meaning refuses the
save without losing what the parent typed on the other channels."""

import re

from django.urls import reverse

from consent.models import ConsentEvent
from consent.rules import State
from consent.services import purpose_version_publish
from consent.tests.helpers import answer_field, decide, purpose, state_of


def page(pupil):
    return reverse("consent:child", args=[pupil.pk])


def checked_radios(html: str) -> dict[str, str]:
    radios = re.findall(r"<input[^>]*type=\"radio\"[^>]*>", html)
    return {
        re.search(r'name="([^"]+)"', r)[1]: re.search(r'value="([^"]+)"', r)[1]
        for r in radios
        if " checked" in r
    }


def submitted(html: str) -> dict[str, str]:
    """What the browser sends for the rendered form: its hidden fields and checked radios."""
    data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    data.pop("csrfmiddlewaretoken", None)
    data.update(checked_radios(html))
    return data


def test_it_saves_a_withdrawal_on_a_page_shown_before_a_correction(login, parent_a, pupil_a, board):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", True)
    client = login(parent_a)
    data = submitted(client.get(page(pupil_a)).content.decode())
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Spelling fixed.", kind="correction"
    )
    # the page re-sends the website "yes" it showed selected; only the newsletter changed
    data[answer_field("nieuwsbrief", "photo")] = "no"
    response = client.post(page(pupil_a), data, follow=True)
    assert "Opgeslagen: 1 wijziging." in response.content.decode()
    assert state_of(pupil_a, "nieuwsbrief", "photo") == State.REFUSED
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_it_keeps_the_other_answers_when_a_text_changed_in_meaning_meanwhile(
    login, parent_a, pupil_a, board
):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", True)
    client = login(parent_a)
    data = submitted(client.get(page(pupil_a)).content.decode())
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="New meaning.", kind="change_of_meaning"
    )
    data[answer_field("nieuwsbrief", "photo")] = "no"
    data[answer_field("pers", "video")] = "yes"
    events = ConsentEvent.objects.count()
    response = client.post(page(pupil_a), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert ConsentEvent.objects.count() == events
    assert "Er is niets opgeslagen" in html
    radios = checked_radios(html)
    # what the parent typed on the other channels is still chosen; the changed channel
    # is empty, showing its new text, to be answered again
    assert radios[answer_field("nieuwsbrief", "photo")] == "no"
    assert radios[answer_field("pers", "video")] == "yes"
    assert answer_field("website", "photo") not in radios
    assert "New meaning." in html
    # sent again as shown, with the website answered anew, everything is saved
    again = submitted(html)
    again[answer_field("website", "photo")] = "no"
    client.post(page(pupil_a), again)
    assert state_of(pupil_a, "nieuwsbrief", "photo") == State.REFUSED
    assert state_of(pupil_a, "pers", "video") == State.GRANTED
    assert state_of(pupil_a, "website", "photo") == State.REFUSED
