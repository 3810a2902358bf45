"""Pupil import: a CSV export of the pupil register into one school, all or nothing.

The steps: decode the bytes (`read_text`), read and check every row (`parse_pupil_file`),
compare the rows with the database (read-only), then write the differences in bulk inside
one transaction (`pupils_import`). A dry run stops before writing. Any bad row stops the
whole file: nothing is written and every problem is reported as "rij N: reason", N being
the row number a spreadsheet shows (the header is row 1).

The work is done in a fixed number of queries, whatever the number of rows: existing
groups, pupils, users and guardianships are fetched once and changes are written with
bulk_create / bulk_update.

Pupil names never go to the log; the log line has the school code and the counts.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from schools.models import Group, Guardianship, Pupil, School

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("leerlingnummer", "voornaam", "achternaam", "geboortedatum", "groep")
OPTIONAL_COLUMNS = (
    "tussenvoegsel",
    "ouder1_naam",
    "ouder1_email",
    "ouder1_gezag",
    "ouder2_naam",
    "ouder2_email",
    "ouder2_gezag",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
GUARDIAN_PREFIXES = ("ouder1", "ouder2")
MAX_LENGTHS = {
    "leerlingnummer": Pupil._meta.get_field("leerlingnummer").max_length,
    "voornaam": Pupil._meta.get_field("first_name").max_length,
    "tussenvoegsel": Pupil._meta.get_field("name_prefix").max_length,
    "achternaam": Pupil._meta.get_field("last_name").max_length,
    "groep": Group._meta.get_field("name").max_length,
    "ouder1_naam": User._meta.get_field("full_name").max_length,
    "ouder2_naam": User._meta.get_field("full_name").max_length,
    "ouder1_email": User._meta.get_field("email").max_length,
    "ouder2_email": User._meta.get_field("email").max_length,
}
PROGRESS_EVERY = 500
BATCH_SIZE = 500

_DAY_FIRST = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GEZAG = {"ja": True, "nee": False}
# Control characters other than tab, newline and carriage return do not occur in text.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotTextError(ValueError):
    """The bytes are not a text file in UTF-8 or Windows-1252."""


def read_text(data: bytes) -> str:
    """Decode an uploaded file: UTF-8 with or without BOM, else Windows-1252."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise NotTextError from error
    if _BINARY.search(text):
        raise NotTextError
    return text


def school_year_for(day: datetime.date) -> str:
    """The school year a day falls in; a new year starts on 1 August ("2026-2027")."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


@dataclass(frozen=True)
class GuardianRow:
    email: str
    name: str
    has_parental_authority: bool


@dataclass(frozen=True)
class PupilRow:
    row: int
    leerlingnummer: str
    first_name: str
    name_prefix: str
    last_name: str
    birth_date: datetime.date
    group_name: str
    guardians: tuple[GuardianRow, ...]


@dataclass
class ParsedFile:
    total: int = 0
    rows: list[PupilRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did, or (dry run, or errors) would have done."""

    school_code: str
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


def _bad(row: int, reason: str) -> str:
    # "rij N" is the format schools know from the issue and their spreadsheets; the
    # reason is a whole translated sentence naming the column.
    return f"rij {row}: {reason}"


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


_HEADER_KEYS = {_normalise_header(column): column for column in COLUMNS}


def _clean(cell: str) -> str:
    return unicodedata.normalize("NFC", cell).strip()


def _detect_delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _parse_date(value: str) -> datetime.date | None:
    match = _DAY_FIRST.fullmatch(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _YEAR_FIRST.fullmatch(value)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _read_header(number: int, cells: list[str], parsed: ParsedFile) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _clean(cell)
        column = _HEADER_KEYS.get(_normalise_header(name))
        if column is None:
            if name:
                parsed.ignored_columns.append(name)
        elif column in columns:
            parsed.errors.append(
                _bad(number, _("column %(field)s appears twice") % {"field": column})
            )
        else:
            columns[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            parsed.errors.append(_bad(number, _("column %(field)s is missing") % {"field": column}))
    return columns


def _read_guardian(
    number: int, prefix: str, values: dict[str, str], errors: list[str], warnings: list[str]
) -> GuardianRow | None:
    name = values[f"{prefix}_naam"]
    email = values[f"{prefix}_email"].lower()
    gezag = values[f"{prefix}_gezag"].casefold()
    ok = True
    if gezag and gezag not in _GEZAG:
        field_name = f"{prefix}_gezag"
        errors.append(
            _bad(
                number,
                _("%(field)s “%(value)s” must be ja or nee")
                % {"field": field_name, "value": values[field_name]},
            )
        )
        ok = False
    if not email:
        if name or gezag:
            warnings.append(
                _bad(
                    number,
                    _("%(field)s is empty, so this parent gets no account")
                    % {"field": f"{prefix}_email"},
                )
            )
        return None
    try:
        validate_email(email)
    except ValidationError:
        errors.append(
            _bad(
                number,
                _("%(field)s “%(value)s” is not a valid e-mail address")
                % {"field": f"{prefix}_email", "value": values[f"{prefix}_email"]},
            )
        )
        ok = False
    if not gezag:
        errors.append(
            _bad(
                number,
                _("%(field)s is empty; fill in ja or nee for a parent with an e-mail address")
                % {"field": f"{prefix}_gezag"},
            )
        )
        ok = False
    if not ok:
        return None
    return GuardianRow(email=email, name=name, has_parental_authority=_GEZAG[gezag])


def _read_row(
    number: int,
    cells: list[str],
    columns: dict[str, int],
    header_width: int,
    seen: dict[str, int],
    today: datetime.date,
    parsed: ParsedFile,
) -> PupilRow | None:
    """One data row, or None after adding its problems to parsed.errors."""
    errors: list[str] = []
    values = {
        column: _clean(cells[columns[column]])
        if column in columns and columns[column] < len(cells)
        else ""
        for column in COLUMNS
    }
    if any(cell.strip() for cell in cells[header_width:]):
        errors.append(_bad(number, _("the row has more values than the header has columns")))
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            errors.append(_bad(number, _("%(field)s is empty") % {"field": column}))
    number_of_pupil = values["leerlingnummer"]
    if number_of_pupil:
        earlier = seen.setdefault(number_of_pupil, number)
        if earlier != number:
            errors.append(
                _bad(
                    number,
                    _("leerlingnummer %(value)s is already used in rij %(other)s")
                    % {"value": number_of_pupil, "other": earlier},
                )
            )
    for column, max_length in MAX_LENGTHS.items():
        if len(values[column]) > max_length:
            errors.append(
                _bad(
                    number,
                    _("%(field)s is longer than %(max)s characters")
                    % {"field": column, "max": max_length},
                )
            )
    birth_date = None
    if values["geboortedatum"]:
        birth_date = _parse_date(values["geboortedatum"])
        if birth_date is None:
            errors.append(
                _bad(
                    number,
                    _("geboortedatum “%(value)s” is not a date; use dd-mm-jjjj or jjjj-mm-dd")
                    % {"value": values["geboortedatum"]},
                )
            )
        elif birth_date > today:
            errors.append(
                _bad(
                    number,
                    _("geboortedatum “%(value)s” lies in the future")
                    % {"value": values["geboortedatum"]},
                )
            )
    guardians = []
    for prefix in GUARDIAN_PREFIXES:
        guardian = _read_guardian(number, prefix, values, errors, parsed.warnings)
        if guardian is not None:
            guardians.append(guardian)
    if len(guardians) == 2 and guardians[0].email == guardians[1].email:
        errors.append(_bad(number, _("ouder2_email is the same as ouder1_email")))
    parsed.errors.extend(errors)
    if errors:
        return None
    return PupilRow(
        row=number,
        leerlingnummer=values["leerlingnummer"],
        first_name=values["voornaam"],
        name_prefix=values["tussenvoegsel"],
        last_name=values["achternaam"],
        birth_date=birth_date,
        group_name=values["groep"],
        guardians=tuple(guardians),
    )


def parse_pupil_file(
    text: str,
    *,
    today: datetime.date,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Read and check every row; nothing touches the database."""
    parsed = ParsedFile()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_detect_delimiter(text))
    try:
        records = list(reader)
    except csv.Error:
        parsed.errors.append(_bad(reader.line_num, _("the row cannot be read as CSV")))
        return parsed
    numbered = [
        (n, cells) for n, cells in enumerate(records, start=1) if any(c.strip() for c in cells)
    ]
    if not numbered:
        parsed.errors.append(_bad(1, _("the file is empty")))
        return parsed
    header_number, header = numbered[0]
    columns = _read_header(header_number, header, parsed)
    if parsed.errors:
        return parsed
    if len(numbered) == 1:
        # An empty export would otherwise mark every pupil of the school as left.
        parsed.errors.append(_bad(header_number + 1, _("the file has no pupils")))
        return parsed
    seen: dict[str, int] = {}
    parsed.total = len(numbered) - 1
    for done, (number, cells) in enumerate(numbered[1:], start=1):
        row = _read_row(number, cells, columns, len(header), seen, today, parsed)
        if row is not None:
            parsed.rows.append(row)
        if progress and (done % PROGRESS_EVERY == 0 or done == parsed.total):
            progress(done, parsed.total)
    return parsed


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


def _plan_groups(plan: _Plan, school: School, school_year: str, rows: list[PupilRow]) -> None:
    existing = Group.objects.filter(school=school, school_year=school_year)
    plan.groups = {group.name.casefold(): group for group in existing}
    for row in rows:
        key = row.group_name.casefold()
        if key not in plan.groups:
            group = Group(school=school, school_year=school_year, name=row.group_name)
            plan.groups[key] = plan.new_groups[key] = group


def _plan_pupils(plan: _Plan, school: School, rows: list[PupilRow], report: ImportReport) -> None:
    plan.pupils = {pupil.leerlingnummer: pupil for pupil in Pupil.objects.filter(school=school)}
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


def _plan_guardians(plan: _Plan, school: School, rows: list[PupilRow]) -> None:
    emails = {guardian.email for row in rows for guardian in row.guardians}
    found = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    plan.users = {user.email.lower(): user for user in found}
    links = {
        (link.user_id, link.pupil_id): link
        for link in Guardianship.objects.filter(pupil__school=school)
    }
    for row in rows:
        pupil = plan.pupils[row.leerlingnummer]
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
            elif link.has_parental_authority != guardian.has_parental_authority:
                link.has_parental_authority = guardian.has_parental_authority
                plan.changed_links.append(link)


def _unusable_password() -> str:
    # What User.set_unusable_password() stores, with one urandom call instead of forty
    # random.choice calls: that took most of the time of a 5,000-row import.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _apply(plan: _Plan, today: datetime.date) -> None:
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
        Pupil.objects.filter(pk__in=plan.leaving_ids).update(left_on=today)
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


def pupils_import(
    *,
    school: School,
    text: str,
    dry_run: bool = False,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a decoded CSV file into `school`: everything, or (on any error) nothing.

    Groups are those of the current school year, created when missing. Pupils are matched
    on leerlingnummer; pupils of the school missing from the file are marked as left
    today. Parents become users without a usable password (they log in by e-mailed code);
    their links are added or their gezag updated, never removed by an import.
    """
    today = today or timezone.localdate()
    report = ImportReport(
        school_code=school.code, school_year=school_year_for(today), dry_run=dry_run
    )
    parsed = parse_pupil_file(text, today=today, progress=progress)
    report.rows = parsed.total
    report.errors = parsed.errors
    report.warnings = parsed.warnings
    report.ignored_columns = parsed.ignored_columns
    if parsed.errors:
        logger.info("pupil import refused: school=%s errors=%d", school.code, len(parsed.errors))
        return report
    with transaction.atomic():
        if not dry_run:
            # Two imports into one school at once would race on the same pupils.
            School.objects.select_for_update().get(pk=school.pk)
        plan = _Plan()
        _plan_groups(plan, school, report.school_year, parsed.rows)
        _plan_pupils(plan, school, parsed.rows, report)
        _plan_guardians(plan, school, parsed.rows)
        report.created = len(plan.new_pupils)
        report.updated = len(plan.changed_pupils)
        report.left = len(plan.leaving_ids)
        report.groups_created = len(plan.new_groups)
        report.guardians_created = len(plan.new_users)
        report.guardianships_created = len(plan.new_links)
        report.guardianships_updated = len(plan.changed_links)
        if not dry_run:
            _apply(plan, today)
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
