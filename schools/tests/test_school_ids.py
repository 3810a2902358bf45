"""school_ids_for_staff: the ids of schools_for_staff from the memberships already read."""

from schools.access import school_ids_for_staff, schools_for_staff
from schools.models import StaffMembership

Role = StaffMembership.Role


def test_it_gives_the_schools_of_the_role_without_a_query(
    director_a, teacher_a, school_a, django_assert_num_queries
):
    StaffMembership.objects.create(user=director_a, school=school_a, role=Role.TEACHER)
    for user in (director_a, teacher_a):
        school_ids_for_staff(user, Role.DIRECTOR)  # memberships read once per request
    with django_assert_num_queries(0):
        assert school_ids_for_staff(director_a, Role.DIRECTOR) == [school_a.pk]
        assert school_ids_for_staff(teacher_a, Role.DIRECTOR) == []
    expected = list(schools_for_staff(director_a, Role.DIRECTOR).values_list("id", flat=True))
    assert school_ids_for_staff(director_a, Role.DIRECTOR) == expected


def test_it_gives_none_for_staff_who_see_every_school(board, privacy_officer):
    assert school_ids_for_staff(board, Role.DIRECTOR) is None
    assert school_ids_for_staff(privacy_officer, Role.DIRECTOR) is None


def test_it_keeps_a_director_from_reaching_another_school(director_parent, school_a, school_b):
    """A director who is a parent at school A reaches school B only (staff reach only)."""
    assert school_ids_for_staff(director_parent, Role.DIRECTOR) == [school_b.pk]
