"""The reach helpers read pupils through indexes, not by scanning every pupil
(PostgreSQL only; see monitoring/tests/test_indexes.py for why seq scans are turned off)."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from conftest import add_teaching, analyze_what_it_reads, fill_foundation, require_service
from schools.access import children_of, pupils_for_staff


@pytest.fixture
def postgres(db):
    """PostgreSQL, with a foundation of other schools around the test's own rows: each plan
    is read with statistics of these rows (`plan` ANALYZEs what it reads), never with those
    earlier tests left (OPO_MISLEADING_STATISTICS)."""
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    fill_foundation()


@pytest.fixture
def director_teacher(director_a, group_a1):
    """Directs school A and teaches A1 there: both arms of the reach."""
    return add_teaching(director_a, group_a1.school, [group_a1])


def plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        analyze_what_it_reads(cursor, queryset.query.sql_with_params()[0])
        return queryset.explain()


def unbounded_pupil_scans(text: str) -> list[str]:
    """Plan nodes reading schools_pupil without an index condition (the whole table).

    A bitmap heap scan rechecks the condition of the index scan below it: indexed too.
    """
    nodes = text.split("->")
    return [
        n
        for n in nodes
        if " on schools_pupil " in n and "Index Cond" not in n and "Recheck Cond" not in n
    ]


@pytest.mark.parametrize("who", ["teacher_a", "director_a", "director_teacher"])
def test_it_finds_pupils_in_reach_without_reading_every_pupil(request, postgres, pupil_a, who):
    user = request.getfixturevalue(who)
    assert unbounded_pupil_scans(plan(pupils_for_staff(user).current())) == []


def test_it_finds_the_same_pupils_as_each_role_reaches(
    teacher_a, director_a, parent_a, pupil_a, pupil_a2, pupil_b
):
    assert set(pupils_for_staff(teacher_a)) == {pupil_a}
    assert set(pupils_for_staff(director_a)) == {pupil_a, pupil_a2}
    assert set(pupils_for_staff(parent_a)) == set()
    assert set(children_of(parent_a)) == {pupil_a}


def test_it_reads_a_schools_gezag_holders_from_their_own_index(postgres, parent_a, pupil_a):
    """`gezag_names` and the consent rules' holders: the school's pupils, then per pupil
    its gezag-holders from `guardianship_gezag_pupil` alone."""
    from consent.reports import gezag_names
    from schools.models import Guardianship, Pupil

    pupils = Pupil.objects.current().filter(school=pupil_a.school).values("id")
    holders = Guardianship.objects.filter(pupil_id__in=pupils, has_parental_authority=True)
    assert "guardianship_gezag_pupil" in plan(holders.values_list("pupil_id", "user_id"))
    holder = (parent_a.pk, parent_a.full_name, True, False)
    assert gezag_names(pupils)[0] == {pupil_a.pk: [holder]}


def test_it_reads_a_page_of_schools_in_name_order_from_the_index(postgres, school_a, school_b):
    """Board pages list schools by name a page at a time (monitoring's school links, the
    board home): the first rows of `school_name`, not a sort of every school."""
    from schools.models import School

    first_page = School.objects.order_by("name").values_list("code", "name")[:21]
    text = plan(first_page)
    assert "school_name" in text
    assert "Sort" not in text
    names = [name for _code, name in first_page]
    assert names == sorted(names) and len(names) == 21


def test_it_names_each_pupils_group_without_reading_the_schools(postgres, pupil_a, pupil_a2):
    """`pupil_rows` (coverage, its export, the homes): each pupil's group name by the
    group's primary key. Group's default ordering (by school name) must not reach into
    the subquery: it joined and sorted every school of the foundation once per pupil
    (12-30 ms for a school of 250 pupils at the large bench size)."""
    from consent.reports import pupil_rows, pupil_rows_query
    from schools.models import Pupil

    pupils = Pupil.objects.current().filter(school=pupil_a.school)
    text = plan(pupil_rows_query(pupils))
    # by an index (its primary key, or the school's groups' index: either is a lookup, and
    # which one is cheaper depends on the foundation's size), never by reading the schools
    nodes = text.split("->")
    assert any(" on schools_group " in node for node in nodes), text
    assert unbounded_scans(nodes, "schools_group") == [], text
    assert "schools_school" not in text
    rows = pupil_rows(pupils)
    assert {(row.pk, row.group_name) for row in rows} == {
        (pupil.pk, pupil.group.name if pupil.group else None) for pupil in (pupil_a, pupil_a2)
    }


def sql_plan(text: str, params: list) -> list[str]:
    """The plan nodes of SQL written out (opo_portal.sql), seq scans turned off."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        analyze_what_it_reads(cursor, text)
        cursor.execute("EXPLAIN " + text, params)
        return "\n".join(row[0] for row in cursor.fetchall()).split("->")


def unbounded_scans(nodes: list[str], table: str) -> list[str]:
    return [n for n in nodes if f" on {table} " in n and "Cond" not in n]


def reach_plan(user, queries, year: str = "") -> str:
    """The plan of the query that `StaffReach.rows` sends for this user."""
    from schools.access import staff_reach

    reach = staff_reach(user)
    params = reach.params(year)
    return "->".join(sql_plan(queries[bool(reach.directed), bool(reach.teaching)], params))


@pytest.mark.parametrize("who", ["teacher_a", "director_a", "director_teacher"])
def test_it_lists_the_photo_checks_pupils_without_reading_every_pupil(
    request, postgres, pupil_a, who
):
    """`current_pupils_for_staff`, the ORM query above written out in SQL."""
    from schools.access import STAFF_PUPILS_SQL

    text = reach_plan(request.getfixturevalue(who), STAFF_PUPILS_SQL, "2026-2027")
    assert unbounded_pupil_scans(text) == []


@pytest.mark.parametrize("who", ["teacher_a", "director_teacher"])
def test_it_asks_a_taught_groups_school_by_primary_keys(request, postgres, pupil_a, who):
    """A group counts only through a membership of its own school, a pupil only in a
    group of their school: the membership and the group are read by their primary keys,
    never every membership or group of the foundation."""
    from schools.access import STAFF_PUPILS_SQL

    nodes = reach_plan(request.getfixturevalue(who), STAFF_PUPILS_SQL, "2026-2027").split("->")
    assert unbounded_scans(nodes, "schools_staffmembership") == []
    assert unbounded_scans(nodes, "schools_group") == []
    assert any("schools_staffmembership_pkey" in n for n in nodes)


@pytest.mark.parametrize("who", ["teacher_a", "director_a", "director_teacher"])
def test_it_lists_the_groups_in_reach_without_reading_every_group(
    request, postgres, group_a1, group_a2, group_b1, who
):
    """`groups_in_reach` (the class list, the check's groups) asks only the user's own
    conditions: a condition for no ids at all read every group of the foundation. Over
    thousands of groups: on the few of `postgres` alone, with seq scans off, reading the
    whole primary key index of 43 groups for a merge join was the cheapest plan left for
    the directed and taught arms together (failed once the arms became a UNION)."""
    from schools.access import GROUPS_IN_REACH_SQL, groups_in_reach

    user = request.getfixturevalue(who)
    _foundation_of_many_groups()
    nodes = reach_plan(user, GROUPS_IN_REACH_SQL).split("->")
    assert unbounded_scans(nodes, "schools_group") == []
    assert groups_in_reach(user)


def test_coverage_names_the_groups_from_the_schools_own_groups(postgres, pupil_a, pupil_a2):
    """Coverage and its export join each pupil's group from the school's groups: not a
    subquery per pupil (a seq scan of a small foundation's groups per pupil) nor a hash of
    every group of a large one."""
    from consent.reports import SCHOOL_PUPILS_SQL

    nodes = sql_plan(SCHOOL_PUPILS_SQL, [pupil_a.school_id])
    assert unbounded_scans(nodes, "schools_group") == []
    assert unbounded_scans(nodes, "schools_pupil") == []
    assert not any("SubPlan" in n for n in nodes)


@pytest.mark.parametrize("query", ["SCHOOL_HOLDERS_SQL", "SCHOOL_HOLDER_IDS_SQL"])
def test_coverage_reads_the_gezag_holders_per_pupil(postgres, parent_a, pupil_a, query):
    """The gezag-holders of a school's pupils by an index condition on the pupils' ids,
    never every guardianship of the foundation. A guard only: on the test database's few
    rows the old join was also planned by index; the hash of every guardianship showed at
    the bench's small size (bench/PASSES.md, ninth pass)."""
    from consent import reports

    since = [timezone.now()] if query == "SCHOOL_HOLDERS_SQL" else []  # its reminders since
    nodes = sql_plan(getattr(reports, query), [*since, pupil_a.school_id])
    assert unbounded_scans(nodes, "schools_guardianship") == []
    assert unbounded_scans(nodes, "consent_remindersent") == []
    assert any(" on schools_guardianship " in n for n in nodes)


def _foundation_of_many_groups(schools: int = 400, per_school: int = 12) -> None:
    """Enough schools, groups and teacher memberships that reading every group costs
    more than the reachable ones, whatever earlier tests left in the statistics."""
    from schools.models import Group, School, StaffMembership

    made = School.objects.bulk_create(
        School(code=f"plan-{n}", name=f"Plan {n}", aliases=[]) for n in range(schools)
    )
    groups = Group.objects.bulk_create(
        Group(school=school, name=f"groep {n}", school_year="2026-2027")
        for school in made
        for n in range(per_school)
    )
    users = User.objects.bulk_create(
        User(email=f"plan-{n}@example.org", password="!") for n in range(schools)
    )
    memberships = StaffMembership.objects.bulk_create(
        StaffMembership(user=user, school=school, role=StaffMembership.Role.TEACHER)
        for user, school in zip(users, made, strict=True)
    )
    through = StaffMembership.groups.through
    through.objects.bulk_create(
        through(staffmembership=m, group=g)
        for m, g in zip(memberships, groups[::per_school], strict=True)
    )


def test_it_lists_a_directing_teachers_groups_without_reading_every_group(
    postgres, director_a, group_a1, group_a2, group_b1, pupil_b
):
    """Someone who directs A and teaches B1: the directed school's groups by its index and
    the taught groups by their primary keys (a UNION of the two arms), never a read of
    every group of the foundation (the OR of both conditions was one: bench at 6,000
    schools). Fresh statistics of enough rows, without turning seq scans off."""
    from schools.access import GROUPS_IN_REACH_SQL, groups_in_reach, staff_reach

    user = add_teaching(director_a, group_b1.school, [group_b1])
    _foundation_of_many_groups()
    reach = staff_reach(user)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ANALYZED:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute(
            "EXPLAIN " + GROUPS_IN_REACH_SQL[True, True], [reach.directed, reach.teaching]
        )
        nodes = "\n".join(row[0] for row in cursor.fetchall()).split("->")
    assert not any("Seq Scan on schools_group " in n for n in nodes), nodes
    assert unbounded_scans(nodes, "schools_group") == [], nodes
    assert {g.pk for g in groups_in_reach(user)} == {group_a1.pk, group_a2.pk, group_b1.pk}


ANALYZED = [
    "schools_school",
    "schools_group",
    "schools_staffmembership",
    "schools_staffmembership_groups",
]
