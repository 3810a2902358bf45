"""Which teacher teaches which group of this school year: what a director sees and changes on
"Leerkrachten en groepen" (schools.views.staff_groups), and the count of this year's groups
without a teacher on the director's home.

A group has a teacher when a teacher membership of the group's own school is linked to it:
the same rule as reach (schools.access.taught_group_ids), so a link stored past the admin's
check to another school's teacher makes no teacher of the group.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.admin.models import DELETION, LogEntry
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from opo_portal.text import without_direction_controls
from schools.importer import NEXT_YEAR_MONTHS, school_year_for
from schools.models import Group, MembershipChange, School, StaffMembership

Role = StaffMembership.Role
Through = StaffMembership.groups.through


def staffing_years(today: datetime.date) -> list[str]:
    """The school years a director links teachers for: this one, and in June and July,
    when the pupil import takes next year's list (its pupils then move into next year's
    groups at once), the next one too."""
    years = [school_year_for(today)]
    if today.month in NEXT_YEAR_MONTHS:
        years.append(school_year_for(today, next_year=True))
    return years


def previous_school_year(year: str) -> str:
    start = int(year.split("-")[0]) - 1
    return f"{start}-{start + 1}"


@dataclass
class TeacherRow:
    membership: StaffMembership
    group_ids: set[int] = field(default_factory=set)  # this year's groups, linked
    earlier: list[Group] = field(default_factory=list)  # last year's groups, shown only

    @property
    def user(self):
        return self.membership.user

    @property
    def earlier_names(self) -> str:
        return ", ".join(group.name for group in self.earlier)


@dataclass
class Staffing:
    school: School
    year: str
    teachers: list[TeacherRow]
    groups: list[Group]  # this year's, by name

    @property
    def untaught(self) -> list[Group]:
        taught = {group_id for row in self.teachers for group_id in row.group_ids}
        return [group for group in self.groups if group.pk not in taught]

    @property
    def untaught_names(self) -> str:
        return ", ".join(group.name for group in self.untaught)

    def form_rows(self, ticked: set[str] | None = None) -> list[tuple[TeacherRow, list]]:
        """Per teacher, (group, the form's value, ticked?) for each of this year's groups:
        ticked as stored, or as `ticked` says (the values a form with an error sent)."""
        rows = []
        for row in self.teachers:
            cells = []
            for group in self.groups:
                value = f"{row.membership.pk}-{group.pk}"
                on = group.pk in row.group_ids if ticked is None else value in ticked
                cells.append((group, value, on))
            rows.append((row, cells))
        return rows


def school_teachers(school: School):
    """The school's teacher memberships, with their accounts, by name and address."""
    return (
        StaffMembership.objects.filter(school=school, role=Role.TEACHER)
        .select_related("user")
        .defer("user__password")
        .order_by("user__full_name", "user__email", "pk")
    )


def staffing_of(school: School, year: str) -> Staffing:
    """The school's teachers with their links to this year's groups (and, shown only, last
    year's), and this year's groups. 3 queries, whatever the numbers of teachers and groups."""
    rows = {m.pk: TeacherRow(m) for m in school_teachers(school)}
    groups = list(Group.objects.filter(school=school, school_year=year).order_by("name", "pk"))
    years = [year, previous_school_year(year)]
    stored = (
        Through.objects.filter(
            staffmembership__school=school,
            staffmembership__role=Role.TEACHER,
            group__school=school,
            group__school_year__in=years,
        )
        .select_related("group")
        .order_by("group__name", "group__pk")
    )
    for link in stored:
        row = rows[link.staffmembership_id]
        if link.group.school_year == year:
            row.group_ids.add(link.group_id)
        else:
            row.earlier.append(link.group)
    return Staffing(school, year, list(rows.values()), groups)


def untaught_group_count(year: str) -> Coalesce:
    """For School.objects.annotate(): how many of the school's groups of `year` have no
    teacher of the school linked (one subquery in the schools' own query)."""
    taught = Through.objects.filter(
        group_id=OuterRef("pk"),
        staffmembership__role=Role.TEACHER,
        staffmembership__school_id=OuterRef("school_id"),
    )
    untaught = (
        Group.objects.filter(school_id=OuterRef("pk"), school_year=year)
        .filter(~Exists(taught))
        .order_by()
        .values("school_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(untaught, output_field=IntegerField()), Value(0))


def has_groups_of(year: str) -> Exists:
    """For School.objects.annotate(): whether the school has any group of `year`. In a new
    school year none exists until this year's pupil list is imported; until then the
    pupils are still in last year's groups and no teacher can be linked to this year's."""
    return Exists(Group.objects.filter(school_id=OuterRef("pk"), school_year=year))


def removed_teacher_name(school: School, membership_id: int) -> str | None:
    """Who held the teacher membership `membership_id` of `school` that was ended (by
    `schools.services.teacher_remove` or in the admin), named as StaffMembership.__str__
    names them: from the latest record of its end (schools.accesslog), which keeps the
    school by id, so a school renamed since still finds it. A removal from before the
    recording began is found in the admin's history of its deletion, which records the
    membership as "<name> · <role> · <school>" (only while the school keeps that name),
    read without direction controls: "" when its name was nothing else.
    None when no teacher membership of this school by that id was removed: another
    school's, a director's, or none at all, stays out of reach. One query, two for a
    removal from before."""
    ended = list(
        MembershipChange.objects.filter(
            membership_id=membership_id, change=MembershipChange.Change.ENDED
        )
        .order_by("-at", "-id")
        .values_list("school_id", "role", "person_name", "person_email")
    )
    for school_id, role, name, email in ended:
        if school_id == school.pk and role == Role.TEACHER:
            return name.strip() or email  # a name of spaces: controls only (0015)
    if ended:  # recorded: ended as another school's or as another role
        return None
    return _removed_teacher_name_in_history(school, membership_id)


def _removed_teacher_name_in_history(school: School, membership_id: int) -> str | None:
    """The history's text is a copy kept as it was written, direction controls and all (a
    name or a school's name from before they were dropped on input): it is read without
    them (opo_portal.text), as U+202E would turn the message showing it around, and the
    school's name is compared without them too, as migration 0014 took them from the
    school. The few entries of one membership's deletion are compared here, not in SQL.
    "" when the name was controls only."""
    suffix = f" · {without_direction_controls(school.name)}"
    entries = LogEntry.objects.filter(
        content_type__app_label=StaffMembership._meta.app_label,
        content_type__model=StaffMembership._meta.model_name,
        object_id=str(membership_id),
        action_flag=DELETION,
    ).order_by("-action_time")
    for repr_ in entries.values_list("object_repr", flat=True):
        text = without_direction_controls(repr_)
        if text.endswith(suffix):
            return text.removesuffix(suffix).rsplit(" · ", 1)[0].strip()
    return None
