"""The parent's page reads reach, gezag and gezag-holders in one query
(`consent.access.get_child_and_holders`): the same reach as `get_child_for_parent`."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from conftest import make_user
from consent.access import get_child_and_holders
from schools.access import get_child_for_parent
from schools.models import Guardianship


@pytest.fixture
def stepparent(pupil_a):
    """A guardian without gezag: reaches the child, may not decide."""
    user = make_user("stiefouder.a@example.org")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=False)
    return user


CAST = [
    "parent_a",
    "stepparent",
    "parent_b",
    "teacher_a",
    "director_a",
    "board",
    "privacy_officer",
    "outsider",
    "director_parent",
    "teacher_parent",
]


def reach(helper, user, pk):
    try:
        return helper(user, pk)
    except Http404:
        return None


@pytest.mark.parametrize("cast_member", CAST)
def test_it_reaches_exactly_the_children_get_child_for_parent_reaches(
    request, cast_member, pupil_a, pupil_b, parent_a, parent_b
):
    user = request.getfixturevalue(cast_member)
    for pupil in (pupil_a, pupil_b):
        expected = reach(get_child_for_parent, user, pupil.pk)
        found = reach(get_child_and_holders, user, pupil.pk)
        assert (found is None) == (expected is None), (cast_member, pupil)
        if found is not None:
            assert found[0] == expected
            assert found[0].school.name == expected.school.name
            assert found[0].group.name == expected.group.name


def test_it_names_only_the_gezag_holders(parent_a, stepparent, pupil_a):
    child, holders = get_child_and_holders(stepparent, pupil_a.pk)
    assert child == pupil_a
    assert holders == {parent_a.pk}


def test_it_is_404_for_a_missing_child_and_anonymous_visitors(parent_a, pupil_a):
    with pytest.raises(Http404):
        get_child_and_holders(parent_a, pupil_a.pk + 1000)
    with pytest.raises(Http404):
        get_child_and_holders(AnonymousUser(), pupil_a.pk)


def test_it_reads_reach_and_holders_in_one_query(
    parent_a, stepparent, pupil_a, django_assert_num_queries
):
    with django_assert_num_queries(1):
        child, _holders = get_child_and_holders(parent_a, pupil_a.pk)
        assert child.school.code and child.group.name
