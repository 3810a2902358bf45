"""The paper and phone form is not for the recorder's own child: a director (or board
member) who is the child's parent gives their own choices on their parent page, and a
form from the other parent is recorded by a colleague."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from conftest import Role, make_staff
from consent.models import ConsentEvent
from consent.rules import State
from consent.tests.helpers import answer_field, decide, shown_version, state_of
from schools.models import Guardianship

OWN_NAME = "U bent zelf ouder met gezag van Sem: uw eigen keuzes geeft u op"
OTHER_PARENT = (
    "Sem is uw eigen kind: een papieren formulier of telefoontje van een andere ouder van Sem"
    " legt een collega vast (een directeur van de school of iemand van het bestuur), niet"
    " uzelf. Er is niets vastgelegd."
)
NOTICE = "Sem is uw eigen kind. Uw eigen keuzes geeft u als ouder op"
PAPER_FORM = '<form method="post" class="paper-form">'


def record(pupil):
    return reverse("consent:record", args=[pupil.pk])


def form(guardian):
    data = {"guardian": guardian.pk, "method": "paper", answer_field("website", "photo"): "yes"}
    return data | shown_version("website")


def link_to_child_page(pupil) -> str:
    return f'href="{reverse("consent:child", args=[pupil.pk])}"'


@pytest.fixture
def director_parent_a(director_a, pupil_a):
    """The cast's director of school A, also a gezag-holding parent of Sem (pupil_a)."""
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=True)
    return director_a


@pytest.fixture
def board_parent(board, pupil_a):
    Guardianship.objects.create(user=board, pupil=pupil_a, has_parental_authority=True)
    return board


def test_it_refuses_a_decision_in_the_directors_own_name(login, director_parent_a, pupil_a):
    response = login(director_parent_a).post(record(pupil_a), form(director_parent_a))
    assert response.status_code == 400
    html = response.content.decode()
    assert OWN_NAME in html and "Er is niets vastgelegd." in html
    assert link_to_child_page(pupil_a) in html
    assert not ConsentEvent.objects.exists()


def test_it_refuses_a_decision_of_the_other_parent_of_their_own_child(
    login, director_parent_a, parent_a, pupil_a
):
    response = login(director_parent_a).post(record(pupil_a), form(parent_a))
    assert response.status_code == 400
    assert OTHER_PARENT in response.content.decode()
    assert not ConsentEvent.objects.exists()
    assert state_of(pupil_a, "website", "photo") == State.UNANSWERED


def test_it_refuses_board_staff_who_are_the_childs_parent(login, board_parent, parent_a, pupil_a):
    client = login(board_parent)
    assert client.post(record(pupil_a), form(board_parent)).status_code == 400
    assert client.post(record(pupil_a), form(parent_a)).status_code == 400
    assert not ConsentEvent.objects.exists()


def test_it_refuses_a_director_linked_to_the_child_without_gezag(
    login, director_a, parent_a, pupil_a
):
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=False)
    response = login(director_a).post(record(pupil_a), form(parent_a))
    assert response.status_code == 400
    assert OTHER_PARENT in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_it_says_so_on_the_page_and_offers_no_form(login, director_parent_a, pupil_a):
    response = login(director_parent_a).get(record(pupil_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE in html and link_to_child_page(pupil_a) in html
    assert "legt een collega vast (een directeur van de school of iemand van het bestuur)" in html
    assert PAPER_FORM not in html


def test_it_tells_a_guardian_without_gezag_whom_to_ask(login, director_a, pupil_a):
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=False)
    html = login(director_a).get(record(pupil_a)).content.decode()
    assert "U bent als ouder of verzorger aan Sem gekoppeld." in html
    assert NOTICE not in html and PAPER_FORM not in html


def test_it_shows_the_childs_history_to_the_parent_director(
    login, director_parent_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    html = login(director_parent_a).get(record(pupil_a)).content.decode()
    assert escape("Ouder A") in html  # the history table, as for any pupil of the school


def test_it_still_records_for_another_pupil_of_the_school(
    login, director_parent_a, parent_a2, pupil_a2
):
    client = login(director_parent_a)
    assert PAPER_FORM in client.get(record(pupil_a2)).content.decode()
    response = client.post(record(pupil_a2), form(parent_a2))
    assert response.status_code == 302
    event = ConsentEvent.objects.get()
    assert (event.pupil_id, event.guardian_id, event.recorded_by_id) == (
        pupil_a2.pk,
        parent_a2.pk,
        director_parent_a.pk,
    )


def test_a_colleague_records_the_other_parents_form(
    login, director_parent_a, board, parent_a, pupil_a
):
    other_director = make_staff("directeur.twee@example.org", Role.DIRECTOR, pupil_a.school)
    for colleague in (board, other_director):
        response = login(colleague).post(record(pupil_a), form(parent_a))
        assert response.status_code == 302
    assert ConsentEvent.objects.get().recorded_by_id == board.pk  # the second: unchanged


def test_the_parent_page_still_works_for_their_own_child(login, director_parent_a, pupil_a):
    client = login(director_parent_a)
    page = reverse("consent:child", args=[pupil_a.pk])
    html = client.get(page).content.decode()
    data = dict(re.findall(r'type="hidden" name="(v-\d+)" value="(\d+)"', html))
    data[answer_field("website", "photo")] = "yes"
    assert client.post(page, data).status_code == 302
    event = ConsentEvent.objects.get()
    assert (event.guardian_id, event.method, event.recorded_by_id) == (
        director_parent_a.pk,
        "portal",
        None,
    )


def test_the_service_refuses_staff_recording_for_their_own_child(director_parent_a, pupil_a):
    with pytest.raises(PermissionDenied):
        decide(
            pupil_a,
            director_parent_a,
            "website",
            "photo",
            True,
            method="paper",
            recorded_by=director_parent_a,
        )
    assert not ConsentEvent.objects.exists()


def test_it_reads_the_own_link_in_one_query_only_for_a_parent(
    login, director_a, pupil_a, pupil_b, django_assert_num_queries
):
    """A director who is nobody's parent reads the form in 9 queries (as in
    test_retired_purpose.py): whether they are a parent at all comes with the user. One
    who is a parent (here of pupil_b, at another school) reads 10: the user, their
    memberships, the pupil within reach, their own link to the pupil (none here), the
    channels, the gezag-holders and the events (consent_table), the history, the protocol
    banner with the menu's takedowns and the parents to choose from. For their own child
    the parents to choose from are not read: 9."""
    Guardianship.objects.create(user=director_a, pupil=pupil_b, has_parental_authority=True)
    client = login(director_a)
    client.get(record(pupil_a))
    with django_assert_num_queries(10):
        assert PAPER_FORM in client.get(record(pupil_a)).content.decode()
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=True)
    client.get(record(pupil_a))
    with django_assert_num_queries(9):
        assert NOTICE in client.get(record(pupil_a)).content.decode()


def test_it_refuses_an_empty_post_for_their_own_child(login, director_parent_a, pupil_a):
    response = login(director_parent_a).post(record(pupil_a))
    assert response.status_code == 400
    assert "Er is niets vastgelegd." in response.content.decode()
