"""Rows the reach ignores (schools.access): stored past the admin's checks by an import, a
shell or a data migration, or saved before the admin refused them. Listed by id and
school name only (`manage.py check_reach_data`), never a pupil's name."""

from typing import NamedTuple

from django.db.models import F, Q, QuerySet

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


# A membership's link to a group, when the group is of another school (or the role has
# no school at all): on the through model, "staffmembership__" is the membership.
_WRONG_LINK = Q(staffmembership__school__isnull=True) | ~Q(
    group__school_id=F("staffmembership__school_id")
)


def groups_of_another_school() -> list[GroupOfAnotherSchool]:
    rows = (
        StaffMembership.groups.through.objects.filter(_WRONG_LINK)
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
        in_another_schools_group(Pupil.objects.all())
        .order_by("group_id", "id")
        .values_list("id", "school__name", "group_id", "group__school__name")
    )
    return [PupilInAnotherSchoolsGroup(*row) for row in rows]


def in_another_schools_group(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """These pupils, those whose group is of another school (the admin's filter)."""
    return pupils.filter(group__isnull=False).exclude(school_id=F("group__school_id"))


def naming_another_schools_group(memberships: QuerySet) -> QuerySet:
    """These staff memberships, those naming a group of another school (the admin's)."""
    wrong = StaffMembership.groups.through.objects.filter(_WRONG_LINK)
    return memberships.filter(pk__in=wrong.values("staffmembership_id"))
