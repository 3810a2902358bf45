"""Pupil import: a CSV export of the pupil register into one school, all or nothing.

The steps: decode the bytes (`read_text`) and read and check every row
(`parse_pupil_file`), both in `schools.importfile`; then compare the rows with the database
(read-only) and write the differences in bulk inside one transaction (`pupils_import`).
A dry run stops before writing. Any bad row stops the whole file: nothing is written and
every problem is reported as "rij N: reason".

The work is done in a fixed number of queries, whatever the number of rows: existing
groups, pupils, users and guardianships are fetched once and changes are written with
bulk_create / bulk_update.

Pupil names never go to the log; the log line has the school code and the counts.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from schools import accesslog
from schools.importfile import (
    COLUMNS,
    REQUIRED_COLUMNS,
    GuardianRow,
    NotTextError,
    PupilRow,
    WorkbookTooLargeError,
    bad_row,
    parse_pupil_file,
    read_text,
    too_large_file,
    too_large_workbook,
)
from schools.models import Group, Guardianship, Pupil, School, StaffMembership, Via
from schools.pupilnumbers import numbers_without_zeros, renumbered_warning
from schools.signals import gezag_changed, guardians_linked, pupils_written_in_bulk

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "NotTextError",
    "WorkbookTooLargeError",
    "parse_pupil_file",
    "pupils_import",
    "read_text",
    "school_year_for",
    "too_large_file",
    "too_large_workbook",
]


# A list for next school year is offered in the last two months of a school year: schools
# make next year's groups in June and July (README "Pupil import"), and directors link
# teachers to them then (schools.staffing.staffing_years).
NEXT_YEAR_MONTHS = (6, 7)


def school_year_for(day: datetime.date, *, next_year: bool = False) -> str:
    """The school year a day falls in; a new year starts on 1 August ("2026-2027").
    `next_year`: the one after it (a list for next year, imported in July)."""
    start = (day.year if day.month >= 8 else day.year - 1) + (1 if next_year else 0)
    return f"{start}-{start + 1}"


@dataclass
class ImportReport:
    """What an import did, or (dry run, or errors) would have done."""

    school_code: str
    school_name: str
    school_year: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    returned: int = 0
    groups_created: int = 0
    guardians_created: int = 0
    guardianships_created: int = 0
    guardianships_updated: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # (number in the file, number in the portal) of pupils matched without leading zeros
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> list[tuple[str, int]]:
        """(label, number) pairs for the command output and the page."""
        return [
            (_("Rows read"), self.rows),
            (_("Pupils created"), self.created),
            (_("Pupils updated"), self.updated),
            (_("Pupils returned after leaving"), self.returned),
            (_("Pupils unchanged"), self.unchanged),
            (_("Pupils marked as left"), self.left),
            (_("Groups created"), self.groups_created),
            (_("Parent accounts created"), self.guardians_created),
            (_("Parent links created"), self.guardianships_created),
            (_("Parent links updated (gezag)"), self.guardianships_updated),
        ]


@dataclass
class _Plan:
    """The differences between the file and the database, ready to be written."""

    new_groups: dict[str, Group] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    new_pupils: list[Pupil] = field(default_factory=list)
    changed_pupils: list[Pupil] = field(default_factory=list)
    pupil_groups: dict[str, str] = field(default_factory=dict)
    leaving_ids: list[int] = field(default_factory=list)
    new_users: dict[str, User] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    new_links: list[tuple[str, str, bool]] = field(default_factory=list)
    changed_links: list[Guardianship] = field(default_factory=list)
    pupils: dict[str, Pupil] = field(default_factory=dict)
    current: int = 0  # the school's pupils who had not left before this import
    first_of_year: bool = False  # the school had no group of this school year yet
    left_on: datetime.date | None = None  # the day the pupils missing from the file left


def _plan_groups(plan: _Plan, school: School, school_year: str, rows: list[PupilRow]) -> None:
    existing = Group.objects.filter(school=school, school_year=school_year)
    plan.groups = {group.name.casefold(): group for group in existing}
    plan.first_of_year = not plan.groups
    for row in rows:
        key = row.group_name.casefold()
        if key not in plan.groups:
            group = Group(school=school, school_year=school_year, name=row.group_name)
            plan.groups[key] = plan.new_groups[key] = group


def _plan_pupils(plan: _Plan, school: School, rows: list[PupilRow], report: ImportReport) -> None:
    plan.pupils = {pupil.leerlingnummer: pupil for pupil in Pupil.objects.filter(school=school)}
    plan.current = sum(1 for pupil in plan.pupils.values() if pupil.left_on is None)
    matches = numbers_without_zeros(plan.pupils, rows)
    if matches.errors:
        report.errors.extend(matches.errors)
        return
    for file_number, number in matches.renumbered:
        plan.pupils[file_number] = plan.pupils.pop(number)
    report.renumbered = matches.renumbered
    in_file = set()
    for row in rows:
        in_file.add(row.leerlingnummer)
        group = plan.groups[row.group_name.casefold()]
        wanted = {
            "first_name": row.first_name,
            "name_prefix": row.name_prefix,
            "last_name": row.last_name,
            "birth_date": row.birth_date,
            "left_on": None,
        }
        pupil = plan.pupils.get(row.leerlingnummer)
        if pupil is None:
            pupil = Pupil(school=school, leerlingnummer=row.leerlingnummer, **wanted)
            plan.pupils[row.leerlingnummer] = pupil
            plan.new_pupils.append(pupil)
            plan.pupil_groups[row.leerlingnummer] = group.name.casefold()
            continue
        same_group = group.pk is not None and pupil.group_id == group.pk
        changed = {name for name, value in wanted.items() if getattr(pupil, name) != value}
        if not changed and same_group:
            report.unchanged += 1
            continue
        if "left_on" in changed:
            report.returned += 1
        for name, value in wanted.items():
            setattr(pupil, name, value)
        plan.pupil_groups[row.leerlingnummer] = group.name.casefold()
        plan.changed_pupils.append(pupil)
    plan.leaving_ids = [
        pupil.pk
        for number, pupil in plan.pupils.items()
        if pupil.pk and pupil.left_on is None and number not in in_file
    ]


def _left_last_year(plan: _Plan, report: ImportReport, left_on: datetime.date) -> str:
    count = len(plan.leaving_ids)
    message = ngettext(
        "This is the first import of school year %(year)s: the %(count)d pupil who is not "
        "in the file is marked as left on %(day)s, the last day of the previous school year.",
        "This is the first import of school year %(year)s: the %(count)d pupils who are not "
        "in the file are marked as left on %(day)s, the last day of the previous school year.",
        count,
    )
    day = date_format(left_on, "j F Y")
    return message % {"year": report.school_year, "count": count, "day": day}


# Below this many pupils (a new school) any share may leave without a question.
MOST_LEAVING_FROM = 10


def _most_would_leave(plan: _Plan) -> bool:
    """More than half of the school's pupils missing from the file: a yearly export loses
    one year group, not most of the school; another school's file loses all of them."""
    return plan.current >= MOST_LEAVING_FROM and 2 * len(plan.leaving_ids) > plan.current


def _most_leaving(school: School, plan: _Plan) -> str:
    return _(
        "%(left)s of the %(current)s pupils of %(school)s are not in this file and would be "
        "marked as left. Is this the export of another school? If the file is right (for "
        "example after new pupil numbers), choose to import it anyway."
    ) % {"left": len(plan.leaving_ids), "current": plan.current, "school": school.name}


def _has_membership(user_field: str) -> Exists:
    return Exists(StaffMembership.objects.filter(user=OuterRef(user_field)))


def _staff_as_parent(row: PupilRow, guardian: GuardianRow) -> str:
    """A staff member can be a parent at the school too (DESIGN: a person can hold several
    roles), so the link is made; but a colleague's address typed into a parent column
    would let them answer for a child that is not theirs, so the report says so."""
    return bad_row(
        row.row,
        _(
            "%(field)s is the address of a staff member's account. It is linked as a parent "
            "of this pupil as well, so that account can give or refuse consent for the pupil. "
            "If that is a mistake, correct the address in the file before you import it."
        )
        % {"field": f"{guardian.column_prefix}_email"},
    )


def _admin_as_parent(row: PupilRow, guardian: GuardianRow) -> str:
    """An account with admin access and no school role (the IT partner's) is linked as a
    parent as a staff member's is, and said so for the same reason."""
    return bad_row(
        row.row,
        _(
            "%(field)s is the address of an account with access to the admin (the portal's "
            "management) that has no role at a school. It is linked as a parent of this pupil "
            "as well, so that account can give or refuse consent for the pupil. If that is a "
            "mistake, correct the address in the file before you import it."
        )
        % {"field": f"{guardian.column_prefix}_email"},
    )


def _deactivated_as_parent(row: PupilRow, guardian: GuardianRow) -> str:
    """A deactivated account is linked (the board may activate it again), but it cannot log
    in and the outbox sends it nothing: the school should know this parent is not reached."""
    return bad_row(
        row.row,
        _(
            "%(field)s is the address of a deactivated account. It is linked as a parent of "
            "this pupil, but that account cannot log in and gets no e-mails, so this parent "
            "cannot give consent in the portal. Ask the board to activate the account again, "
            "or ask this parent for consent on paper."
        )
        % {"field": f"{guardian.column_prefix}_email"},
    )


def _linked_deactivated(row: PupilRow, guardian: GuardianRow) -> str:
    """A link made before to an account deactivated since (or linked while deactivated):
    said at every import of the row, since the school relies on this parent's consent."""
    return bad_row(
        row.row,
        _(
            "%(field)s is the address of a deactivated account that is linked as a parent of "
            "this pupil already. That account cannot log in and gets no e-mails, so this "
            "parent cannot give consent in the portal. Ask the board to activate the account "
            "again, or ask this parent for consent on paper."
        )
        % {"field": f"{guardian.column_prefix}_email"},
    )


def _new_link_warnings(row: PupilRow, guardian: GuardianRow, user: User) -> list[str]:
    """What the report says of a new parent link to an existing account, from the account's
    row as read (no query): a staff member's, else one with admin access; deactivated."""
    warnings = []
    if getattr(user, "is_staff_member", False):
        warnings.append(_staff_as_parent(row, guardian))
    elif user.is_staff or user.is_superuser:
        warnings.append(_admin_as_parent(row, guardian))
    if not user.is_active:
        warnings.append(_deactivated_as_parent(row, guardian))
    return warnings


def _plan_guardians(
    plan: _Plan, school: School, rows: list[PupilRow], report: ImportReport
) -> None:
    emails = {guardian.email for row in rows for guardian in row.guardians}
    found = User.objects.annotate(
        email_lower=Lower("email"), is_staff_member=_has_membership("pk")
    ).filter(email_lower__in=emails)
    plan.users = {user.email.lower(): user for user in found}
    plan.users.update(_confirmed_owners(emails - plan.users.keys()))
    links = {
        (link.user_id, link.pupil_id): link
        for link in Guardianship.objects.filter(pupil__school=school)
    }
    for row in rows:
        pupil = plan.pupils[row.leerlingnummer]
        if _one_account_twice(plan, row):
            report.errors.append(_one_account_twice_error(row))
            continue
        for guardian in row.guardians:
            user = plan.users.get(guardian.email)
            if user is None:
                user = User(email=guardian.email, full_name=guardian.name)
                plan.users[guardian.email] = plan.new_users[guardian.email] = user
            link = links.get((user.pk, pupil.pk)) if user.pk and pupil.pk else None
            if link is None:
                plan.new_links.append(
                    (guardian.email, row.leerlingnummer, guardian.has_parental_authority)
                )
                if user.pk:
                    report.warnings.extend(_new_link_warnings(row, guardian, user))
                continue
            # the account as read with the others (no query more); admin access is said
            # of a new link only, when the school can still correct the address
            if not user.is_active:
                report.warnings.append(_linked_deactivated(row, guardian))
            if link.has_parental_authority != guardian.has_parental_authority:
                link.has_parental_authority = guardian.has_parental_authority
                plan.changed_links.append(link)


def _one_account_twice(plan: _Plan, row: PupilRow) -> bool:
    """Both parent columns name one account: its main address and another address it
    confirmed (a parent who changed their address on "Mijn account", the old one still in
    a column of the school's export). One person is one guardian of the pupil."""
    ids = [getattr(plan.users.get(guardian.email), "pk", None) for guardian in row.guardians]
    return len(ids) == 2 and ids[0] is not None and ids[0] == ids[1]


def _one_account_twice_error(row: PupilRow) -> str:
    return bad_row(
        row.row,
        _(
            "ouder1_email and ouder2_email are two addresses of the same parent's account. "
            "Put one address of that parent in the file, and the other parent's address "
            "(or nothing) in the second column."
        ),
    )


def _confirmed_owners(emails: set[str]) -> dict[str, User]:
    """The accounts that confirmed these addresses without having them as their main one: a
    parent who made another address their main one on "Mijn account" keeps the old one,
    which the school's export still has. Only a confirmed address counts: anyone can add
    an address to their account, and would otherwise be linked to another parent's child."""
    if not emails:
        return {}
    addresses = (
        EmailAddress.objects.annotate(
            email_lower=Lower("email"), is_staff_member=_has_membership("user_id")
        )
        .filter(email_lower__in=emails, verified=True)
        .select_related("user")
    )
    owners = {}
    for address in addresses:
        address.user.is_staff_member = address.is_staff_member
        owners[address.email.lower()] = address.user
    return owners


def _unusable_password() -> str:
    # What User.set_unusable_password() stores, with one urandom call instead of forty
    # random.choice calls: that took most of the time of a 5,000-row import.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def leaving_day(plan: _Plan, school_year: str, today: datetime.date) -> datetime.date:
    """The day the pupils missing from the file left: today, except in the school's first
    import of a school year (no group of that year yet), whose missing pupils were in
    none of its lists: they left at the end of the previous school year (31 July), or
    today when that is still to come (next year's list, imported in July). Dated on the
    import's day, the leavers of groep 8 imported in September kept a whole school year
    longer before erasure (schools.services.erase_after)."""
    if plan.first_of_year:
        return min(today, datetime.date(int(school_year[:4]), 7, 31))
    return today


def _apply(plan: _Plan, today: datetime.date, by=None) -> None:
    # links of a parent and a pupil who existed before: the parent may have answered for
    # the pupil under an earlier link, and those answers count again
    relinked = [
        (email, number)
        for email, number, authority in plan.new_links
        if authority and email not in plan.new_users and plan.pupils[number].pk is not None
    ]
    Group.objects.bulk_create(plan.new_groups.values(), batch_size=BATCH_SIZE)
    for number, group_key in plan.pupil_groups.items():
        plan.pupils[number].group = plan.groups[group_key]
    Pupil.objects.bulk_create(plan.new_pupils, batch_size=BATCH_SIZE)
    Pupil.objects.bulk_update(
        plan.changed_pupils,
        ["first_name", "name_prefix", "last_name", "birth_date", "group", "left_on"],
        batch_size=BATCH_SIZE,
    )
    if plan.leaving_ids:
        Pupil.objects.filter(pk__in=plan.leaving_ids).update(left_on=plan.left_on)
    if plan.new_users:
        for user in plan.new_users.values():
            user.password = _unusable_password()
        # ignore_conflicts: another school's import may create the same parent meanwhile;
        # it also means no ids come back, so they are read afterwards.
        User.objects.bulk_create(
            plan.new_users.values(), batch_size=BATCH_SIZE, ignore_conflicts=True
        )
        created = User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=plan.new_users.keys()
        )
        for email, pk in created.values_list("email_lower", "pk"):
            plan.users[email].pk = pk
        # Unverified until the parent first logs in by e-mailed code, which verifies it.
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=False, primary=True)
                for user in plan.new_users.values()
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
    Guardianship.objects.bulk_create(
        [
            Guardianship(
                user=plan.users[email],
                pupil=plan.pupils[number],
                has_parental_authority=authority,
            )
            for email, number, authority in plan.new_links
        ],
        batch_size=BATCH_SIZE,
    )
    Guardianship.objects.bulk_update(
        plan.changed_links, ["has_parental_authority"], batch_size=BATCH_SIZE
    )
    if plan.new_links:
        user_ids = {plan.users[email].pk for email, _number, _authority in plan.new_links}
        guardians_linked.send(sender=Guardianship, user_ids=user_ids)
    _record_gezag_changes(plan, by)
    _send_gezag_changed(plan, relinked)


def _record_gezag_changes(plan: _Plan, by) -> None:
    """The links made and the gezag changed, for the privacy officer (schools.accesslog);
    an import removes no link. The parents are those of the file (plan.users): no query
    but the one write."""
    before: accesslog.GezagState = {}
    after: accesslog.GezagState = {}
    for email, number, authority in plan.new_links:
        after[plan.pupils[number].pk, plan.users[email].pk] = authority
    for link in plan.changed_links:
        before[link.pupil_id, link.user_id] = not link.has_parental_authority
        after[link.pupil_id, link.user_id] = link.has_parental_authority
    people = {user.pk: user for user in plan.users.values()}
    accesslog.gezag_changes_record(before, after, by=by, via=Via.IMPORT, people=people)


def _send_gezag_changed(plan: _Plan, relinked: list[tuple[str, str]]) -> None:
    lost: dict[int, set[int]] = {}
    gained: dict[int, set[int]] = {}
    for link in plan.changed_links:
        changed = gained if link.has_parental_authority else lost
        changed.setdefault(link.pupil_id, set()).add(link.user_id)
    for email, number in relinked:
        gained.setdefault(plan.pupils[number].pk, set()).add(plan.users[email].pk)
    if lost or gained:
        gezag_changed.send(sender=Guardianship, lost=lost, gained=gained)


def _refused(school: School, report: ImportReport) -> ImportReport:
    logger.info("pupil import refused: school=%s errors=%d", school.code, len(report.errors))
    return report


def pupils_import(
    *,
    school: School,
    text: str,
    dry_run: bool = False,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    allow_most_leaving: bool = False,
    next_school_year: bool = False,
    by=None,
) -> ImportReport:
    """Import a decoded CSV file into `school`: everything, or (on any error) nothing.

    A file that would mark more than half of the school's pupils as left (another school's
    export, chosen by mistake) is refused unless `allow_most_leaving`; a dry run warns.

    Groups are those of the current school year (`next_school_year`: of the next one, a
    list for next year imported in June or July), created when missing. Pupils are matched
    on leerlingnummer; pupils of the school missing from the file are marked as left
    today (in the school's first import of a school year: on 31 July, leaving_day).
    Parents become users without a usable password (they log in by e-mailed code);
    their links are added or their gezag updated, never removed by an import. Who ran it
    (`by`, None on the command line) is recorded with the changes of links and gezag.
    """
    today = today or timezone.localdate()
    report = ImportReport(
        school_code=school.code,
        school_name=school.name,
        school_year=school_year_for(today, next_year=next_school_year),
        dry_run=dry_run,
    )
    parsed = parse_pupil_file(text, today=today, progress=progress)
    report.rows = parsed.total
    report.errors = parsed.errors
    report.warnings = parsed.warnings
    report.ignored_columns = parsed.ignored_columns
    if parsed.errors:
        return _refused(school, report)
    with transaction.atomic():
        if not dry_run:
            # Two imports into one school at once would race on the same pupils.
            School.objects.select_for_update().get(pk=school.pk)
        plan = _Plan()
        _plan_groups(plan, school, report.school_year, parsed.rows)
        _plan_pupils(plan, school, parsed.rows, report)
        if report.errors:
            return _refused(school, report)
        if report.renumbered:
            report.warnings.append(renumbered_warning(report.renumbered))
        if _most_would_leave(plan) and not allow_most_leaving:
            (report.warnings if dry_run else report.errors).append(_most_leaving(school, plan))
            if not dry_run:
                logger.info("pupil import refused: school=%s most pupils would leave", school.code)
                return report
        _plan_guardians(plan, school, parsed.rows, report)
        if report.errors:
            return _refused(school, report)
        plan.left_on = left_on = leaving_day(plan, report.school_year, today)
        if plan.leaving_ids and left_on != today:
            report.warnings.append(_left_last_year(plan, report, left_on))
        report.created = len(plan.new_pupils)
        report.updated = len(plan.changed_pupils)
        report.left = len(plan.leaving_ids)
        report.groups_created = len(plan.new_groups)
        report.guardians_created = len(plan.new_users)
        report.guardianships_created = len(plan.new_links)
        report.guardianships_updated = len(plan.changed_links)
        if not dry_run:
            _apply(plan, today, by)
            pupils_written_in_bulk.send(sender=Pupil, school_ids=[school.pk])
            report.applied = True
    logger.info(
        "pupil import: school=%s dry_run=%s rows=%d created=%d updated=%d unchanged=%d "
        "left=%d guardians_created=%d",
        school.code,
        dry_run,
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
        report.left,
        report.guardians_created,
    )
    return report
