"""The reach reads written out in SQL (schools.access) answer what their ORM forms answer."""

import datetime
import operator
from functools import reduce

import pytest
from django.db.models import F, Q
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404

from conftest import add_teaching, make_pupil, make_staff
from schools.access import (
    ALL_SCHOOL_ROLES,
    GROUP_FIELDS,
    PUPIL_FIELDS,
    SCHOOL_FIELDS,
    current_pupils_for_staff,
    current_pupils_of,
    directed_schools,
    get_group_for_user,
    get_school_for_director,
    groups_in_reach,
    pupils_for_staff,
    sees_all_schools,
    taught_groups,
)
from schools.models import Group, Pupil, School, StaffMembership

Role = StaffMembership.Role
CAST = [
    "teacher_a",
    "other_teacher",
    "director_a",
    "director_b",
    "board",
    "privacy_officer",
    "outsider",
    "parent_a",
    "director_parent",
    "teacher_parent",
]


def orm_group_for_user(user, pk):
    """schools.access.get_group_for_user as it was built with the ORM."""
    groups = Group.objects.select_related("school")
    memberships = list(user.memberships.all())
    if any(m.role in ALL_SCHOOL_ROLES for m in memberships):
        return get_object_or_404(groups, pk=pk)
    directed = [m.school_id for m in memberships if m.role == Role.DIRECTOR]
    teaching = [m.pk for m in memberships if m.role == Role.TEACHER]
    arms = [Q(school_id__in=directed)] if directed else []
    if teaching:
        arms.append(Q(id__in=orm_taught(teaching)))
    if not arms:
        raise Http404
    return get_object_or_404(groups.filter(reduce(operator.or_, arms)), pk=pk)


def orm_taught(teaching):
    """The groups these teacher memberships name that are of the membership's school."""
    through = StaffMembership.groups.through.objects.filter(staffmembership_id__in=teaching)
    return through.filter(group__school_id=F("staffmembership__school_id")).values("group_id")


def reach(find, user, pk):
    try:
        group = find(user, pk)
    except Http404:
        return None
    return model_to_dict(group), model_to_dict(group.school)


def test_it_reads_every_field_of_the_models():
    assert [f.attname for f in Group._meta.concrete_fields] == GROUP_FIELDS
    assert [f.attname for f in School._meta.concrete_fields] == SCHOOL_FIELDS
    assert [f.attname for f in Pupil._meta.concrete_fields] == PUPIL_FIELDS


@pytest.mark.parametrize("member", CAST)
def test_it_reaches_the_groups_the_orm_query_reaches(request, member, group_a1, group_a2, group_b1):
    user = request.getfixturevalue(member)
    School.objects.filter(pk=group_a1.school_id).update(aliases=["#vlinder", "@tuin"])
    for pk in (group_a1.pk, group_a2.pk, group_b1.pk, group_b1.pk + 1000):
        assert reach(get_group_for_user, user, pk) == reach(orm_group_for_user, user, pk)


def test_it_gives_each_role_its_own_reach(
    teacher_a, director_a, director_b, board, group_a1, group_a2, group_b1
):
    assert reach(get_group_for_user, teacher_a, group_a1.pk) is not None
    assert reach(get_group_for_user, teacher_a, group_a2.pk) is None  # another teacher's
    assert reach(get_group_for_user, director_a, group_a2.pk) is not None
    assert reach(get_group_for_user, director_b, group_a1.pk) is None
    for group in (group_a1, group_a2, group_b1):
        assert reach(get_group_for_user, board, group.pk) is not None
    group = get_group_for_user(director_a, group_a1.pk)
    assert group.school.name == group_a1.school.name


def test_it_joins_a_teachers_groups_and_a_directors_school(school_a, group_a2, group_b1):
    both = make_staff("beide@example.org", Role.TEACHER, school_a, groups=[group_a2])
    StaffMembership.objects.create(user=both, school=group_b1.school, role=Role.DIRECTOR)
    assert reach(get_group_for_user, both, group_a2.pk) is not None
    assert reach(get_group_for_user, both, group_b1.pk) is not None
    assert reach(get_group_for_user, both, group_a2.pk) == reach(
        orm_group_for_user, both, group_a2.pk
    )


def test_it_lists_the_current_pupils_as_the_orm_query_would(pupil_a, group_a1, group_a2, group_b1):
    school = group_a1.school
    make_pupil(school, group_a1, "A-9", "Anna", "Zwart")
    make_pupil(school, group_a1, "A-8", "Anna", "Bakker")
    left = make_pupil(school, group_a1, "A-7", "Bram", "de Vries")
    left.left_on = datetime.date(2026, 7, 1)
    left.not_in_picture = True
    left.save()
    make_pupil(school, group_a2, "A-6", "Cor", "Elders")
    elsewhere = make_pupil(group_b1.school, group_a1, "B-9", "Bob", "Elders")  # a bad row
    expected = list(group_a1.pupils.current().order_by("first_name", "last_name"))
    expected.remove(elsewhere)
    group_a1.pupils_in_reach = True  # as get_group_for_user sets it for a reaching user
    found = current_pupils_of(group_a1)
    assert [model_to_dict(p) for p in found] == [model_to_dict(p) for p in expected]
    assert all(p.group is group_a1 for p in found)
    empty = Group.objects.create(school=school, name="leeg", school_year="2026-2027")
    empty.pupils_in_reach = True
    assert current_pupils_of(empty) == []
    group_a1.pupils_in_reach = False  # an earlier year's group its teacher is shown
    assert current_pupils_of(group_a1) == []


def orm_groups_in_reach(user):
    """schools.access.groups_in_reach as it was built with the ORM (the class list's and
    the check's groups; consent.views.teacher._reachable_groups keeps it for the plans)."""
    groups = Group.objects.select_related("school").order_by("school__name", "-school_year", "name")
    memberships = list(user.memberships.all())
    if any(m.role in ALL_SCHOOL_ROLES for m in memberships):
        return groups
    directed = [m.school_id for m in memberships if m.role == Role.DIRECTOR]
    teaching = [m.pk for m in memberships if m.role == Role.TEACHER]
    return groups.filter(Q(id__in=orm_taught(teaching)) | Q(school_id__in=directed))


@pytest.mark.parametrize("member", CAST)
def test_it_lists_the_groups_in_reach_as_the_orm_query_would(
    request, member, group_a1, group_a2, group_b1
):
    user = request.getfixturevalue(member)
    found = groups_in_reach(user)
    expected = list(orm_groups_in_reach(user))
    assert [(model_to_dict(g), model_to_dict(g.school)) for g in found] == [
        (model_to_dict(g), model_to_dict(g.school)) for g in expected
    ]


def test_it_lists_each_roles_groups(teacher_a, director_b, board, group_a1, group_a2, group_b1):
    assert groups_in_reach(teacher_a) == [group_a1]
    assert groups_in_reach(director_b) == [group_b1]
    assert set(groups_in_reach(board)) == {group_a1, group_a2, group_b1}


def orm_pupils_for_staff(user):
    """schools.access.current_pupils_for_staff as the photo check read it with the ORM."""
    return (
        pupils_for_staff(user)
        .current()
        .select_related("group")
        .order_by("group__name", "first_name")
    )


@pytest.mark.parametrize("member", CAST)
def test_it_lists_the_pupils_in_staff_reach_as_the_orm_query_would(
    request, member, pupil_a, pupil_a2, pupil_b
):
    user = request.getfixturevalue(member)
    school = pupil_a.school
    make_pupil(school, pupil_a.group, "A-9", "Anna", "Zwart")
    left = make_pupil(school, pupil_a.group, "A-7", "Bram", "Weg")
    left.left_on = datetime.date(2026, 7, 1)
    left.save()
    lonely = make_pupil(school, pupil_a.group, "A-6", "Cor", "Zonder")
    lonely.group = None
    lonely.save()
    found = current_pupils_for_staff(user)
    expected = list(orm_pupils_for_staff(user))
    assert [(model_to_dict(p), p.group and model_to_dict(p.group)) for p in found] == [
        (model_to_dict(p), p.group and model_to_dict(p.group)) for p in expected
    ]
    if member == "director_a":
        assert {p.pk for p in found} >= {pupil_a.pk, pupil_a2.pk, lonely.pk}
        assert left.pk not in {p.pk for p in found}


def test_it_lists_a_directors_and_teachers_pupils_once(school_a, pupil_a, pupil_a2, pupil_b):
    both = make_staff("beide@example.org", Role.TEACHER, pupil_b.school, groups=[pupil_b.group])
    StaffMembership.objects.create(user=both, school=school_a, role=Role.DIRECTOR)
    # a teacher of a group in the school they direct: the pupil is in both arms
    StaffMembership.objects.create(user=both, school=school_a, role=Role.TEACHER).groups.set(
        [pupil_a.group]
    )
    found = current_pupils_for_staff(both)
    assert [p.pk for p in found] == [p.pk for p in orm_pupils_for_staff(both)]
    assert sorted(p.pk for p in found) == sorted({pupil_a.pk, pupil_a2.pk, pupil_b.pk})


@pytest.mark.parametrize("member", CAST)
def test_it_finds_a_directed_school_as_the_orm_query_does(request, member, school_a, school_b):
    """get_school_for_director, written out, against get_object_or_404(directed_schools)."""
    user = request.getfixturevalue(member)
    School.objects.filter(pk=school_a.pk).update(aliases=["#vlinder", "@tuin"])
    for code in (school_a.code, school_b.code, "bestaat-niet"):
        try:
            expected = model_to_dict(get_object_or_404(directed_schools(user), code=code))
        except Http404:
            expected = None
        try:
            found = model_to_dict(get_school_for_director(user, code))
        except Http404:
            found = None
        assert found == expected, (member, code)


# Rows the admin refuses, stored past it (an import, a shell, a data migration): each
# read written out in SQL still answers what its ORM form answers, for the whole cast.
def membership_names_b1(w):
    StaffMembership.objects.get(user=w["teacher_a"]).groups.add(w["group_b1"])


def pupil_b_in_a1(w):
    Pupil.objects.filter(pk=w["pupil_b"].pk).update(group=w["group_a1"])


def a1_moved_to_b(w):
    Group.objects.filter(pk=w["group_a1"].pk).update(school=w["group_b1"].school, name="oud")


def director_b_teaches_a1(w):
    """A membership at B naming A's group, held by someone who also directs B."""
    user = w["director_b"]
    StaffMembership.objects.create(user=user, school=w["group_b1"].school, role=Role.TEACHER)
    StaffMembership.objects.get(user=user, role=Role.TEACHER).groups.set([w["group_a1"]])


def director_a_teaches_b1_and_pupil_b_in_a2(w):
    """Someone who directs A and teaches B1 (GROUPS_IN_REACH_SQL[True, True], its arms at
    two schools), and B's pupil stored in A's other group."""
    add_teaching(w["director_a"], w["group_b1"].school, [w["group_b1"]])
    Pupil.objects.filter(pk=w["pupil_b"].pk).update(group=w["group_a2"])


BAD_ROWS = [
    membership_names_b1,
    pupil_b_in_a1,
    a1_moved_to_b,
    director_b_teaches_a1,
    director_a_teaches_b1_and_pupil_b_in_a2,
]


@pytest.fixture
def stored(request, group_a1, group_a2, group_b1, pupil_a, pupil_a2, pupil_b):
    world = {"group_a1": group_a1, "group_a2": group_a2, "group_b1": group_b1}
    world |= {"pupil_a": pupil_a, "pupil_a2": pupil_a2, "pupil_b": pupil_b}
    return world


@pytest.mark.parametrize("bad", BAD_ROWS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("member", CAST)
def test_it_answers_as_the_orm_query_over_rows_the_admin_refuses(request, member, bad, stored):
    staff = ("teacher_a", "director_a", "director_b")
    stored |= {name: request.getfixturevalue(name) for name in staff}
    bad(stored)
    user = request.getfixturevalue(member)
    found = groups_in_reach(user)
    assert [(g.pk, g.school.pk) for g in found] == [
        (g.pk, g.school.pk) for g in orm_groups_in_reach(user)
    ]
    for group in Group.objects.all():
        assert reach(get_group_for_user, user, group.pk) == reach(
            orm_group_for_user, user, group.pk
        )
    pupils = current_pupils_for_staff(user)
    assert [p.pk for p in pupils] == [p.pk for p in orm_pupils_for_staff(user)]
    # a class lists only pupils of the group's school, all of them in the user's reach
    reachable = {p.pk for p in pupils_for_staff(user).current()}
    for group in found:
        assert all(p.school_id == group.school_id for p in current_pupils_of(group))
        if not sees_all_schools(user):
            assert {p.pk for p in current_pupils_of(group)} <= reachable


def test_it_reaches_no_pupil_through_a_row_the_admin_refuses(teacher_a, director_b, stored):
    """The rows one at a time: who reaches whom afterwards (ids, not names)."""
    stored |= {"teacher_a": teacher_a, "director_b": director_b}
    teacher, a1, b1 = teacher_a, stored["group_a1"], stored["group_b1"]
    pupil_a, pupil_b = stored["pupil_a"], stored["pupil_b"]
    membership_names_b1(stored)
    assert {p.pk for p in current_pupils_for_staff(teacher)} == {pupil_a.pk}
    assert groups_in_reach(teacher) == [a1]
    assert list(taught_groups(teacher)) == [a1]
    pupil_b_in_a1(stored)  # pupil_b now in A's group: in nobody's class at A
    assert {p.pk for p in current_pupils_for_staff(teacher)} == {pupil_a.pk}
    a1.pupils_in_reach = True
    assert [p.pk for p in current_pupils_of(a1)] == [pupil_a.pk]
    assert pupil_b.pk in {p.pk for p in current_pupils_for_staff(director_b)}
    assert b1 in groups_in_reach(director_b)
