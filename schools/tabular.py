"""One writer for every table the portal exports: CSV for Dutch Excel, and .xlsx.

CSV: `;` separator, UTF-8 with a byte order mark (so Excel reads "Zoë" correctly), one
table per file, every text cell formula-safe and without direction controls
(schools.csv_safety). Headers and values are whatever the caller passes: translated,
human words ("foto", "toegestaan"), not codes.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from opo_portal.text import has_direction_controls, without_direction_controls
from schools.csv_safety import is_formula_like, safe_cell, safe_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # so Excel reads the file as UTF-8
UTF8_BOM = BOM.encode()


def _text(value):
    return "" if value is None else value


def csv_text(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The table as CSV text with a leading BOM."""
    return BOM + _csv_without_bom(headers, rows)


def _csv_without_bom(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row([str(h) for h in headers]))
    # Exports repeat their values (a school name, a channel, a state on every row):
    # each distinct value is made safe once per file (keyed with its type: True == 1).
    safe: dict = {}
    for row in rows:
        cells = []
        for value in row:
            key = (value.__class__, value)
            try:
                cell = safe[key]
            except KeyError:
                cell = safe[key] = safe_cell(_text(value))
            except TypeError:  # unhashable: never the case for our exports, but allowed
                cell = safe_cell(_text(value))
            cells.append(cell)
        writer.writerow(cells)
    return out.getvalue()


def csv_piece(values: Sequence) -> str:
    """Two or more cells as csv_text writes them within a line (safe, quoted where needed,
    `;` between them, no line end): an export whose lines repeat the same runs of cells
    writes each run once and joins the pieces of a line with `;` (csv_text_of_lines).
    A lone cell is refused: csv.writer writes a line of one empty cell as `""`."""
    if len(values) < 2:
        raise ValueError("a piece has two or more cells")
    if all(_plain_text(value) for value in values):  # most pieces: names, numbers, words
        return ";".join(values)
    cells = [safe_cell(_text(value)) for value in values]
    if all(_plain(cell) for cell in cells):
        return ";".join([cell if cell.__class__ is str else str(cell) for cell in cells])
    out = io.StringIO()
    # the line end as csv_text's: csv.writer quotes a cell that contains one of its characters
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(cells)
    return out.getvalue()[:-2]


def csv_cell(value) -> str:
    """One cell as csv_text writes it after a `;` within a line (safe, quoted where needed):
    the last cell of a line whose other cells are pieces (csv_piece). An empty cell is
    empty, as csv_text writes it next to others."""
    if _plain_text(value):
        return value
    return csv_piece((value, ""))[:-1]


# characters for which csv.writer (QUOTE_MINIMAL, `;`) quotes a cell
_QUOTED = frozenset(';"\r\n')


def _plain_text(value) -> bool:
    """Text that csv_text writes as it is: nothing to quote, no direction control to drop
    and no formula to neutralise."""
    return (
        value.__class__ is str
        and _QUOTED.isdisjoint(value)
        and not has_direction_controls(value)
        and not is_formula_like(value)
    )


def _plain(cell) -> bool:
    """A cell csv.writer writes as it is: text without a character it quotes for, or an
    int (bools, floats and other types go through the writer)."""
    if cell.__class__ is str:
        return _QUOTED.isdisjoint(cell)
    return cell.__class__ is int


def csv_text_of_lines(headers: Sequence[str], lines: Iterable[str]) -> str:
    """csv_text from lines already written (csv_piece): the same text, BOM and header.
    An item may hold several lines joined with "\\r\\n" (no line end after the last)."""
    return BOM + _header_and_lines(headers, lines)


def csv_bytes_of_lines(headers: Sequence[str], lines: Iterable[str]) -> bytes:
    """csv_text_of_lines as the UTF-8 bytes a response sends. The BOM is added as bytes:
    a str that holds U+FEFF is stored with two bytes per character, so putting it in front
    of a whole export copies the export wider and makes encoding it slow (issue 17: about
    0.6 ms of a school's 400 kB coverage export; its plain text encodes as one copy)."""
    return UTF8_BOM + _header_and_lines(headers, lines).encode()


def _header_and_lines(headers: Sequence[str], lines: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(
        safe_row([str(h) for h in headers])
    )
    return out.getvalue() + "".join([line + "\r\n" for line in lines])


# The workbook's author in its document properties (Excel's "Auteur"): the portal, never
# a person, and not openpyxl, which writes itself there unless told otherwise. The same
# name is the application that wrote it (docProps/app.xml), with no version.
XLSX_CREATOR = "OPO Portal"
XLSX_APP_PART = "docProps/app.xml"


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence], *, title: str, document_title: str = ""
) -> bytes:
    """The table as one worksheet named `title`; `document_title` is the file's title in its
    document properties. Text cells are formula-safe as in the CSV."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def _storable(value):
        # openpyxl refuses control characters (a name pasted in the admin may hold one);
        # a direction control would flip the title (a school's name) as it flips a cell.
        if not isinstance(value, str):
            return value
        return ILLEGAL_CHARACTERS_RE.sub("", without_direction_controls(value))

    workbook = Workbook(write_only=True)
    workbook.properties.creator = XLSX_CREATOR
    workbook.properties.title = _storable(document_title) or None
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append(safe_row([str(h) for h in headers]))
    for row in rows:
        sheet.append(safe_row([_storable(_text(v)) for v in row]))
    out = io.BytesIO()
    workbook.save(out)
    return _portal_as_application(out.getvalue())


# Characters Excel (and openpyxl, which raises ValueError) refuses in a worksheet's name.
_NOT_IN_SHEET_TITLE = re.compile(r"[\\/?*:\[\]]")
SHEET_TITLE_LENGTH = 31


def sheet_title(title: str) -> str | None:
    """`title` as a worksheet may be named: each character Excel refuses becomes "-"
    ("Toestemming 2026/2027" from a school year typed with a slash was a 500), no
    apostrophe at either end, no direction control, at most 31 characters; None
    (openpyxl's "Sheet") if nothing is left."""
    title = without_direction_controls(title)
    cleaned = _NOT_IN_SHEET_TITLE.sub("-", title)[:SHEET_TITLE_LENGTH].strip("'")
    return cleaned or None


def _portal_as_application(data: bytes) -> bytes:
    """The saved workbook with the portal as the application in docProps/app.xml, without
    a version. openpyxl (3.1) writes "Microsoft Excel Compatible / Openpyxl <version>" and
    its version there from a fresh ExtendedProperties whatever the workbook says, so the
    part is written again with openpyxl's own ExtendedProperties and the rest copied as it
    is (a few per cent of the time the workbook took)."""
    from openpyxl.packaging.extended import ExtendedProperties
    from openpyxl.xml.functions import tostring

    properties = ExtendedProperties()
    properties.Application = XLSX_CREATOR
    properties.AppVersion = None
    app = tostring(properties.to_tree())
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, app if info.filename == XLSX_APP_PART else source.read(info))
    return out.getvalue()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """csv_text as a download, encoded with the BOM put in front as bytes (as
    csv_bytes_of_lines)."""
    return csv_text_response(filename, UTF8_BOM + _csv_without_bom(headers, rows).encode())


def csv_text_response(filename: str, text: str | bytes) -> HttpResponse:
    """A CSV file already written (csv_text, csv_text_of_lines; or csv_bytes_of_lines,
    already encoded as UTF-8) as a download."""
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_response(
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str,
    document_title: str = "",
) -> HttpResponse:
    data = xlsx_bytes(headers, rows, title=title, document_title=document_title)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    return _attachment(response, filename)
