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
from typing import Literal

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from opo_portal.fields import validate_email_address
from opo_portal.text import without_direction_controls
from schools import spreadsheet
from schools.importheader import (
    COLUMNS,
    GUARDIAN_PREFIXES,
    REQUIRED_COLUMNS,
    header_column,
    is_date_header,
    may_hold_parent_details,
    same_header,
)
from schools.models import ERASED_PREFIX, Group, Pupil
from schools.spreadsheet import is_xlsx, xlsx_text


def _max_length(model, name: str) -> int:
    length = model._meta.get_field(name).max_length
    if length is None:  # every column the import fills is a CharField
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no max_length")
    return length


MAX_LENGTHS = {
    "leerlingnummer": _max_length(Pupil, "leerlingnummer"),
    "voornaam": _max_length(Pupil, "first_name"),
    "tussenvoegsel": _max_length(Pupil, "name_prefix"),
    "achternaam": _max_length(Pupil, "last_name"),
    "groep": _max_length(Group, "name"),
    "ouder1_naam": _max_length(User, "full_name"),
    "ouder2_naam": _max_length(User, "full_name"),
    "ouder1_email": _max_length(User, "email"),
    "ouder2_email": _max_length(User, "email"),
}
PROGRESS_EVERY = 500

# Day first with "-", "/" or "." (Excel on Dutch Windows writes d-m-jjjj, other settings
# dd/mm/jjjj), or year first; the same separator twice. A time of midnight after it is what
# a spreadsheet writes for a date cell saved as date and time.
_MIDNIGHT = r"(?:\s+0?0:00(?::00)?)?"
_DAY_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})" + _MIDNIGHT)
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _MIDNIGHT)
_GEZAG = {"ja": True, "nee": False}
# Control characters other than tab, newline and carriage return are in no name, number,
# date or address; a cell the import reads with one is refused with its row
# (_control_character). A NUL byte says the file is no text at all (an image, a document,
# UTF-16 without its byte order mark). DOS ended a text file with U+001A.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_DOS_END_OF_FILE = "\x1a"
# The line breaks of a CSV file (and so of a cell csv reads), unlike str.splitlines, which
# also breaks at U+000B, U+001C-U+001E, U+0085, U+2028 and U+2029.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class NotTextError(ValueError):
    """The bytes are not a text file in UTF-8, UTF-16 (with BOM) or Windows-1252, nor an
    .xlsx workbook."""


class WorkbookTooLargeError(NotTextError):
    """An .xlsx workbook whose first sheet has more rows or columns than a pupil list."""


def too_large_workbook() -> str:
    return _(
        "The workbook is larger than a pupil list: its first sheet has more than %(rows)s "
        "rows or %(columns)s columns, or the workbook holds more than %(cells)s cells. Keep "
        "only the pupil list on the first sheet."
    ) % {
        "rows": spreadsheet.MAX_ROWS,
        "columns": spreadsheet.MAX_COLUMNS,
        "cells": spreadsheet.MAX_CELLS,
    }


def too_large_file(limit: int) -> str:
    """The page's and the command's words for a file over PUPIL_IMPORT_MAX_BYTES."""
    return _("The file is larger than %(limit)s kB. Split it or leave out other columns.") % {
        "limit": limit // 1024
    }


def read_text(data: bytes) -> str:
    """Decode an uploaded file: an .xlsx workbook (its first sheet, schools.spreadsheet),
    UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else
    Windows-1252 line by line (see _utf8_or_cp1252)."""
    if is_xlsx(data):
        try:
            return xlsx_text(data, is_date_column=is_date_header)
        except spreadsheet.WorkbookTooLargeError as error:
            raise WorkbookTooLargeError from error
        except spreadsheet.NotWorkbookError as error:
            raise NotTextError from error
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # the BOM says which byte order, and is dropped
        else:
            text = _utf8_or_cp1252(data.removeprefix(codecs.BOM_UTF8))
    except UnicodeDecodeError as error:
        raise NotTextError from error
    if "\x00" in text:
        raise NotTextError
    return text.removesuffix(_DOS_END_OF_FILE)


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
    column_prefix: str  # the file's columns: ouder1_… or ouder2_…


@dataclass(frozen=True)
class PupilRow:
    row: int
    leerlingnummer: str
    first_name: str
    name_prefix: str
    last_name: str
    birth_date: datetime.date | None  # geboortedatum may be left empty
    group_name: str
    guardians: tuple[GuardianRow, ...]


@dataclass
class ParsedFile:
    total: int = 0
    rows: list[PupilRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


# No pupil of a primary school (special education included) is older: an older birth date
# is a typo or an empty date cell as some exports write it (1900, year 1).
OLDEST_PUPIL_YEARS = 20


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def bad_row(row: int, reason: str) -> str:
    # "rij N" is the format schools know from the issue and their spreadsheets; the
    # reason is a whole translated sentence naming the column.
    return f"rij {row}: {reason}"


# Columns of numbers, dates and codes: fullwidth digits (a Japanese or Chinese input
# method, text pasted from a PDF) and other compatibility forms read as their plain ones,
# so "００１２３" is pupil 00123. Names keep their own characters.
_PLAIN_FORM_COLUMNS = frozenset(
    ["leerlingnummer", "geboortedatum"]
    + [f"{prefix}_{name}" for prefix in GUARDIAN_PREFIXES for name in ("email", "gezag")]
)


# Characters that show as nothing and are part of no name's spelling: the zero-width
# space, the soft hyphen (a hyphenation hint), the word joiner and invisible operators, and
# the byte order mark. Text pasted from a web page, a chat or a PDF brings them along, and
# "groep 5" with one was a second group that looks the same (without the teacher).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u2060-\u2064\ufeff]")


def _is_format_character(character: str) -> bool:
    return unicodedata.category(character) == "Cf"


def _clean(cell: str, form: Literal["NFC", "NFKC"] = "NFC") -> str:
    """The cell's text as the import reads it. Without direction controls: a name holding
    U+202E shows as another name (opo_portal.text); without invisible characters; and a
    cell of only such characters (or the joiners a name in another script needs, U+200C
    and U+200D) is empty, as no visible name is."""
    if cell.isascii():  # most cells: no normal form, control or invisible to take out
        return cell.strip()
    text = _INVISIBLE.sub("", without_direction_controls(unicodedata.normalize(form, cell)))
    text = text.strip()
    if text and all(_is_format_character(c) for c in text):
        return ""
    return text


def _plain_clean(cell: str) -> str:
    """A number, date, address or ja/nee: its plain forms (NFKC) and no format character
    at all (zero-width joiners and direction marks included): none of them holds one, and
    "3001" with a zero-width space was another pupil, the school's 3001 marked as left."""
    text = _clean(cell, "NFKC")
    if text.isascii():
        return text
    return "".join([c for c in text if not _is_format_character(c)]).strip()


def _value(cells: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    if index is None or index >= len(cells):
        return ""
    if column in _PLAIN_FORM_COLUMNS:
        return _plain_clean(cells[index])
    return _clean(cells[index])


def _detect_delimiter(text: str) -> str:
    """The header's separator: `;` (Dutch Excel's CSV), `,`, or a tab (Unicode text): the
    one that splits it into the most columns the import knows, then into the most cells;
    counting the characters alone, a quoted "Opmerking, kort, lang, …" made it `,`."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")

    def fit(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter))
        except csv.Error:  # a cell beyond csv's field limit: the reading reports the row
            return 0, 0
        # no more cells than a pupil list's columns are matched (a header of millions
        # of cells is refused afterwards, _beyond_a_pupil_list)
        known = sum(1 for cell in cells[: spreadsheet.MAX_COLUMNS] if header_column(cell))
        return known, len(cells)

    return max((",", ";", "\t"), key=fit)


# "sep=;" on the first line: written by programs that make a CSV file for Excel, which
# takes the separator from it and does not show the line (so the header is its row 1).
_SEPARATOR_LINE = re.compile(r'"?sep=([;,\t|])"?[ \t]*', re.IGNORECASE)


def _separator_line(text: str) -> tuple[str, str | None]:
    """The text without Excel's separator line and the separator it names, or the text
    as it is and None."""
    first, _newline, rest = text.partition("\n")
    match = _SEPARATOR_LINE.fullmatch(first.removesuffix("\r"))
    if match is None:
        return text, None
    return rest, match.group(1)


def _parse_date(value: str) -> datetime.date | None:
    match = _DAY_FIRST.fullmatch(value)
    if match:
        day, month, year = (int(part) for part in match.group(1, 3, 4))
    else:
        match = _YEAR_FIRST.fullmatch(value)
        if not match:
            return None
        year, month, day = (int(part) for part in match.group(1, 3, 4))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _read_header(number: int, cells: list[str], parsed: ParsedFile) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        control = _control_character(number, str(index + 1), cell)
        if control is not None:  # nor is its name listed or printed as an ignored column
            parsed.errors.append(control)
            continue
        name = _clean(cell)
        column = header_column(name)
        if column is None:
            if name:
                parsed.ignored_columns.append(name)
                _warn_unknown_parent_column(number, name, parsed)
        elif column in columns:
            parsed.errors.append(_twice(number, column, _clean(cells[columns[column]]), name))
        else:
            columns[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            parsed.errors.append(
                bad_row(number, _("column %(field)s is missing") % {"field": column})
            )
    return columns


def _control_character(number: int, field: str, cell: str) -> str | None:
    """The problem of a cell holding a control character, else None. The character is
    named by its code: printed by the import command, an escape would act on the terminal."""
    match = _CONTROL.search(cell)
    if match is None:
        return None
    code = f"U+{ord(match.group()):04X}"
    if field.isdigit():
        message = _(
            "column %(field)s holds a control character (%(code)s), which no name, number, "
            "date or address has; remove it from the cell"
        )
    else:
        message = _(
            "%(field)s holds a control character (%(code)s), which no name, number, date or "
            "address has; remove it from the cell"
        )
    return bad_row(number, message % {"field": field, "code": code})


def _twice(number: int, column: str, first: str, second: str) -> str:
    if same_header(first, second):
        return bad_row(number, _("column %(field)s appears twice") % {"field": column})
    return bad_row(
        number,
        _("columns “%(first)s” and “%(second)s” both stand for %(field)s; keep one of them")
        % {"first": first, "second": second, "field": column},
    )


def _warn_unknown_parent_column(number: int, name: str, parsed: ParsedFile) -> None:
    if may_hold_parent_details(name):
        parsed.warnings.append(
            bad_row(
                number,
                _(
                    "column “%(column)s” is not one the import knows, so its values are not "
                    "imported. If it holds a parent's details, name it ouder1_naam, "
                    "ouder1_email or ouder1_gezag (ouder2_… for the second parent)."
                )
                % {"column": name},
            )
        )


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
            bad_row(
                number,
                _("%(field)s “%(value)s” must be “ja” or “nee”")
                % {"field": field_name, "value": values[field_name]},
            )
        )
        ok = False
    if not email:
        if name or gezag:
            warnings.append(
                bad_row(
                    number,
                    _("%(field)s is empty, so this parent gets no account")
                    % {"field": f"{prefix}_email"},
                )
            )
        return None
    try:
        # the cell is without format characters (_plain_clean): what can be refused here is
        # an address Django's validator refuses, an IP address in brackets it takes, or a
        # domain without a dot (it takes "localhost")
        validate_email_address(email)
    except ValidationError as error:
        errors.append(bad_row(number, _bad_address(error, prefix, values[f"{prefix}_email"])))
        ok = False
    if not gezag:
        errors.append(
            bad_row(
                number,
                _("%(field)s is empty; fill in “ja” or “nee” for a parent with an e-mail address")
                % {"field": f"{prefix}_gezag"},
            )
        )
        ok = False
    if not ok:
        return None
    return GuardianRow(
        email=email, name=name, has_parental_authority=_GEZAG[gezag], column_prefix=prefix
    )


def _bad_address(error: ValidationError, prefix: str, value: str) -> str:
    if error.code == "domain_literal":
        return _(
            "%(field)s “%(value)s” has an IP address in square brackets after the @ instead "
            "of a domain name (such as school.nl); fill in this parent's e-mail address"
        ) % {"field": f"{prefix}_email", "value": value}
    if error.code == "domain_without_dot":
        return _(
            "%(field)s “%(value)s” has no full domain name with a dot after the @ (such as "
            "school.nl); fill in this parent's full e-mail address"
        ) % {"field": f"{prefix}_email", "value": value}
    return _("%(field)s “%(value)s” is not a valid e-mail address") % {
        "field": f"{prefix}_email",
        "value": value,
    }


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
        lines = _LINE_BREAK.split(cell.strip())
        if len(lines) < 2:
            continue
        if index in read or any(line.count(delimiter) >= row_like for line in lines[1:]):
            return _swallowed(number, header, index)
    return None


def _swallowed(number: int, header: list[str], index: int) -> str:
    name = _clean(header[index]) if index < len(header) else ""
    return bad_row(
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
    controls = [
        _control_character(number, column, cells[index])
        for column, index in columns.items()
        if index < len(cells)
    ]
    if any(controls):
        # the row's other problems would print the values holding them
        parsed.errors.extend(problem for problem in controls if problem is not None)
        return None
    errors: list[str] = []
    values = {column: _value(cells, columns, column) for column in COLUMNS}
    if any(cell.strip() for cell in cells[header_width:]):
        errors.append(bad_row(number, _("the row has more values than the header has columns")))
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            errors.append(bad_row(number, _("%(field)s is empty") % {"field": column}))
    leerlingnummer = values["leerlingnummer"]
    if leerlingnummer.casefold().startswith(ERASED_PREFIX):
        # The retention task's mark (schools.services.pupil_erase): such a row would give an
        # erased record a name again, and a pupil with it is never erased after leaving.
        errors.append(
            bad_row(
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
                bad_row(
                    number,
                    _("leerlingnummer %(value)s is already used in rij %(other)s")
                    % {"value": leerlingnummer, "other": earlier},
                )
            )
    for column, max_length in MAX_LENGTHS.items():
        if len(values[column]) > max_length:
            errors.append(
                bad_row(
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
                bad_row(
                    number,
                    _(
                        "geboortedatum “%(value)s” is not a date; use dd-mm-jjjj (also d-m-jjjj "
                        "or dd/mm/jjjj) or jjjj-mm-dd"
                    )
                    % {"value": values["geboortedatum"]},
                )
            )
        elif birth_date > today:
            errors.append(
                bad_row(
                    number,
                    _("geboortedatum “%(value)s” lies in the future")
                    % {"value": values["geboortedatum"]},
                )
            )
        elif birth_date < _years_before(today, OLDEST_PUPIL_YEARS):
            errors.append(
                bad_row(
                    number,
                    _(
                        "geboortedatum “%(value)s” lies more than %(years)s years back; no "
                        "pupil of a primary school is that old"
                    )
                    % {"value": values["geboortedatum"], "years": OLDEST_PUPIL_YEARS},
                )
            )
    guardians = []
    for prefix in GUARDIAN_PREFIXES:
        guardian = _read_guardian(number, prefix, values, errors, parsed.warnings)
        if guardian is not None:
            guardians.append(guardian)
    if len(guardians) == 2 and guardians[0].email == guardians[1].email:
        errors.append(bad_row(number, _("ouder2_email is the same as ouder1_email")))
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


def _wider_than_a_pupil_list(records: list[list[str]]) -> int | None:
    """The number of the first row with a value past MAX_COLUMNS (a workbook's limit,
    schools.spreadsheet), else None; blank cells past it are dropped on the way.

    Separators after the last value (Excel writes them for a row formatted to its end) say
    nothing, but a data row of 5 million of them took 2.6 s: each cell was stripped, split
    into lines and checked against the header. Joined once, they cost a few ms per MB."""
    limit = spreadsheet.MAX_COLUMNS
    for number, cells in enumerate(records, start=1):
        if len(cells) > limit:
            if "".join(cells[limit:]).strip():
                return number
            del cells[limit:]
    return None


def _beyond_a_pupil_list(numbered: list[tuple[int, list[str]]]) -> str | None:
    """The problem of a file past a workbook's limits (schools.spreadsheet: more than
    MAX_ROWS rows), before any cell is checked. Rows wider than MAX_COLUMNS were refused
    or cut before (_wider_than_a_pupil_list): a 4 MB header of 2 million columns took 5 s,
    each cell matched (twice) against the import's column names."""
    beyond = next((number for number, _cells in numbered if number > spreadsheet.MAX_ROWS), None)
    if beyond is not None:
        return bad_row(
            beyond,
            _(
                "the file has more than %(limit)s rows, more than a pupil list has. Keep only "
                "the pupil list in the file."
            )
            % {"limit": spreadsheet.MAX_ROWS},
        )
    return None


def _too_wide(number: int) -> str:
    return bad_row(
        number,
        _(
            "this row has more than %(limit)s columns, more than a pupil list has. Keep "
            "only the pupil list in the file."
        )
        % {"limit": spreadsheet.MAX_COLUMNS},
    )


def parse_pupil_file(
    text: str,
    *,
    today: datetime.date,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Read and check every row; nothing touches the database."""
    parsed = ParsedFile()
    text, delimiter = _separator_line(text)
    delimiter = delimiter or _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error:
        parsed.errors.append(bad_row(reader.line_num, _("the row cannot be read as CSV")))
        return parsed
    wide = _wider_than_a_pupil_list(records)
    if wide is not None:
        parsed.errors.append(_too_wide(wide))
        return parsed
    numbered = [
        (n, cells) for n, cells in enumerate(records, start=1) if any(c.strip() for c in cells)
    ]
    if not numbered:
        parsed.errors.append(bad_row(1, _("the file is empty")))
        return parsed
    too_large = _beyond_a_pupil_list(numbered)
    if too_large is not None:
        parsed.errors.append(too_large)
        return parsed
    header_number, header = numbered[0]
    columns = _read_header(header_number, header, parsed)
    if parsed.errors:
        return parsed
    if len(numbered) == 1:
        # An empty export would otherwise mark every pupil of the school as left.
        parsed.errors.append(bad_row(header_number + 1, _("the file has no pupils")))
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
