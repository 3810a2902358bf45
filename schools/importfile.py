"""Reading and checking a pupil import file; nothing here touches the database.

`read_text` decodes the bytes; `parse_pupil_file` maps the header and checks every row,
collecting each problem as "rij N: reason", N being the row number a spreadsheet shows
(the header is row 1, blank lines count). The import itself is `schools.importer`.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.models import User
from schools.models import ERASED_PREFIX, Group, Pupil

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

_DAY_FIRST = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GEZAG = {"ja": True, "nee": False}
# Control characters other than tab, newline and carriage return do not occur in text.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotTextError(ValueError):
    """The bytes are not a text file in UTF-8, UTF-16 (with BOM) or Windows-1252."""


def read_text(data: bytes) -> str:
    """Decode an uploaded file: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
    "Unicode text"), else Windows-1252 line by line (see _utf8_or_cp1252)."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # the BOM says which byte order, and is dropped
        else:
            text = _utf8_or_cp1252(data.removeprefix(codecs.BOM_UTF8))
    except UnicodeDecodeError as error:
        raise NotTextError from error
    if _BINARY.search(text):
        raise NotTextError
    return text


def _utf8_or_cp1252(data: bytes) -> str:
    """UTF-8; else each line as UTF-8 where it is valid and as Windows-1252 where not.

    Two exports put together, or a row added in another program, give a file with both:
    read as Windows-1252 as a whole, every "Zoë" of its UTF-8 lines became "ZoÃ«"."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "".join([_line_utf8_or_cp1252(line) for line in data.splitlines(keepends=True)])


def _line_utf8_or_cp1252(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252")


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
    """The header's separator: `;` (Dutch Excel's CSV), `,`, or a tab (Unicode text)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first_line.count)


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
                _("%(field)s “%(value)s” must be “ja” or “nee”")
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
                _("%(field)s is empty; fill in “ja” or “nee” for a parent with an e-mail address")
                % {"field": f"{prefix}_gezag"},
            )
        )
        ok = False
    if not ok:
        return None
    return GuardianRow(email=email, name=name, has_parental_authority=_GEZAG[gezag])


def _line_break(
    number: int, cells: list[str], header: list[str], read: set[int], delimiter: str
) -> str | None:
    """The problem of a row with a cell that swallowed the rows after it, else None.

    A `"` at the start of a cell that is never closed (or closed rows later) makes the
    following lines part of that cell; in a column the import ignores that would go
    unnoticed, and those pupils would be marked as left. No value the import reads holds a
    line break, so there any break is refused; in an ignored column (a remark written over
    two lines in Excel) only a line that looks like a row of the file (as many separators
    as the header) is."""
    row_like = max(1, len(header) - 1)
    for index, cell in enumerate(cells):
        lines = cell.strip().splitlines()
        if len(lines) < 2:
            continue
        if index in read or any(line.count(delimiter) >= row_like for line in lines[1:]):
            return _swallowed(number, header, index)
    return None


def _swallowed(number: int, header: list[str], index: int) -> str:
    name = _clean(header[index]) if index < len(header) else ""
    return _bad(
        number,
        _(
            "the cell in column %(field)s runs over more than one line. Is there a "
            '" at the start of a cell without a closing "? The rows after it are '
            "then read as part of that cell."
        )
        % {"field": name or index + 1},
    )


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
    leerlingnummer = values["leerlingnummer"]
    if leerlingnummer.casefold().startswith(ERASED_PREFIX):
        # The retention task's mark (schools.services.pupil_erase): such a row would give an
        # erased record a name again, and a pupil with it is never erased after leaving.
        errors.append(
            _bad(
                number,
                _(
                    "leerlingnummer %(value)s starts with “%(prefix)s”, which the portal keeps for "
                    "erased pupils"
                )
                % {"value": leerlingnummer, "prefix": ERASED_PREFIX},
            )
        )
    if leerlingnummer:
        earlier = seen.setdefault(leerlingnummer, number)
        if earlier != number:
            errors.append(
                _bad(
                    number,
                    _("leerlingnummer %(value)s is already used in rij %(other)s")
                    % {"value": leerlingnummer, "other": earlier},
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
    delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
    read = set(columns.values())
    parsed.total = len(numbered) - 1
    for done, (number, cells) in enumerate(numbered[1:], start=1):
        problem = _line_break(number, cells, header, read, delimiter)
        if problem is not None:
            parsed.errors.append(problem)
        else:
            row = _read_row(number, cells, columns, len(header), seen, today, parsed)
            if row is not None:
                parsed.rows.append(row)
        if progress and (done % PROGRESS_EVERY == 0 or done == parsed.total):
            progress(done, parsed.total)
    return parsed
