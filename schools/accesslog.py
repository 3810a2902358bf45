"""Who could reach pupil data, from when to when, for the privacy officer's AVG questions:
staff memberships begun and ended and the groups a teacher teaches given and ended (per
school), and parents linked to or unlinked from a pupil and given or losing gezag (per
pupil).

Written by every path that makes such a change, in the change's own transaction, with
who made it and how: the director's pages (schools.services), the management site
(schools.admin, accounts.admin), the pupil import (schools.importer) and the retention
task (schools.services.pupil_erase). Not by a model signal: a signal knows neither who
nor how, and the import writes in bulk past signals. Nothing was recorded before the
migration that made these tables, nor the groups taught before the one that added them;
`recorded_since` says from when.
"""

import datetime
import functools
from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q, QuerySet
from django.utils import timezone

from opo_portal.text import without_direction_controls
from schools.models import (
    GezagChange,
    Group,
    Guardianship,
    MembershipChange,
    School,
    StaffMembership,
)

# The migration that made the tables: nothing is recorded from before it was applied.
RECORDING_MIGRATION = ("schools", "0010_membershipchange_gezagchange")
# The groups teachers teach, given and ended, are recorded from this one's.
RECORDING_GROUPS_MIGRATION = ("schools", "0011_membershipchange_groups")

BATCH_SIZE = 500  # rows per insert, as the pupil import writes (one for a school's file)
GezagState = dict[tuple[int, int], bool]  # (pupil id, user id) -> holds gezag
Change = MembershipChange.Change


def _copied(name: str) -> str:
    """A name or an address as this history keeps it: without direction controls,
    whatever its source holds (a group may have kept one, migration 0014; an address stored
    before the forms refused one, migration 0016), as it would turn the line showing it
    around (opo_portal.text); every other character as it is."""
    return without_direction_controls(name)


def _by_name(by) -> str:
    if by is None:
        return ""
    name = _copied(by.full_name)
    return name if name.strip() else _copied(by.email)  # a name of controls only is no name


def _row(membership: StaffMembership, change: str, *, by, via, group: Group | None = None):
    school = membership.school if membership.school_id else None
    return MembershipChange(
        change=change,
        membership_id=membership.pk,
        user_id=membership.user_id,
        person_name=_copied(membership.user.full_name),
        person_email=_copied(membership.user.email),
        role=membership.role,
        school_id=membership.school_id,
        school_name=_copied(school.name) if school is not None else "",
        by=by,
        by_name=_by_name(by),
        via=via,
        group_id=group.pk if group is not None else None,
        group_name=_copied(group.name) if group is not None else "",
        school_year=group.school_year if group is not None else "",
    )


def memberships_record(memberships: Iterable[StaffMembership], change: str, *, by, via) -> None:
    """One row per membership `change`d (ADDED or ENDED), each as it is now (its user and
    school loaded: the admin's and the services' reads do). An ENDED membership's groups
    end with it: called before its deletion, one query reads them and each gets a row
    too, so a group's rows say from when to when its teacher taught it."""
    memberships = list(memberships)
    rows = []
    if change == MembershipChange.Change.ENDED and memberships:
        taught = _taught_groups([membership.pk for membership in memberships])
        for membership in memberships:
            for group in taught.get(membership.pk, []):
                rows.append(_row(membership, Change.GROUP_ENDED, by=by, via=via, group=group))
    rows += [_row(membership, change, by=by, via=via) for membership in memberships]
    MembershipChange.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _taught_groups(membership_ids: list[int]) -> dict[int, list[Group]]:
    links = (
        StaffMembership.groups.through.objects.filter(staffmembership_id__in=membership_ids)
        .select_related("group")
        .order_by("group__name", "group_id")
    )
    taught: dict[int, list[Group]] = {}
    for link in links:
        taught.setdefault(link.staffmembership_id, []).append(link.group)
    return taught


def membership_added(membership: StaffMembership, *, by, via, groups: Iterable[Group] = ()) -> None:
    """The membership begun, and the `groups` it was given as it began (one insert)."""
    rows = [_row(membership, Change.ADDED, by=by, via=via)]
    rows += [_row(membership, Change.GROUP_ADDED, by=by, via=via, group=g) for g in groups]
    MembershipChange.objects.bulk_create(rows)


def membership_ended(membership: StaffMembership, *, by, via) -> None:
    memberships_record([membership], Change.ENDED, by=by, via=via)


TeachingLink = tuple[StaffMembership, Group]


def teaching_changes_record(
    *, added: Iterable[TeachingLink] = (), ended: Iterable[TeachingLink] = (), by, via
) -> int:
    """One row per group a teacher membership was given (`added`) or lost (`ended`): the
    pupils a teacher reaches are those of their groups (schools.access). Memberships with
    their user and school loaded. One insert; returns the number of rows."""
    rows = [_row(m, Change.GROUP_ENDED, by=by, via=via, group=g) for m, g in ended]
    rows += [_row(m, Change.GROUP_ADDED, by=by, via=via, group=g) for m, g in added]
    if rows:
        MembershipChange.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def gezag_state(pupil_ids: Iterable[int]) -> GezagState:
    """The stored links of these pupils: (pupil id, user id) -> gezag. One query."""
    links = Guardianship.objects.filter(pupil_id__in=list(pupil_ids))
    rows = links.values_list("pupil_id", "user_id", "has_parental_authority")
    return {(pupil_id, user_id): gezag for pupil_id, user_id, gezag in rows}


def _change(old: bool | None, new: bool | None) -> str | None:
    Change = GezagChange.Change
    if old == new:
        return None
    if old is None:
        return Change.LINKED_GEZAG if new else Change.LINKED
    if new is None:
        return Change.UNLINKED_GEZAG if old else Change.UNLINKED
    return Change.GEZAG_GIVEN if new else Change.GEZAG_ENDED


def gezag_changes_record(
    before: GezagState, after: GezagState, *, by, via, people: Mapping[int, object] | None = None
) -> int:
    """One row per link that differs between `before` and `after` (gezag_state): linked,
    unlinked, gezag given or ended. `people`: user id -> user, those the caller has
    loaded already (else one query reads them). Returns the number of rows."""
    changes = [
        (key, change)
        for key in sorted(before.keys() | after.keys())
        if (change := _change(before.get(key), after.get(key))) is not None
    ]
    if not changes:
        return 0
    people = dict(people or {})
    missing = {user_id for (_pupil, user_id), _c in changes} - people.keys()
    if missing:
        people.update(get_user_model().objects.only("full_name", "email").in_bulk(missing))
    rows = []
    for (pupil_id, user_id), change in changes:
        person = people.get(user_id)
        rows.append(
            GezagChange(
                change=change,
                pupil_id=pupil_id,
                guardian_id=user_id,
                guardian_name=_copied(getattr(person, "full_name", "")),
                guardian_email=_copied(getattr(person, "email", "")),
                by=by,
                by_name=_by_name(by),
                via=via,
            )
        )
    GezagChange.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


# --- Reading -------------------------------------------------------------------------------


def membership_changes(school: School | None) -> QuerySet[MembershipChange]:
    """Every recorded membership change, newest first; for one `school` its own and those
    of the roles of every school (board staff, privacy officers), who reach it too."""
    changes = MembershipChange.objects.select_related("school").order_by("-at", "-id")
    if school is not None:
        changes = changes.filter(Q(school=school) | Q(school__isnull=True, school_name=""))
    return changes


def gezag_changes(pupil) -> QuerySet[GezagChange]:
    return GezagChange.objects.filter(pupil=pupil).order_by("-at", "-id")


@functools.cache
def recorded_since(migration: tuple[str, str] = RECORDING_MIGRATION) -> datetime.date | None:
    """The day recording began (the `migration` applied: RECORDING_GROUPS_MIGRATION for the
    groups teachers teach); None where it is not known. Read once per process: it never
    changes once applied."""
    app, name = migration
    applied = (
        MigrationRecorder.Migration.objects.filter(app=app, name=name)
        .values_list("applied", flat=True)
        .first()
    )
    return timezone.localdate(applied) if applied is not None else None
