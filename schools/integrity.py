"""Rows the reach ignores (schools.access): stored past the admin's checks by an import, a
shell or a data migration, or saved before the admin refused them. Listed by id and
school name only (`manage.py check_reach_data`), never a pupil's name."""

from typing import NamedTuple

from django.db.models import F, Q

from schools.models import Pupil, StaffMembership


class GroupOfAnotherSchool(NamedTuple):
    """A staff membership naming a group of another school (or any group, for a role
    without a school): reach counts a group only through a membership of its school."""

    membership_id: int
    role: str
    school: str | None
    group_id: int
    group_school: str


class PupilInAnotherSchoolsGroup(NamedTuple):
    """A pupil whose group is of another school: in neither school's class."""

    pupil_id: int
    school: str
    group_id: int
    group_school: str


def groups_of_another_school() -> list[GroupOfAnotherSchool]:
    through = StaffMembership.groups.through.objects
    wrong = Q(staffmembership__school__isnull=True) | ~Q(
        group__school_id=F("staffmembership__school_id")
    )
    rows = (
        through.filter(wrong)
        .order_by("staffmembership_id", "group_id")
        .values_list(
            "staffmembership_id",
            "staffmembership__role",
            "staffmembership__school__name",
            "group_id",
            "group__school__name",
        )
    )
    return [GroupOfAnotherSchool(*row) for row in rows]


def pupils_in_another_schools_group() -> list[PupilInAnotherSchoolsGroup]:
    rows = (
        Pupil.objects.filter(group__isnull=False)
        .exclude(school_id=F("group__school_id"))
        .order_by("group_id", "id")
        .values_list("id", "school__name", "group_id", "group__school__name")
    )
    return [PupilInAnotherSchoolsGroup(*row) for row in rows]
