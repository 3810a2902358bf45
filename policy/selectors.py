"""Read-only queries behind the confirmation pages; each runs a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Subquery

from accounts.models import User
from opo_portal import sql
from policy.models import Acknowledgement, ProtocolVersion
from schools.models import School, StaffMembership

SCHOOL_STAFF_ROLES = StaffMembership.SCHOOL_ROLES
FOUNDATION_STAFF_ROLES = (StaffMembership.Role.BOARD, StaffMembership.Role.PRIVACY_OFFICER)


@dataclass
class ConfirmationRow:
    """A person's confirmation of the current version (`confirmed_at`), and the version
    they last read and confirmed themselves (`read_number`, `read_at`): a correction keeps
    an earlier confirmation (`carried_from`), and a new version asks again."""

    name: str
    email: str
    confirmed_at: datetime | None
    read_number: int | None = None
    read_at: datetime | None = None
    version_number: int | None = None
    roles: list[str] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def read_version(self) -> int | None:
        """The number of an earlier version they read, when not the current one itself."""
        return self.read_number if self.read_number != self.version_number else None


def _confirmed_at(version: ProtocolVersion, user_ref: str) -> Subquery:
    return Subquery(
        Acknowledgement.objects.filter(user=OuterRef(user_ref), version=version).values(
            "confirmed_at"
        )[:1]
    )


def _last_read(user_ref: str, column: str) -> Subquery:
    """`column` of the user's latest confirmation of a version they read themselves (not one
    a correction kept): only the current version can be confirmed, so the highest number."""
    read = Acknowledgement.objects.filter(user=OuterRef(user_ref), carried_from__isnull=True)
    return Subquery(read.order_by("-version__number").values(column)[:1])


def _with_reading(queryset, version: ProtocolVersion, user_ref: str):
    return queryset.annotate(
        confirmed_at=_confirmed_at(version, user_ref),
        read_number=_last_read(user_ref, "version__number"),
        read_at=_last_read(user_ref, "confirmed_at"),
    )


def _row(user, annotated, version: ProtocolVersion) -> ConfirmationRow:
    return ConfirmationRow(
        name=user.get_full_name(),
        email=user.email,
        confirmed_at=annotated.confirmed_at,
        read_number=annotated.read_number,
        read_at=annotated.read_at,
        version_number=version.number,
    )


def staff_confirmations(*, school: School, version: ProtocolVersion) -> list[ConfirmationRow]:
    """Teachers and directors of the school, one row per person (one query)."""
    return _membership_rows(
        StaffMembership.objects.filter(school=school, role__in=SCHOOL_STAFF_ROLES), version
    )


def foundation_staff_confirmations(*, version: ProtocolVersion) -> list[ConfirmationRow]:
    """Board staff and privacy officers, who belong to no school's list (one query)."""
    return _rows_of(foundation_staff_query(version), version)


def foundation_staff_query(version: ProtocolVersion):
    """The board's and privacy officers' memberships with their confirmation: read from
    their partial index (`membership_foundation_staff`), not from every membership of the
    foundation (a sequential read of 60,000 at national size, 4–7 ms of the board's
    confirmations page; bench/PASSES.md)."""
    return _membership_query(
        StaffMembership.objects.filter(role__in=FOUNDATION_STAFF_ROLES), version
    )


def _membership_query(memberships, version: ProtocolVersion):
    active = memberships.filter(user__is_active=True).select_related("user")
    return _with_reading(active, version, "user_id").order_by(
        "user__full_name", "user__email", "role"
    )


def _membership_rows(memberships, version: ProtocolVersion) -> list[ConfirmationRow]:
    """One row per active person of `memberships`, their roles together."""
    return _rows_of(_membership_query(memberships, version), version)


def _rows_of(memberships, version: ProtocolVersion) -> list[ConfirmationRow]:
    """_membership_query's rows, one per person with their roles together."""
    rows: dict[int, ConfirmationRow] = {}
    for membership in memberships:
        row = rows.get(membership.user_id)
        if row is None:
            row = rows[membership.user_id] = _row(membership.user, membership, version)
        row.roles.append(membership.get_role_display())
    return list(rows.values())


def parent_confirmations(*, school: School, version: ProtocolVersion) -> list[ConfirmationRow]:
    """Guardians of the school's current pupils (one query; no pupil names)."""
    parents = User.objects.filter(
        is_active=True,
        guardianships__pupil__school=school,
        guardianships__pupil__left_on__isnull=True,
    ).distinct()
    parents = _with_reading(parents, version, "pk").order_by("full_name", "email")
    return [_row(parent, parent, version) for parent in parents]


# Per school, its active teachers and directors and how many of them confirmed a version:
# per listed school (a loop over the ids, so the plan stays an index lookup per school
# whatever PostgreSQL estimates for a list of ids) its memberships, each confirmation
# looked up in the (version, user) unique index (as a join, small foundations got a
# read of every confirmation per school). Written out and prepared: as two
# correlated subqueries through the ORM, PostgreSQL spent more CPU planning the board's
# page than running it, and building them cost the page ~1 ms of Python (issue 17).
# "Active" is asked as "not deactivated", in the small partial index of deactivated
# accounts (accounts.User, inactive_user): joining each member's row through the primary
# key was 40 % of the query (1.42 → 0.98 ms for 50 schools at the bench's large size).
CONFIRMATION_COUNTS_SQL = sql.prepared(
    "SELECT s.id, c.total, c.done FROM unnest(%s::bigint[]) AS s(id), LATERAL ("
    " SELECT COUNT(DISTINCT m.user_id) AS total, COUNT(DISTINCT m.user_id) FILTER (WHERE"
    " EXISTS (SELECT 1 FROM policy_acknowledgement a"
    " WHERE a.user_id = m.user_id AND a.version_id = %s)) AS done"
    " FROM schools_staffmembership m"
    " WHERE m.school_id = s.id AND m.role = ANY(%s) AND NOT EXISTS (SELECT 1"
    " FROM accounts_user u WHERE u.id = m.user_id AND NOT u.is_active)) c"
    " WHERE c.total > 0"
)


def confirmation_counts(school_ids, version: ProtocolVersion) -> dict[int, tuple[int, int]]:
    """school id -> (staff, staff who confirmed `version`) for these schools; a school
    without active staff is left out. One query, whatever the size of the foundation."""
    params = [list(school_ids), version.pk, list(SCHOOL_STAFF_ROLES)]
    found = sql.rows(CONFIRMATION_COUNTS_SQL, params, confirmation_count_rows_orm)
    return {school: (total, done) for school, total, done in found}


class SchoolConfirmations(NamedTuple):
    pk: int
    code: str
    name: str
    staff_confirmed: int
    staff_total: int


def with_confirmation_counts(schools, version: ProtocolVersion) -> list[SchoolConfirmations]:
    """A row per school of `schools` ((id, code, name) tuples) with its counts. One query."""
    schools = list(schools)
    counts = confirmation_counts([school_id for school_id, _code, _name in schools], version)
    rows = []
    for school_id, code, name in schools:
        total, done = counts.get(school_id, (0, 0))
        rows.append(SchoolConfirmations(school_id, code, name, done, total))
    return rows


def confirmation_count_rows_orm(school_ids, version_id: int, roles) -> list[tuple[int, int, int]]:
    """CONFIRMATION_COUNTS_SQL's rows through the ORM (SQLite; the tests compare them)."""
    confirmed = Acknowledgement.objects.filter(version_id=version_id, user=OuterRef("user_id"))
    counted = (
        StaffMembership.objects.filter(
            school_id__in=school_ids, role__in=roles, user__is_active=True
        )
        .order_by()
        .values("school")
        .annotate(
            total=Count("user", distinct=True),
            done=Count("user", distinct=True, filter=Exists(confirmed)),
        )
    )
    return [(row["school"], row["total"], row["done"]) for row in counted]
