"""Who reaches which monitoring object, built on schools.access. Out of reach is a 404.

Directors see their own school; board staff and the privacy officer see every school.
The privacy officer audits: read-only (403 on changes). Teachers have no monitoring pages
except the manual report form.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from monitoring.models import Flag, FollowUp, PublicReply, Source, WatchTerm
from schools.access import has_role, require_role, schools_for_staff, sees_all_schools
from schools.models import School, StaffMembership

Role = StaffMembership.Role
MONITORING_ROLES = (Role.DIRECTOR, Role.BOARD, Role.PRIVACY_OFFICER)
ACTING_ROLES = (Role.DIRECTOR, Role.BOARD)
REPORTING_ROLES = (Role.TEACHER, Role.DIRECTOR, Role.BOARD)


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
    """The ids of monitored_schools, or None for every school (no filter: index-friendly)."""
    if sees_all_schools(user):
        return None
    return list(monitored_schools(user).values_list("id", flat=True))


def in_monitored_schools(queryset: QuerySet, user, field: str = "school_id") -> QuerySet:
    ids = monitored_school_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def reporting_schools(user) -> QuerySet[School]:
    return schools_for_staff(user, *REPORTING_ROLES)


def get_monitored_school(user, code: str) -> School:
    require_monitoring(user)
    return get_object_or_404(monitored_schools(user), code=code)


def get_case_for_user(user, pk) -> FollowUp:
    require_monitoring(user)
    cases = FollowUp.objects.filter(school__in=monitored_schools(user)).select_related("school")
    return get_object_or_404(cases, pk=pk)


def get_flag_for_user(user, pk) -> Flag:
    require_monitoring(user)
    flags = Flag.objects.filter(school__in=monitored_schools(user)).select_related("followup")
    return get_object_or_404(flags, pk=pk)


def get_reply_for_user(user, pk) -> PublicReply:
    require_monitoring(user)
    replies = PublicReply.objects.filter(followup__school__in=monitored_schools(user))
    return get_object_or_404(replies.select_related("followup__school"), pk=pk)


def get_source_for_board(user, pk) -> Source:
    require_role(user, Role.BOARD)
    return get_object_or_404(Source, pk=pk)


def get_watch_term_for_board(user, pk) -> WatchTerm:
    require_role(user, Role.BOARD)
    return get_object_or_404(WatchTerm, pk=pk)
