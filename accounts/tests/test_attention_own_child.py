""" "Wat vraagt aandacht" leaves out the paper-form link for the reader's own child (the
form refuses staff who are the child's parent since 2026-12-07): a note says a colleague
records it. Another pupil keeps the link. The reader's own children are read once per
request, whatever the number of pupils."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.tests.test_attention import fill_school
from conftest import make_pupil, make_user
from consent.tests.helpers import decide
from schools.models import Guardianship

NOTE = "Uw eigen kind: een papieren of telefonisch besluit legt een collega vast"


def record(pupil) -> str:
    return f'href="{escape(reverse("consent:record", args=[pupil.pk]))}"'


def parent_of(user, pupil, *, gezag=True):
    Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=gezag)
    return user


def disagree(pupil, yes_parent, email):
    other = make_user(email)
    Guardianship.objects.create(user=other, pupil=pupil, has_parental_authority=True)
    decide(pupil, yes_parent, "website", "photo", True)
    decide(pupil, other, "website", "photo", False)


def test_the_director_home_leaves_out_the_link_for_their_own_child(
    login, director_a, pupil_a, pupil_a2
):
    parent_of(director_a, pupil_a)
    html = login(director_a).get(reverse("accounts:home_director")).content.decode()
    assert record(pupil_a) not in html
    assert record(pupil_a2) in html
    assert html.count(NOTE) == 1


def test_the_director_home_leaves_it_out_where_the_parents_disagree_too(
    login, director_a, parent_a, pupil_a, pupil_a2
):
    parent_a2 = parent_of(make_user("ouder.roos@example.org"), pupil_a2)
    parent_of(director_a, pupil_a, gezag=False)
    disagree(pupil_a, parent_a, "tweede.ouder@example.org")
    disagree(pupil_a2, parent_a2, "tweede.ouder.roos@example.org")
    html = login(director_a).get(reverse("accounts:home_director")).content.decode()
    assert record(pupil_a) not in html
    assert html.count(record(pupil_a2)) == 2  # unanswered questions and the conflict
    assert html.count(NOTE) == 2


def test_the_board_home_leaves_it_out_for_a_school_without_director(
    login, board, pupil_b, parent_b, school_b
):
    """School B has no director: the board sees its pupils in full."""
    second = make_pupil(school_b, pupil_b.group, "2002", "Noor", "Visser")
    parent_of(board, pupil_b)
    html = login(board).get(reverse("accounts:home_board")).content.decode()
    assert record(pupil_b) not in html and NOTE in html
    assert record(second) in html


@pytest.mark.parametrize("pupils", [8, 40])
def test_the_director_home_reads_the_own_children_in_one_query(
    login, director_a, school_a, pupil_a, pupils, django_assert_num_queries
):
    fill_school(school_a, pupils)
    parent_of(director_a, pupil_a)
    client = login(director_a)
    url = reverse("accounts:home_director")
    client.get(url)
    # test_attention.py's 17 for a director who is nobody's parent, and one more: the ids
    # of the director's own children (schools.access.own_child_ids), for every line at
    # once. The count does not grow with the pupils.
    with django_assert_num_queries(18):
        response = client.get(url)
    assert record(pupil_a) not in response.content.decode()
