"""An .xlsx workbook read as the `;`-separated text the pupil import reads.

A director may save the export as an Excel workbook instead of CSV. The first worksheet
becomes one line per sheet row, blank rows included, so "rij N" is the row Excel shows.
Cells keep what the workbook holds: a date cell is written as jjjj-mm-dd, a whole number
without ".0" (a pupil number typed as a number lost its leading zeros already in Excel;
the import matches it as it matches such a number in a CSV file), and in a date column a
serial number (a date cell formatted as a number) is turned into its date with the
workbook's own epoch, which a CSV file does not carry.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable
from xml.parsers import expat

XLSX_SIGNATURE = b"PK\x03\x04"  # a zip archive; .xlsx is one
MAX_ROWS = 50_000
MAX_COLUMNS = 200
# What the workbook's parts may unpack to: a pupil list of MAX_ROWS rows is a few tens of
# MB of XML at most; a zip bomb (kB packed, GB unpacked) is refused before openpyxl reads
# its shared strings into memory. A zip member never yields more than its stated size.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Within those bytes openpyxl still holds a whole row, and every shared text, in memory and
# spends about 10 µs on each cell and text: a row of 5 million cells (150 kB packed) took
# 2.3 GB and 39 s, 5 million one-letter texts 45 s, past gunicorn's timeout. So the parts
# are read first, as a stream, against Excel's own limits (a row has at most 16,384 cells,
# a cell at most 32,767 characters) and a budget of cells and texts that a pupil list of
# thousands of rows stays far below (about 10 s of openpyxl's time at most).
EXCEL_COLUMNS = 16_384
EXCEL_CELL_CHARACTERS = 32_767
MAX_CELLS = 1_000_000
# Excel's day numbers run from 1 (1 January 1900) to 2958465 (31 December 9999).
_SERIAL_DAYS = range(1, 2958466)


class NotWorkbookError(ValueError):
    """The bytes are not an .xlsx workbook openpyxl can read."""


class WorkbookTooLargeError(ValueError):
    """The first worksheet has more rows or columns than a pupil list can have, or the
    workbook more cells and texts (MAX_CELLS)."""


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_SIGNATURE)


def xlsx_text(data: bytes, *, is_date_column: Callable[[str], bool]) -> str:
    """The first worksheet as CSV text; `is_date_column(header)` names the date columns."""
    from openpyxl import load_workbook

    _refuse_unpacking_beyond_limit(data)
    _refuse_beyond_excel_limits(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return _sheet_text(workbook, is_date_column)
        finally:
            workbook.close()
    except WorkbookTooLargeError:
        raise
    except Exception as error:  # any damage to the archive or its XML
        raise NotWorkbookError from error


def _refuse_unpacking_beyond_limit(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise NotWorkbookError from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookTooLargeError


def _refuse_beyond_excel_limits(data: bytes) -> None:
    """Stream every part (expat, no document type allowed) and refuse a row wider than
    Excel's, a text longer than a cell holds, or more cells and texts than MAX_CELLS.

    Every part, whatever its name: openpyxl reads the sheets and shared texts the
    workbook's relations and content types name, and a sheet stored as "sheet1.bin" was
    otherwise read unchecked. A part that is no XML (an image) stops expat at once."""
    counter = _PartCounter()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for item in archive.infolist():
                with archive.open(item) as part:
                    counter.read(part)
    except (WorkbookTooLargeError, NotWorkbookError):
        raise
    except Exception as error:  # a damaged archive (CRC, compression), as openpyxl finds it
        raise NotWorkbookError from error


class _PartCounter:
    def __init__(self):
        self.items = 0  # cells and shared texts, over all parts
        self.row_cells = 0
        self.text = 0  # characters since the last tag

    def read(self, part) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        try:
            while chunk := part.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            # openpyxl's parser (expat too) stops at the same byte, if it reads the part
            return

    def _doctype(self, *args) -> None:
        raise NotWorkbookError("a document type declaration")  # Excel writes none

    def _start(self, name: str, attributes) -> None:
        self.text = 0
        local = name.rpartition(" ")[2]
        if local == "row":
            self.row_cells = 0
        elif local == "c":
            self.row_cells += 1
            if self.row_cells > EXCEL_COLUMNS:
                raise WorkbookTooLargeError
        if local in ("c", "si"):
            self.items += 1
            if self.items > MAX_CELLS:
                raise WorkbookTooLargeError

    def _end(self, name: str) -> None:
        self.text = 0

    def _characters(self, text: str) -> None:
        self.text += len(text)
        if self.text > EXCEL_CELL_CHARACTERS:
            raise NotWorkbookError("a text longer than a cell holds")


def _sheet_text(workbook, is_date_column: Callable[[str], bool]) -> str:
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    date_columns: set[int] | None = None
    for number, values in enumerate(rows, start=1):
        if _beyond_limits(number, values):
            raise WorkbookTooLargeError
        if date_columns is None and any(value is not None for value in values):
            date_columns = {i for i, value in enumerate(values) if is_date_column(_text(value))}
        writer.writerow(_cells(values, date_columns or set(), workbook.epoch))
    return out.getvalue()


def _beyond_limits(number: int, values: tuple) -> bool:
    if number > MAX_ROWS:
        return any(value is not None for value in values)
    return len(values) > MAX_COLUMNS and values[MAX_COLUMNS] is not None


def _cells(values: Iterable, date_columns: set[int], epoch: datetime.datetime) -> list[str]:
    cells = [
        _date_text(value, epoch) if index in date_columns else _text(value)
        for index, value in enumerate(values)
    ]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _date_text(value, epoch: datetime.datetime) -> str:
    if _is_day_number(value):
        from openpyxl.utils.datetime import from_excel

        return from_excel(int(value), epoch).date().isoformat()
    return _text(value)


def _is_day_number(value) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and float(value).is_integer() and int(value) in _SERIAL_DAYS


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # a date cell holds midnight; any other time is written out and refused as a date
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
