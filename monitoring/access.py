"""Who reaches which monitoring object, built on schools.access. Out of reach is a 404.

Directors see their own school; board staff and the privacy officer see every school.
The privacy officer audits: read-only (403 on changes). Teachers have no monitoring pages
except the manual report form.
"""

import json

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from monitoring.models import Flag, FollowUp, PublicReply, Source
from opo_portal import sql
from schools.access import (
    acts_for_school,
    has_role,
    require_role,
    school_ids_for_staff,
    schools_for_staff,
)
from schools.models import School, StaffMembership

Role = StaffMembership.Role
MONITORING_ROLES = (Role.DIRECTOR, Role.BOARD, Role.PRIVACY_OFFICER)
ACTING_ROLES = (Role.DIRECTOR, Role.BOARD)
REPORTING_ROLES = (Role.TEACHER, Role.DIRECTOR, Role.BOARD)
ASSIGNABLE_ROLES = (Role.TEACHER, Role.DIRECTOR)


def require_monitoring(user) -> None:
    require_role(user, *MONITORING_ROLES)


def require_acting(user) -> None:
    """Changes: directors and board staff; the privacy officer only reads."""
    require_monitoring(user)
    if not has_role(user, *ACTING_ROLES):
        raise PermissionDenied


def monitored_schools(user) -> QuerySet[School]:
    return schools_for_staff(user, Role.DIRECTOR)


def monitored_school_ids(user) -> list[int] | None:
    """The ids of monitored_schools, or None for every school (no filter: index-friendly).
    From the user's memberships, read once per request: no query."""
    return school_ids_for_staff(user, Role.DIRECTOR)


def in_monitored_schools(queryset: QuerySet, user, field: str = "school_id") -> QuerySet:
    ids = monitored_school_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def reporting_schools(user) -> QuerySet[School]:
    """Board staff every school, teachers and directors their own. Not schools_for_staff:
    it gives the privacy officer every school, who reports nothing (a privacy officer who
    teaches somewhere reports for that school only)."""
    if has_role(user, Role.BOARD):
        return School.objects.all()
    own = StaffMembership.objects.filter(user=user, role__in=REPORTING_ROLES)
    return School.objects.filter(id__in=own.values("school_id"))


# get_object_or_404(monitored_schools(user), code=code) in one plain query: building the
# ORM's get cost more CPU than running it (issue 17; tests/test_mentions_sql.py compares).
SCHOOL_SQL = "SELECT id, code, name, aliases FROM schools_school WHERE code = %s"
SCHOOL_IN_REACH_SQL = SCHOOL_SQL + " AND id = ANY(%s)"
SCHOOL_FIELDS = ("id", "code", "name", "aliases")


def get_monitored_school(user, code: str) -> School:
    """The school of this code among the user's monitored schools; else 404."""
    require_monitoring(user)
    ids = monitored_school_ids(user)
    if ids is None:
        found = sql.rows(SCHOOL_SQL, [code], _school_rows_orm)
    else:
        found = sql.rows(SCHOOL_IN_REACH_SQL, [code, ids], _school_rows_orm)
    if not found:
        raise Http404("No school in reach matches the given query.")
    row = found[0]
    # a JSONField's from_db_value: PostgreSQL's json comes as text through Django's psycopg
    aliases = json.loads(row[3]) if isinstance(row[3], str) else row[3]
    return School.from_db(connection.alias, SCHOOL_FIELDS, (*row[:3], aliases))


def _school_rows_orm(code: str, ids: list[int] | None = None):
    """SCHOOL_SQL's and SCHOOL_IN_REACH_SQL's row through the ORM (opo_portal.sql)."""
    schools = School.objects.filter(code=code)
    if ids is not None:
        schools = schools.filter(id__in=ids)
    return schools.values_list(*SCHOOL_FIELDS)


def cases_assigned_to(user) -> QuerySet[FollowUp]:
    """Cases assigned to the user at a school where they still teach or direct, or at any
    school while they are on the board (a case of a school without a director is handed
    to the board: monitoring.services.followups_hand_over). Any status, so the assignee
    can still read a case after closing it."""
    mine = StaffMembership.objects.filter(user=user)
    acting = mine.filter(role__in=ASSIGNABLE_ROLES).values("school_id")
    return FollowUp.objects.filter(
        Q(school_id__in=acting) | Q(Exists(mine.filter(role=Role.BOARD))), assigned_to=user
    )


def get_case_for_user(user, pk) -> FollowUp:
    """Monitoring staff reach their schools' cases; the assignee reaches their own case."""
    reach = Q(pk__in=cases_assigned_to(user).values("pk"))
    if has_role(user, *MONITORING_ROLES):
        reach |= Q(school__in=monitored_schools(user))
    cases = FollowUp.objects.filter(reach).select_related("school", "assigned_to", "closed_by")
    return get_object_or_404(cases, pk=pk)


def require_acting_for(user, school_id: int) -> None:
    """A change to a school's monitoring: 403 where the user only reads (require_acting
    asks whether they act anywhere; this asks about this school)."""
    if not acts_for_school(user, school_id):
        raise PermissionDenied


def may_update_case(user, case: FollowUp) -> bool:
    return (
        acts_for_school(user, case.school_id) or cases_assigned_to(user).filter(pk=case.pk).exists()
    )


def get_case_for_update(user, pk) -> FollowUp:
    """Directors and board staff update cases in reach, the assignee their own case; the
    privacy officer reads only (403)."""
    case = get_case_for_user(user, pk)
    if not may_update_case(user, case):
        raise PermissionDenied
    return case


def get_flag_for_user(user, pk) -> Flag:
    require_monitoring(user)
    flags = Flag.objects.filter(school__in=monitored_schools(user)).select_related(
        "followup", "school"
    )
    return get_object_or_404(flags, pk=pk)


def get_reply_for_user(user, pk) -> PublicReply:
    require_monitoring(user)
    replies = PublicReply.objects.filter(followup__school__in=monitored_schools(user))
    return get_object_or_404(replies.select_related("followup__school"), pk=pk)


def get_source_for_board(user, pk) -> Source:
    require_role(user, Role.BOARD)
    return get_object_or_404(Source, pk=pk)
