"""A browser sends a textarea with "\\r\\n" line endings; a text stored with "\\n" that comes
back unchanged is the same text: no correction that changes nothing, and above all no
change of meaning that asks every parent again for an identical text."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from consent.models import PurposeVersion, text_hash
from consent.rules import State
from consent.services import purpose_version_publish
from consent.tests.helpers import decide, purpose, state_of
from outbox.models import Duty

TWO_PARAGRAPHS = "Foto's op de website.\n\nAlleen met uw toestemming."
AS_A_BROWSER_SENDS_IT = TWO_PARAGRAPHS.replace("\n", "\r\n")


def _with_text(board, text: str) -> PurposeVersion:
    """The website's current text, stored as it is given (an older text may hold \\r\\n)."""
    website = purpose("website")
    return PurposeVersion.objects.create(
        purpose=website,
        number=website.versions.count() + 1,
        text=text,
        text_hash=text_hash(text),
        kind=PurposeVersion.Kind.CORRECTION,
        created_by=board,
    )


def test_it_refuses_a_text_sent_back_unchanged_with_browser_line_endings(login, board):
    current = _with_text(board, TWO_PARAGRAPHS)
    url = reverse("consent:purpose_text", args=[current.purpose_id])
    data = {"text": AS_A_BROWSER_SENDS_IT, "kind": "correction", "based_on": current.number}

    response = login(board).post(url, data)

    assert response.status_code == 400
    assert "De tekst is gelijk aan de huidige versie." in response.content.decode()
    assert purpose("website").versions.order_by("-number").first() == current


def test_an_unchanged_text_never_asks_the_parents_again(login, board, parent_a, pupil_a):
    current = _with_text(board, TWO_PARAGRAPHS)
    decide(pupil_a, parent_a, "website", "photo", True)
    url = reverse("consent:purpose_text", args=[current.purpose_id])
    data = {"text": AS_A_BROWSER_SENDS_IT, "kind": "change_of_meaning", "confirmed": "1"}

    login(board).post(url, {**data, "based_on": current.number})

    assert purpose("website").versions.order_by("-number").first() == current
    assert not Duty.objects.filter(key__startswith="purpose-changed:").exists()
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_an_older_text_stored_with_browser_line_endings_is_compared_and_kept(board):
    current = _with_text(board, AS_A_BROWSER_SENDS_IT)

    for same in (TWO_PARAGRAPHS, AS_A_BROWSER_SENDS_IT, TWO_PARAGRAPHS.replace("\n", "\r")):
        with pytest.raises(ValidationError, match="gelijk aan de huidige versie"):
            purpose_version_publish(
                user=board, purpose=current.purpose, text=same, kind="correction"
            )
    current.refresh_from_db()  # its hash is evidence in consent events: never rewritten
    assert current.text == AS_A_BROWSER_SENDS_IT
    assert current.text_hash == text_hash(AS_A_BROWSER_SENDS_IT)


def test_it_stores_a_new_text_with_newlines_only(login, board):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])

    login(board).post(url, {"text": AS_A_BROWSER_SENDS_IT, "kind": "correction"})

    newest = website.versions.order_by("-number").first()
    assert newest.text == TWO_PARAGRAPHS
    assert newest.text_hash == text_hash(TWO_PARAGRAPHS)


def test_it_stores_a_new_purpose_text_with_newlines_only(login, board):
    data = {"code": "kalender", "name": "Kalender", "text": AS_A_BROWSER_SENDS_IT}

    login(board).post(reverse("consent:purposes"), data)

    assert purpose("kalender").versions.get().text == TWO_PARAGRAPHS


def test_a_second_click_on_publish_says_already_published_not_published_meanwhile(login, board):
    current = _with_text(board, "Oude tekst.")
    url = reverse("consent:purpose_text", args=[current.purpose_id])
    data = {"text": AS_A_BROWSER_SENDS_IT, "kind": "correction", "based_on": current.number}
    client = login(board)
    client.post(url, data, follow=True)

    response = client.post(url, data)

    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Deze tekst is al gepubliceerd als versie ")
    assert purpose("website").versions.count() == current.number + 1


def test_a_line_break_counts_as_one_character_towards_the_limit(login, board):
    """The board sees 2,000 characters; the browser sent 2,002 (each break as \\r\\n)."""
    paragraph = ("Wij plaatsen foto's van uw kind. " * 21)[:666]
    three_paragraphs = "\n".join([paragraph] * 3)
    assert len(three_paragraphs) == 2000
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])

    login(board).post(url, {"text": three_paragraphs.replace("\n", "\r\n"), "kind": "correction"})

    assert website.versions.order_by("-number").first().text == three_paragraphs


def test_an_unchanged_text_is_refused_before_the_preview_of_a_change_of_meaning(login, board):
    """The preview said how many parents would be e-mailed, for a text that is the same."""
    current = _with_text(board, TWO_PARAGRAPHS)
    url = reverse("consent:purpose_text", args=[current.purpose_id])
    data = {"text": AS_A_BROWSER_SENDS_IT, "kind": "change_of_meaning"}

    response = login(board).post(url, {**data, "based_on": current.number})

    assert "consent/purpose_text_confirm.html" not in [t.name for t in response.templates]
    assert "De tekst is gelijk aan de huidige versie." in response.content.decode()
