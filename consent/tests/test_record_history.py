"""The history on the paper-form page says which answers no longer count, and why, in the
words of the parent's own history but about "the parent": a director typing in a form
read an old "ja" of a parent whose gezag ended, or an answer to an earlier meaning, as if
it still counted."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from consent.models import PurposeVersion
from consent.services import purpose_version_publish
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship

SUPERSEDED = "tekstversie 1; telt niet meer: de betekenis van de tekst is daarna veranderd"
LOST_GEZAG = "tekstversie 1; telt niet meer: de ouder heeft geen gezag meer"
EXPECTED_QUERIES = 9
BOTH = f"{LOST_GEZAG}, en de betekenis van de tekst is daarna veranderd"


def record_url(pupil) -> str:
    return reverse("consent:record", args=[pupil.pk])


def _history(response) -> str:
    """The page's history section, as text."""
    assert response.status_code == 200
    html = response.content.decode().split("Geschiedenis</h2>", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _without_gezag(user, pupil) -> None:
    Guardianship.objects.filter(user=user, pupil=pupil).update(has_parental_authority=False)


def _change_meaning(board, code: str) -> None:
    purpose_version_publish(
        user=board,
        purpose=purpose(code),
        text="A new meaning.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )


@pytest.mark.parametrize("reader", ["director_a", "board"])
def test_it_says_an_answer_of_a_parent_whose_gezag_ended_no_longer_counts(
    request, login, reader, parent_a, code_parent, pupil_a
):
    decide(pupil_a, code_parent, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    _without_gezag(code_parent, pupil_a)
    history = _history(login(request.getfixturevalue(reader)).get(record_url(pupil_a)))
    assert "Ouder Code" in history and "Ouder A" in history  # staff read the parents' names
    assert history.count(LOST_GEZAG) == 1  # parent_a's answer still counts
    assert "u hebt" not in history and "andere ouder" not in history


def test_it_says_an_answer_to_an_earlier_meaning_no_longer_counts(
    login, director_a, parent_a, pupil_a, board
):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    _change_meaning(board, "website")
    client = login(director_a)
    history = _history(client.get(record_url(pupil_a)))
    assert history.count(SUPERSEDED) == 1  # the answer on "pers" still counts
    decide(pupil_a, parent_a, "website", "photo", True)
    history = _history(client.get(record_url(pupil_a)))
    assert history.count(SUPERSEDED) == 1 and "tekstversie 2" in history


def test_it_says_both_reasons_in_one_sentence(
    login, director_a, parent_a, code_parent, pupil_a, board
):
    decide(pupil_a, code_parent, "website", "photo", True)
    decide(pupil_a, code_parent, "pers", "video", False)
    _change_meaning(board, "pers")
    _without_gezag(code_parent, pupil_a)
    history = _history(login(director_a).get(record_url(pupil_a)))
    assert history.count(BOTH) == 1
    assert history.count(LOST_GEZAG) == 2  # the "website" answer and, within BOTH, "pers"


def test_an_unlinked_parents_answers_no_longer_count(login, director_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    Guardianship.objects.filter(user=parent_a, pupil=pupil_a).delete()
    history = _history(login(director_a).get(record_url(pupil_a)))
    assert "Ouder A" in history and history.count(LOST_GEZAG) == 1


def test_a_director_who_is_also_the_parent_reads_it_about_the_parent(login, director_a, pupil_a):
    """Staff pages use the staff reach only: a director who is a parent of the pupil too
    reads "de ouder", never "u"."""
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, director_a, "website", "photo", True)
    _without_gezag(director_a, pupil_a)
    history = _history(login(director_a).get(record_url(pupil_a)))
    assert history.count(LOST_GEZAG) == 1 and "u hebt" not in history


def test_a_teacher_of_the_group_cannot_reach_the_page(login, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    assert login(teacher_a).get(record_url(pupil_a)).status_code == 404


def test_the_history_reads_no_query_more_for_many_answers(
    login, director_a, parent_a, code_parent, pupil_a, board
):
    client = login(director_a)
    decide(pupil_a, parent_a, "website", "photo", True)
    client.get(record_url(pupil_a))  # the session and memberships, once
    with CaptureQueriesContext(connection) as few:
        client.get(record_url(pupil_a))
    for code in ("website", "pers", "nieuwsbrief"):
        for media in ("photo", "video", "audio"):
            decide(pupil_a, code_parent, code, media, True)
    other = make_user("ouder.ex@example.org", full_name="Ouder Ex")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "pers", "photo", False)
    _change_meaning(board, "website")
    _without_gezag(other, pupil_a)
    # as before the history said which answers count: user, memberships, the page's
    # numbers (menu and banner), pupil, the gezag-holders for the form, the channels
    # with their versions, the consent table's gezag-holders and decisions, what the
    # child appears in, the history. Which answers no longer count is read from the
    # channels' versions and gezag-holders the form already read: no query more.
    with CaptureQueriesContext(connection) as many:
        response = client.get(record_url(pupil_a))
    assert len(many) == len(few) == EXPECTED_QUERIES, [q["sql"][:80] for q in many]
    assert "Ouder Ex" in _history(response)
