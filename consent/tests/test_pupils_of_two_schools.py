"""A teacher at two schools (or a director who teaches at another) picks pupils from one
list on the check's search by name and on the photo check: each pupil's school is named,
since two "groep 5" are two classes and a check takes pupils of one school. A list of one
school stays as it was."""

import re

import pytest
from django.urls import reverse

from conftest import add_teaching, make_pupil

pytestmark = pytest.mark.django_db

PHOTO = "/foto/"


def _labels(response) -> list[str]:
    """The text of each pupil's checkbox label."""
    page = response.content.decode()
    found = re.findall(r'<label[^>]*>\s*<input[^>]*name="pupils"[^>]*>([^<]*)</label>', page)
    return [" ".join(label.split()) for label in found]


@pytest.fixture
def teacher_at_two(teacher_a, school_b, group_b1, pupil_a, pupil_b):
    """Teaches groep 5 at De Vlindertuin and groep 5 at Het Zwanenhof."""
    return add_teaching(teacher_a, school_b, [group_b1])


def test_the_search_by_name_names_each_pupils_school(login, teacher_at_two):
    response = login(teacher_at_two).get(reverse("consent:check_new"), {"q": "a"})
    assert sorted(_labels(response)) == [
        "Bram Visser (groep 5, OBS Het Zwanenhof)",
        "Sem Bakker (groep 5, OBS De Vlindertuin)",
    ]


def test_the_photo_check_names_each_pupils_school(login, teacher_at_two):
    response = login(teacher_at_two).get(PHOTO)
    assert sorted(_labels(response)) == [
        "Bram Visser (groep 5, OBS Het Zwanenhof)",
        "Sem Bakker (groep 5, OBS De Vlindertuin)",
    ]


def test_the_photo_check_names_them_again_with_a_form_error(login, teacher_at_two, pupil_b):
    """The form shown again (no photo sent) lists the reach from the form's own query."""
    response = login(teacher_at_two).post(PHOTO, {"action": "preview", "pupils": [pupil_b.pk]})
    assert "Bram Visser (groep 5, OBS Het Zwanenhof)" in _labels(response)


def test_a_director_who_teaches_at_another_school_reads_each_school(
    login, director_b, school_a, group_a1, pupil_a, pupil_b
):
    client = login(add_teaching(director_b, school_a, [group_a1]))
    assert sorted(_labels(client.get(PHOTO))) == [
        "Bram Visser (groep 5, OBS Het Zwanenhof)",
        "Sem Bakker (groep 5, OBS De Vlindertuin)",
    ]


@pytest.mark.parametrize("page", [PHOTO, "search"])
def test_a_teacher_at_one_school_reads_no_school_names(login, teacher_a, pupil_a, pupil_b, page):
    client = login(teacher_a)
    if page == "search":
        response = client.get(reverse("consent:check_new"), {"q": "a"})
    else:
        response = client.get(PHOTO)
    assert _labels(response) == ["Sem Bakker (groep 5)"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_school_names_cost_one_query_whatever_the_pupils(
    login, teacher_at_two, school_b, group_b1, django_assert_num_queries, count
):
    for number in range(count):
        make_pupil(school_b, group_b1, f"9{number:03}", f"Kind{number}", "Test")
    client = login(teacher_at_two)
    client.get(PHOTO)  # the session's first read
    # session, user, memberships, unread protocol with open takedowns (one query), the
    # active purposes, pupils with their groups, and the two schools' names
    with django_assert_num_queries(6):
        response = client.get(PHOTO)
    assert response.content.decode().count('name="pupils"') == count + 2
