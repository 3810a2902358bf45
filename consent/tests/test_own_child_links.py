"""Pages that link the paper form leave it out for the viewer's own child: since
2026-12-07 the form refuses staff who are the child's parent (test_paper_form_own_child),
so a link there only led to a refusal. In its place a note says a colleague records it;
another pupil of the school keeps the link. The viewer's own children are read once per
request (none for someone who is nobody's parent), whatever the number of pupils."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import make_pupil, make_user
from consent.tests.helpers import decide
from schools.models import Guardianship

LIST_NOTE = "Uw eigen kind: een papieren of telefonisch besluit legt een collega vast"
DOSSIER_NOTE = (
    "Een papieren formulier of telefoontje van een andere ouder van Sem legt een collega"
    " vast (een directeur van de school of iemand van het bestuur), niet uzelf."
)


def record(pupil) -> str:
    return f'href="{escape(reverse("consent:record", args=[pupil.pk]))}"'


@pytest.fixture
def director_parent_a(director_a, pupil_a):
    """The cast's director of school A, also a gezag-holding parent of Sem (pupil_a)."""
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=True)
    return director_a


@pytest.fixture
def disagreeing(pupil_a, parent_a, pupil_a2, parent_a2):
    """Both pupils' parents disagree on the website's photos (each pupil in its school's
    conflicts): Sem's two parents are parent_a and a second one."""
    second = make_user("tweede.ouder@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    other = make_user("ouder.roos.twee@example.org", full_name="Ouder Roos Twee")
    Guardianship.objects.create(user=other, pupil=pupil_a2, has_parental_authority=True)
    for pupil, yes, no in ((pupil_a, parent_a, second), (pupil_a2, parent_a2, other)):
        decide(pupil, yes, "website", "photo", True)
        decide(pupil, no, "website", "photo", False)


def test_the_dossier_says_a_colleague_records_for_their_own_child(
    login, director_parent_a, pupil_a, pupil_a2
):
    client = login(director_parent_a)
    own = client.get(reverse("consent:dossier", args=[pupil_a.pk])).content.decode()
    assert record(pupil_a) not in own
    assert DOSSIER_NOTE in own
    other = client.get(reverse("consent:dossier", args=[pupil_a2.pk])).content.decode()
    assert record(pupil_a2) in other
    assert "uw eigen kind" not in other.lower()


def test_the_dossier_leaves_the_link_for_a_colleague_who_is_nobodys_parent_here(
    login, director_a, pupil_a, parent_a
):
    html = login(director_a).get(reverse("consent:dossier", args=[pupil_a.pk])).content.decode()
    assert record(pupil_a) in html and DOSSIER_NOTE not in html


def test_coverage_leaves_out_the_link_for_their_own_child_with_open_questions(
    login, director_parent_a, pupil_a, pupil_a2, school_a
):
    html = login(director_parent_a).get(reverse("consent:coverage", args=[school_a.code]))
    html = html.content.decode()
    assert record(pupil_a) not in html
    assert record(pupil_a2) in html
    assert html.count(LIST_NOTE) == 1


def test_coverage_leaves_out_the_link_for_their_own_child_whose_parents_disagree(
    login, director_parent_a, pupil_a, pupil_a2, school_a, disagreeing
):
    html = login(director_parent_a).get(reverse("consent:coverage", args=[school_a.code]))
    html = html.content.decode()
    assert record(pupil_a) not in html
    assert html.count(record(pupil_a2)) == 2  # open questions and the conflict
    assert html.count(LIST_NOTE) == 2


def test_the_class_overview_leaves_out_the_link_for_their_own_child(
    login, director_parent_a, pupil_a, pupil_a2
):
    client = login(director_parent_a)
    own = client.get(reverse("consent:group", args=[pupil_a.group_id])).content.decode()
    assert record(pupil_a) not in own and LIST_NOTE in own
    other = client.get(reverse("consent:group", args=[pupil_a2.group_id])).content.decode()
    assert record(pupil_a2) in other and LIST_NOTE not in other


def test_a_guardian_without_gezag_is_left_out_too(login, director_a, pupil_a, pupil_a2, school_a):
    """As the form: any link to the child, with or without gezag."""
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=False)
    html = login(director_a).get(reverse("consent:coverage", args=[school_a.code]))
    html = html.content.decode()
    assert record(pupil_a) not in html and record(pupil_a2) in html


@pytest.mark.parametrize("pupils", [3, 30])
def test_coverage_reads_the_own_children_in_one_query_for_a_parent(
    login, director_parent_a, school_a, group_a1, pupil_a, pupils, django_assert_num_queries
):
    for number in range(pupils):
        make_pupil(school_a, group_a1, f"Q{number}", f"Kind{number}", "Test")
    client = login(director_parent_a)
    url = reverse("consent:coverage", args=[school_a.code])
    client.get(url)
    # test_query_counts.py's 11 for a director who is nobody's parent, and one more: the
    # ids of the director's own children (schools.access.own_child_ids), for every line
    # at once. The count does not grow with the pupils.
    with django_assert_num_queries(12):
        response = client.get(url)
    assert record(pupil_a) not in response.content.decode()


@pytest.mark.parametrize("pupils", [3, 30])
def test_the_class_overview_reads_the_own_children_in_one_query_for_a_parent(
    login, director_parent_a, school_a, group_a1, pupil_a, pupils, django_assert_num_queries
):
    for number in range(pupils):
        make_pupil(school_a, group_a1, f"Q{number}", f"Kind{number}", "Test")
    client = login(director_parent_a)
    url = reverse("consent:group", args=[group_a1.pk])
    client.get(url)
    # test_overview.py's 8 (for a teacher; a director reads the same) and one more: the
    # ids of the director's own children. The count does not grow with the pupils.
    with django_assert_num_queries(9):
        response = client.get(url)
    assert record(pupil_a) not in response.content.decode()


def test_the_class_overview_reads_no_own_children_for_a_director_who_is_nobodys_parent(
    login, director_a, school_a, group_a1, pupil_a, django_assert_num_queries
):
    client = login(director_a)
    url = reverse("consent:group", args=[group_a1.pk])
    client.get(url)
    with django_assert_num_queries(8):  # as test_overview.py's teacher
        response = client.get(url)
    assert record(pupil_a) in response.content.decode()
