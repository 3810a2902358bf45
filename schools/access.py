"""Who may reach what. One helper per object type; out of reach is a 404.

Reach by role:
- board staff and the privacy officer: every school;
- a director: the schools they direct;
- a teacher: the pupils of the groups they teach of this school year (from 1 August,
  Amsterdam time; a group of next year linked in June or July too), a group only through a
  membership of its own school and a pupil only in a group of their own school, whatever
  rows are stored (an import, a shell or a data migration passes no admin check; such rows give
  nothing until put right: `manage.py check_reach_data` lists them);
- a parent: their own children (any guardianship, with or without gezag).

A person can hold several roles (a director here, a parent there). Staff pages and staff
actions use the staff reach only (`pupils_for_staff`), parent pages the parent reach only
(`children_of`): never the union, or a director who is a parent elsewhere would reach
their child's school through a staff page.
"""

from typing import NamedTuple

from django.db import connection
from django.db.models import F, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from opo_portal import sql
from schools.importer import school_year_for
from schools.models import Group, Guardianship, Pupil, PupilQuerySet, School, StaffMembership

Role = StaffMembership.Role
ALL_SCHOOL_ROLES = (Role.BOARD, Role.PRIVACY_OFFICER)


def _memberships(user) -> list[StaffMembership]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_opo_memberships", None)
    if cached is None:
        cached = list(user.memberships.all())
        user._opo_memberships = cached
    return cached


def _is_parent(user) -> bool:
    """Any guardianship, asked once per request (accounts.user_cache may know it already)."""
    known = getattr(user, "_opo_is_parent", None)
    if known is None:
        known = user._opo_is_parent = user.guardianships.exists()
    return known


def roles_of(user) -> set[str]:
    roles = {m.role for m in _memberships(user)}
    if user.is_authenticated and _is_parent(user):
        roles.add("parent")
    return roles


def is_staff_member(user) -> bool:
    return bool(_memberships(user))


def has_role(user, *roles: str) -> bool:
    return any(m.role in roles for m in _memberships(user))


def sees_all_schools(user) -> bool:
    return has_role(user, *ALL_SCHOOL_ROLES)


def schools_for_staff(user, *roles: str) -> QuerySet[School]:
    """Schools where the user holds one of `roles` (board/privacy officer: all)."""
    if sees_all_schools(user):
        return School.objects.all()
    ids = [m.school_id for m in _memberships(user) if m.role in roles]
    return School.objects.filter(id__in=ids)


def school_ids_for_staff(user, *roles: str) -> list[int] | None:
    """The ids of schools_for_staff without a query (None: every school)."""
    if sees_all_schools(user):
        return None
    return sorted(
        {m.school_id for m in _memberships(user) if m.role in roles and m.school_id is not None}
    )


def directed_schools(user) -> QuerySet[School]:
    return schools_for_staff(user, Role.DIRECTOR)


def taught_groups(user) -> QuerySet[Group]:
    """The groups the user teaches (taught_group_ids)."""
    taught = taught_group_ids(user)
    return Group.objects.none() if taught is None else Group.objects.filter(id__in=taught)


def pupils_for_staff(user) -> PupilQuerySet:
    """The pupils the user reaches as staff: never their own children as a parent.

    The reach is a UNION of pupil ids (directed schools, taught groups) rather than an OR
    over joins: PostgreSQL answers each arm from an index, where the OR read every pupil
    of the foundation (issue 17, bench/web/explain.py).
    """
    if not user.is_authenticated:
        return Pupil.objects.none()
    # board staff: every pupil; the privacy officer's reach of every school is for reading
    # (audit), so a privacy officer who teaches gets only their groups' pupils here
    if has_role(user, Role.BOARD):
        return Pupil.objects.all()
    arms: list[QuerySet] = []
    director_schools = [m.school_id for m in _memberships(user) if m.role == Role.DIRECTOR]
    if director_schools:
        arms.append(Pupil.objects.filter(school_id__in=director_schools).order_by().values("id"))
    taught = taught_group_ids(user)
    if taught is not None:
        arms.append(_taught_pupils(taught).order_by().values("id"))
    if not arms:
        return Pupil.objects.none()
    ids = arms[0].union(*arms[1:], all=True) if len(arms) > 1 else arms[0]
    return Pupil.objects.filter(id__in=ids)


def taught_group_ids(user) -> QuerySet | None:
    """A subquery of the ids of the groups the user teaches; None if they teach none.

    A group counts only through a membership of its own school, whatever rows are stored
    (an import, a shell or a data migration passes no admin check)."""
    teaching = [m.pk for m in _memberships(user) if m.role == Role.TEACHER]
    if not teaching:
        return None
    through = StaffMembership.groups.through.objects
    own_school = F("staffmembership__school_id")
    named = through.filter(staffmembership_id__in=teaching, group__school_id=own_school)
    return named.values("group_id")


def teaching_year() -> str:
    """The earliest school year whose groups give a teacher their pupils: today's, so
    last year's class drops out of reach at midnight on 1 August in Amsterdam, whether or
    not the new year's pupil list was imported yet (it moves them on, maybe weeks later).
    Next year's groups, linked in June and July, count as well."""
    return school_year_for(timezone.localdate())


def _taught_pupils(taught: QuerySet) -> PupilQuerySet:
    """The pupils of these taught groups (taught_group_ids) of this school year who are of
    the group's own school: one put in another school's group is in neither class (the
    SQL's _TAUGHT_ARM)."""
    return Pupil.objects.filter(
        group_id__in=taught,
        school_id=F("group__school_id"),
        group__school_year__gte=teaching_year(),
    )


def children_of(user) -> PupilQuerySet:
    """The parent's own children (the pupils they are a guardian of)."""
    if not user.is_authenticated:
        return Pupil.objects.none()
    return Pupil.objects.filter(guardianships__user=user).distinct()


def guardianship_of(user, pupil_id: int) -> Guardianship | None:
    """The user's own link to the pupil as a parent or guardian, with or without gezag
    (None: not their child). For a staff page that must not act on the user's own child;
    no query for someone who is nobody's parent (known once per request)."""
    if not user.is_authenticated or not _is_parent(user):
        return None
    return Guardianship.objects.filter(user=user, pupil_id=pupil_id).first()


def own_child_ids(user) -> frozenset[int]:
    """The ids of the pupils the user is a parent or guardian of, with or without gezag
    (as `guardianship_of`): for a staff page's lines that must not offer to act on the
    user's own child. One query, once per request, which reads `own_family_ids` too;
    none for someone who is nobody's parent (known once per request)."""
    if not user.is_authenticated or not _is_parent(user):
        return frozenset()
    known = getattr(user, "_opo_own_child_ids", None)
    if known is None:
        known = _read_own_children(user)
    return known


def own_family_ids(user) -> frozenset[int]:
    """The gezag-holders of the user's current own children at any school, the user among
    them where they hold gezag: the family a colleague reminds, never the user
    (consent.views.director.remind refuses it; the pages link no reminder to them, on any
    line). Read with `own_child_ids` in its one query, once per request; none for someone
    who is nobody's parent."""
    if not user.is_authenticated or not _is_parent(user):
        return frozenset()
    known = getattr(user, "_opo_own_family_ids", None)
    if known is None:
        _read_own_children(user)
        known = user._opo_own_family_ids
    return known


def _read_own_children(user) -> frozenset[int]:
    """One query: every guardianship of the user's own children (theirs included), with
    whether the child is current. Keeps `own_child_ids` and `own_family_ids` on the user."""
    mine = Guardianship.objects.filter(user=user).values("pupil_id")
    rows = Guardianship.objects.filter(pupil_id__in=mine).values_list(
        "pupil_id", "user_id", "has_parental_authority", "pupil__left_on"
    )
    children, family = set(), set()
    for pupil_id, user_id, gezag, left_on in rows:
        children.add(pupil_id)
        if gezag and left_on is None:
            family.add(user_id)
    user._opo_own_family_ids = frozenset(family)
    known = user._opo_own_child_ids = frozenset(children)
    return known


def get_pupil_for_staff(user, pk) -> Pupil:
    return get_object_or_404(pupils_for_staff(user), pk=pk)


def acting_school_ids(user) -> list[int] | None:
    """The schools where the user may change a pupil's record (paper and phone decisions):
    board staff every school (None), a director the schools they direct. Not the staff
    reach: a director here who teaches a group elsewhere is only a teacher there."""
    if has_role(user, Role.BOARD):
        return None
    return own_directed_school_ids(user)


def takedown_school_ids(user) -> list[int] | None:
    """The schools where the user takes down what is published (schools.leaders'
    acting_pairs for one user, from the memberships read anyway): board staff every school
    (None), others the schools where they teach or direct, not one they left."""
    if has_role(user, Role.BOARD):
        return None
    return sorted(
        {
            m.school_id
            for m in _memberships(user)
            if m.role in StaffMembership.SCHOOL_ROLES and m.school_id is not None
        }
    )


def own_directed_school_ids(user) -> list[int]:
    """The schools the user directs by membership: never every school, whatever other role
    (board, privacy officer) the user also holds."""
    return [m.school_id for m in _memberships(user) if m.role == Role.DIRECTOR and m.school_id]


def acts_for_school(user, school_id: int) -> bool:
    """Board staff act on every school, a director on their own: a director here who
    teaches elsewhere is only a teacher (or a case's assignee) there, a director here who
    is the privacy officer only reads there. Never the union."""
    ids = acting_school_ids(user)
    return ids is None or school_id in ids


def acting_schools(user) -> QuerySet[School]:
    """The schools of acting_school_ids: the reach of pages for directors and board staff
    only (the privacy officer's reach of every school does not count there)."""
    ids = acting_school_ids(user)
    return School.objects.all() if ids is None else School.objects.filter(id__in=ids)


def get_school_for_acting(user, code: str) -> School:
    """A school where the user may act (reminders, the yearly review): board staff any,
    a director their own. Not get_school_for_director: the privacy officer's reach of
    every school is for reading, also when they direct a school as well."""
    return get_object_or_404(acting_schools(user), code=code)


def get_pupil_for_director(user, pk) -> Pupil:
    """A pupil of a school whose coverage the user reads (get_school_for_director): a
    director their own schools', board staff and the privacy officer any school's, pupils
    who left included. For reading only: changes ask get_pupil_for_acting."""
    ids = school_ids_for_staff(user, Role.DIRECTOR)  # None: every school
    pupils = Pupil.objects.select_related("school", "group")
    if ids is not None:
        pupils = pupils.filter(school_id__in=ids)
    return get_object_or_404(pupils, pk=pk)


def get_pupil_for_acting(user, pk) -> Pupil:
    ids = acting_school_ids(user)
    pupils = Pupil.objects.all() if ids is None else Pupil.objects.filter(school_id__in=ids)
    return get_object_or_404(pupils, pk=pk)


def get_child_for_parent(user, pk) -> Pupil:
    # school and group come along: every page about a child names them
    return get_object_or_404(children_of(user).select_related("school", "group"), pk=pk)


GROUP_FIELDS = ["id", "school_id", "name", "school_year"]
SCHOOL_FIELDS = ["id", "code", "name", "aliases", "contact_email"]
# The groups the user's teacher memberships name, each with the membership's school
# (taught_group_ids). A group counts only as (its id, its own school) and a pupil only
# as (their group, their school), so a row stored past the admin's check (an import, a
# shell, a data migration) gives no other school's class. Uncorrelated, so PostgreSQL
# reads the pairs first and then each group's pupils from its index.
_TAUGHT_PAIRS = (
    "SELECT mg.group_id, m.school_id FROM schools_staffmembership_groups mg"
    " JOIN schools_staffmembership m ON m.id = mg.staffmembership_id"
    " WHERE mg.staffmembership_id = ANY(%s)"
)
# Group.objects.select_related("school").filter(Q(school_id__in=<directed>) |
# Q(id__in=<taught>)) for one pk, written out: every class page runs it, and building it
# through the ORM (with get_object_or_404) cost more CPU than running it (tests compare
# the two, and these fields with the models'). Board staff pass true and see every group.
# EXISTS, not IN: prepared (opo_portal.sql), PostgreSQL keeps a generic plan for it, where
# it planned the IN's hashed subquery anew on every request.
GROUP_IN_REACH_SQL = sql.prepared(
    "SELECT g.id, g.school_id, g.name, g.school_year,"
    " s.id, s.code, s.name, s.aliases, s.contact_email"
    " FROM schools_group g JOIN schools_school s ON s.id = g.school_id"
    " WHERE g.id = %s AND (%s OR g.school_id = ANY(%s) OR EXISTS(SELECT 1"
    " FROM schools_staffmembership_groups mg"
    " JOIN schools_staffmembership m ON m.id = mg.staffmembership_id"
    " WHERE mg.group_id = g.id AND m.school_id = g.school_id"
    " AND mg.staffmembership_id = ANY(%s)))"
)


fetch_rows = sql.fetch  # reads written out in SQL, here and in consent (opo_portal.sql)


class StaffReach(NamedTuple):
    """What the reads written out in SQL need of a user's staff reach, from the
    memberships already loaded: every school (board, privacy officer), the schools they
    direct, the memberships through which they teach groups."""

    every: bool
    directed: list[int | None]  # a director membership always has its school
    teaching: list[int]

    @property
    def none(self) -> bool:
        return not (self.every or self.directed or self.teaching)

    def rows(self, queries: dict[tuple[bool, bool], str], *, year: str = "") -> list[tuple]:
        """The rows of the query for this reach: only the user's own conditions (one for
        no ids at all made PostgreSQL read every row), `queries[False, False]` for all.
        `year`: the parameter of a query whose teaching arm asks for a school year, last."""
        if self.every:
            return fetch_rows(queries[False, False], [])
        return fetch_rows(queries[bool(self.directed), bool(self.teaching)], self.params(year))

    def params(self, year: str = "") -> list:
        """The parameters of the query for this reach (not every school)."""
        arms: list = [ids for ids in (self.directed, self.teaching) if ids]
        return arms + ([year] if year and self.teaching else [])


def staff_reach(user) -> StaffReach:
    return StaffReach(
        sees_all_schools(user),
        [m.school_id for m in _memberships(user) if m.role == Role.DIRECTOR],
        [m.pk for m in _memberships(user) if m.role == Role.TEACHER],
    )


def get_group_for_user(user, pk) -> Group:
    """A group the user teaches, directs or (board) oversees, with its school.

    Reach from the memberships already loaded (no join over them, no DISTINCT).
    """
    reach = staff_reach(user)
    if reach.none:
        raise Http404
    rows = fetch_rows(GROUP_IN_REACH_SQL, [int(pk), *reach])
    if not rows:
        raise Http404("No Group matches the given query.")
    row, split = rows[0], len(GROUP_FIELDS)
    group = Group.from_db(connection.alias, GROUP_FIELDS, row[:split])
    group.school = school_from_row(row[split:])
    group.pupils_in_reach = _pupils_in_reach(reach, group, teaching_year())
    return group


def _pupils_in_reach(reach: StaffReach, group: Group, year: str) -> bool:
    """Whether the user reaches the group's pupils: every pupil of a school they oversee or
    direct, but through teaching only those of this school year's groups (an earlier
    year's group is still listed, as history, with nobody in it)."""
    return reach.every or group.school_id in reach.directed or group.school_year >= year


# Group.objects.select_related("school").order_by("school__name", "-school_year", "name")
# filtered as
# GROUP_IN_REACH_SQL, for every group in reach: the class list and the check's groups.
# Only the user's own conditions: one for no ids at all made PostgreSQL read every group.
_GROUPS = (
    "SELECT g.id, g.school_id, g.name, g.school_year,"
    " s.id, s.code, s.name, s.aliases, s.contact_email"
    " FROM schools_group g JOIN schools_school s ON s.id = g.school_id{}"
    " ORDER BY s.name, g.school_year DESC, g.name"
)
_DIRECTED_GROUPS = "g.school_id = ANY(%s)"
_TAUGHT_GROUPS = f"(g.id, g.school_id) IN ({_TAUGHT_PAIRS})"
_DIRECTED_GROUP_PAIRS = "SELECT id, school_id FROM schools_group WHERE school_id = ANY(%s)"
# (directs a school, teaches a group) -> the query; board staff: every group
GROUPS_IN_REACH_SQL = {
    (False, False): _GROUPS.format(""),
    (True, False): _GROUPS.format(f" WHERE {_DIRECTED_GROUPS}"),
    (False, True): _GROUPS.format(f" WHERE {_TAUGHT_GROUPS}"),
    # a UNION of the two arms, each read from its index (the directed schools' groups,
    # the taught pairs by the memberships' ids): their OR read every group of the
    # foundation, the taught pairs' IN being no index condition (bench at 6,000 schools)
    (True, True): _GROUPS.format(
        f" WHERE (g.id, g.school_id) IN ({_DIRECTED_GROUP_PAIRS} UNION ALL {_TAUGHT_PAIRS})"
    ),
}


def groups_in_reach(user, *, publishing: bool = False) -> list[Group]:
    """Groups the user teaches, directs (director) or oversees (board, privacy officer),
    by school name, school year (the newest first: the class list opens on this year's
    first group, not on last year's emptied one) and name, each with its school. From
    the memberships already loaded.

    `publishing`: the groups whose pupils the user may put in a publication check, as
    pupils_for_staff: the privacy officer's reach of every school is for reading, so a
    privacy officer who teaches gets their own groups there."""
    reach = staff_reach(user)
    if publishing:
        reach = reach._replace(every=has_role(user, Role.BOARD))
    if reach.none:
        return []
    groups, split, year = [], len(GROUP_FIELDS), teaching_year()
    schools: dict[int, School] = {}
    for row in reach.rows(GROUPS_IN_REACH_SQL):
        group = Group.from_db(connection.alias, GROUP_FIELDS, row[:split])
        group.pupils_in_reach = _pupils_in_reach(reach, group, year)
        school = schools.get(group.school_id)
        if school is None:
            school = schools[group.school_id] = school_from_row(row[split:])
        group.school = school
        groups.append(group)
    return groups


def groups_of_schools(schools: list[School]) -> list[Group]:
    """The groups of `schools` (a page of them), in the order of `schools` and by name
    within a school, each with its school: the class list of a user who reaches every
    school, a page of schools at a time (groups_in_reach would list the whole foundation's
    groups, 54,000 at national size)."""
    by_id = {school.pk: school for school in schools}
    order = {school.pk: index for index, school in enumerate(schools)}
    groups = list(
        Group.objects.filter(school_id__in=list(by_id))
        .only(*GROUP_FIELDS)
        .order_by("-school_year", "name", "id")
    )
    for group in groups:
        group.school = by_id[group.school_id]
        group.pupils_in_reach = True  # only for users who reach every school
    # stable: by school year (newest first) and name within a school
    return sorted(groups, key=lambda g: order[g.school_id])


_ALIASES = School._meta.get_field("aliases")


def school_from_row(row) -> School:
    """A School from the SCHOOL_FIELDS columns of a raw row (aliases as the ORM reads them)."""
    values = list(row)
    # no expression: the JSON field only looks at one to leave key transforms' values be
    values[3] = _ALIASES.from_db_value(values[3], None, connection)  # type: ignore[arg-type]
    return School.from_db(connection.alias, SCHOOL_FIELDS, values)


PUPIL_FIELDS = ["id", "school_id", "leerlingnummer", "first_name", "name_prefix", "last_name"]
PUPIL_FIELDS += ["birth_date", "group_id", "left_on", "not_in_picture"]
# group.pupils.current().filter(school_id=group.school_id).order_by("first_name",
# "last_name"), written out (as above). Only the pupils of the group's own school: one of
# another school put in this group (a row stored past Pupil.clean) is not in its class.
GROUP_PUPILS_SQL = sql.prepared(
    f"SELECT {', '.join(PUPIL_FIELDS)} FROM schools_pupil"  # noqa: S608
    " WHERE group_id = %s AND school_id = %s AND left_on IS NULL"
    " ORDER BY first_name, last_name"
)


def current_pupils_of(group: Group) -> list[Pupil]:
    """The group's current pupils (not left) of the group's school, by first and last
    name, each with `group` set to this group: the class pages' list. Nobody for a group
    whose pupils the user does not reach (`pupils_in_reach`, set by get_group_for_user,
    groups_in_reach and groups_of_schools): an earlier year's group they taught."""
    if not getattr(group, "pupils_in_reach", False):
        return []
    pupils = []
    for row in fetch_rows(GROUP_PUPILS_SQL, [group.pk, group.school_id]):
        pupil = Pupil.from_db(connection.alias, PUPIL_FIELDS, row)
        pupil.group = group
        pupils.append(pupil)
    return pupils


def get_school_for_director(user, code: str) -> School:
    """A school the user directs (board and privacy officer: any school).

    get_object_or_404(directed_schools(user), code=code), written out: every director
    page runs it, and building the ORM query cost more CPU than running it."""
    ids = school_ids_for_staff(user, Role.DIRECTOR)  # None: every school
    if ids is not None and not ids:
        raise Http404
    found = fetch_rows(SCHOOL_BY_CODE_SQL, [code])
    if not found or (ids is not None and found[0][0] not in ids):
        raise Http404
    return school_from_row(found[0])


SCHOOL_BY_CODE_SQL = sql.prepared(
    "SELECT id, code, name, aliases, contact_email FROM schools_school WHERE code = %s"
)


def require_role(user, *roles: str) -> None:
    """Raise 404 unless the user holds one of the roles: pages out of reach do not exist."""
    if not has_role(user, *roles):
        raise Http404


def schools_for_import(user) -> QuerySet[School]:
    """Schools the user may import pupils into: board staff any, a director their own.

    Not directed_schools: that one also gives the privacy officer every school, and the
    privacy officer audits; they do not change the register.
    """
    if has_role(user, Role.BOARD):
        return School.objects.all()
    ids = [m.school_id for m in _memberships(user) if m.role == Role.DIRECTOR]
    return School.objects.filter(id__in=ids)


def get_school_for_import(user, code: str) -> School:
    if "\x00" in code:  # PostgreSQL refuses a NUL character in a query; no code has one
        raise Http404
    return get_object_or_404(schools_for_import(user), code=code)


# pupils_for_staff(user).current().select_related("group").order_by("group__name",
# "first_name"), written out (the photo check lists them on every GET; building the ORM
# query cost more CPU than running it). As there, the reach is a UNION of the arms the
# user has (directed schools, taught groups), each read from its index: an arm for no
# ids at all made PostgreSQL hash every pupil instead.
_DIRECTED_ARM = "SELECT id FROM schools_pupil WHERE school_id = ANY(%s)"
# A taught group's pupils of the membership's school; that the group is of their school
# too is asked of the page's own join with the group for a teacher (one join fewer to
# plan: PostgreSQL spent more planning these reads than running them), and of the arm's
# own join where a director's arm comes along (whose pupils need not be in such a group).
_TAUGHT_ARM = f"SELECT id FROM schools_pupil WHERE (group_id, school_id) IN ({_TAUGHT_PAIRS})"  # noqa: S608
_OWN_SCHOOLS_GROUP = "g.school_id = p.school_id"
_TAUGHT_ARM_OWN_GROUP = (
    "SELECT tp.id FROM schools_pupil tp"  # noqa: S608
    " JOIN schools_group tg ON tg.id = tp.group_id AND tg.school_id = tp.school_id"
    f" WHERE (tp.group_id, tp.school_id) IN ({_TAUGHT_PAIRS}) AND tg.school_year >= %s"
)
# the taught groups' pupils of this school year only (teaching_year)
_THIS_YEARS_GROUP = "g.school_year >= %s"
_STAFF_PUPILS = (
    "SELECT p.id, p.school_id, p.leerlingnummer, p.first_name, p.name_prefix, p.last_name,"
    " p.birth_date, p.group_id, p.left_on, p.not_in_picture,"
    " g.id, g.school_id, g.name, g.school_year"
    " FROM schools_pupil p LEFT JOIN schools_group g ON g.id = p.group_id"
    " WHERE p.left_on IS NULL{} ORDER BY g.name, p.first_name"
)
# (directs a school, teaches a group) -> the query; board staff: every current pupil
STAFF_PUPILS_SQL = {
    (False, False): _STAFF_PUPILS.format(""),
    (True, False): _STAFF_PUPILS.format(f" AND p.id IN ({_DIRECTED_ARM})"),
    (False, True): _STAFF_PUPILS.format(
        f" AND p.id IN ({_TAUGHT_ARM}) AND {_OWN_SCHOOLS_GROUP} AND {_THIS_YEARS_GROUP}"
    ),
    (True, True): _STAFF_PUPILS.format(
        f" AND p.id IN ({_DIRECTED_ARM} UNION ALL {_TAUGHT_ARM_OWN_GROUP})"
    ),
}


def staff_school_names(user, *, every: bool) -> dict[int, str]:
    """School id -> name for a pupil list that must name each pupil's school
    (Pupil.staff_label) because it holds pupils of more than one: every school (`every`:
    board staff's list of every pupil) or those the user teaches at or directs. {} and
    no query for a list of one school."""
    schools = School.objects.all()
    if not every:
        own = {m.school_id for m in _memberships(user) if m.role in (Role.TEACHER, Role.DIRECTOR)}
        if len(own) < 2:
            return {}
        schools = schools.filter(pk__in=own)
    names = dict(schools.values_list("pk", "name"))
    return names if len(names) > 1 else {}


def current_pupils_for_staff(user, *, own_only: bool = False) -> list[Pupil]:
    """The current pupils the user reaches as staff (pupils_for_staff), each with its
    group, by group name and first name. `own_only`: those of the groups they teach and
    the schools they direct only, not board staff's every pupil of the foundation."""
    if not user.is_authenticated:
        return []
    every = has_role(user, Role.BOARD) and not own_only  # as pupils_for_staff
    return _current_pupils_of_reach(staff_reach(user)._replace(every=every))


def current_pupils_taught(user) -> list[Pupil]:
    """The current pupils of the groups the user teaches this school year (and next
    year's, linked in June or July), each with its group, by group name and first name:
    the check's "all groups I teach". Not the schools they direct nor board staff's every
    school (a name search finds those), never their own children as a parent."""
    if not user.is_authenticated:
        return []
    return _current_pupils_of_reach(staff_reach(user)._replace(every=False, directed=[]))


def _current_pupils_of_reach(reach: StaffReach) -> list[Pupil]:
    if reach.none:
        return []
    pupils, split = [], len(PUPIL_FIELDS)
    groups: dict[int, Group] = {}
    for row in reach.rows(STAFF_PUPILS_SQL, year=teaching_year()):
        pupil = Pupil.from_db(connection.alias, PUPIL_FIELDS, row[:split])
        group = None
        if row[split] is not None:
            group = groups.get(row[split])
            if group is None:
                group = groups[row[split]] = Group.from_db(
                    connection.alias, GROUP_FIELDS, row[split:]
                )
        pupil.group = group
        pupils.append(pupil)
    return pupils
