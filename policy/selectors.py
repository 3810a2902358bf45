"""Read-only queries behind the confirmation pages; each runs a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from policy.models import Acknowledgement, ProtocolVersion
from schools.models import School, StaffMembership

SCHOOL_STAFF_ROLES = StaffMembership.SCHOOL_ROLES


@dataclass
class ConfirmationRow:
    name: str
    email: str
    confirmed_at: datetime | None
    roles: list[str] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


def _confirmed_at(version: ProtocolVersion, user_ref: str) -> Subquery:
    return Subquery(
        Acknowledgement.objects.filter(user=OuterRef(user_ref), version=version).values(
            "confirmed_at"
        )[:1]
    )


def staff_confirmations(*, school: School, version: ProtocolVersion) -> list[ConfirmationRow]:
    """Teachers and directors of the school, one row per person (one query)."""
    memberships = (
        StaffMembership.objects.filter(
            school=school, role__in=SCHOOL_STAFF_ROLES, user__is_active=True
        )
        .select_related("user")
        .annotate(confirmed_at=_confirmed_at(version, "user_id"))
        .order_by("user__full_name", "user__email", "role")
    )
    rows: dict[int, ConfirmationRow] = {}
    for membership in memberships:
        row = rows.get(membership.user_id)
        if row is None:
            user = membership.user
            row = rows[membership.user_id] = ConfirmationRow(
                name=user.get_full_name(), email=user.email, confirmed_at=membership.confirmed_at
            )
        row.roles.append(membership.get_role_display())
    return list(rows.values())


def parent_confirmations(*, school: School, version: ProtocolVersion) -> list[ConfirmationRow]:
    """Guardians of the school's current pupils (one query; no pupil names)."""
    parents = (
        User.objects.filter(
            is_active=True,
            guardianships__pupil__school=school,
            guardianships__pupil__left_on__isnull=True,
        )
        .distinct()
        .annotate(confirmed_at=_confirmed_at(version, "pk"))
        .order_by("full_name", "email")
    )
    return [
        ConfirmationRow(name=p.get_full_name(), email=p.email, confirmed_at=p.confirmed_at)
        for p in parents
    ]


def schools_with_confirmation_counts(
    schools: QuerySet[School], version: ProtocolVersion
) -> QuerySet[School]:
    """Annotate staff_total and staff_confirmed per school (one query for all schools).

    Two correlated counts per school over that school's memberships, each confirmation
    found through the (version, user) unique index: no pass over every user or every
    confirmation of the foundation, so the cost follows the schools listed.
    """
    staff = StaffMembership.objects.filter(
        school=OuterRef("pk"), role__in=SCHOOL_STAFF_ROLES, user__is_active=True
    )
    confirmed = Acknowledgement.objects.filter(version=version, user=OuterRef("user_id"))
    return schools.annotate(
        staff_total=_count_users(staff),
        staff_confirmed=_count_users(staff.filter(Exists(confirmed))),
    ).order_by("name")


def _count_users(memberships: QuerySet[StaffMembership]) -> Coalesce:
    counted = (
        memberships.order_by().values("school").annotate(n=Count("user", distinct=True)).values("n")
    )
    return Coalesce(Subquery(counted), 0)
