"""Builders for pupil import files used by the import tests."""

HEADER = [
    "leerlingnummer",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "groep",
    "ouder1_naam",
    "ouder1_email",
    "ouder1_gezag",
    "ouder2_naam",
    "ouder2_email",
    "ouder2_gezag",
]


def pupil_row(
    number="3001",
    first="Daan",
    prefix="",
    last="Mulder",
    born="04-05-2018",
    group="groep 5",
    parent1=("Eva Mulder", "eva.mulder@example.org", "ja"),
    parent2=("", "", ""),
):
    return [number, first, prefix, last, born, group, *parent1, *parent2]


def csv_text(rows, header=HEADER, delimiter=";") -> str:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def many_rows(count: int, start: int = 5000) -> list[list[str]]:
    return [
        pupil_row(
            number=str(start + i),
            first=f"Kind{i}",
            last="Jansen",
            group=f"groep {1 + i % 8}",
            parent1=(f"Ouder {i}", f"ouder{start + i}@example.org", "ja"),
        )
        for i in range(count)
    ]


def xlsx_file(rows, header=HEADER, *, mac_epoch=False, start_row=1) -> bytes:
    """The rows as an .xlsx workbook written by openpyxl, as Excel saves one: values keep
    their type (a number typed into a cell is an int, a date a datetime)."""
    import io

    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = Workbook()
    if mac_epoch:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    for offset, values in enumerate([header, *rows]):
        for column, value in enumerate(values, start=1):
            if value != "":
                sheet.cell(row=start_row + offset, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_with_parts(**parts: bytes) -> bytes:
    """A workbook of xlsx_file with parts replaced or added, by name under xl/:
    `sheet=` the first sheet's XML, `strings=` the shared strings' XML."""
    import io
    import zipfile

    names = {"sheet": "xl/worksheets/sheet1.xml", "strings": "xl/sharedStrings.xml"}
    replaced = {names[key]: value for key, value in parts.items()}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_file([pupil_row()]))) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as changed,
    ):
        for item in original.infolist():
            changed.writestr(item.filename, replaced.pop(item.filename, original.read(item)))
        for name, value in replaced.items():
            changed.writestr(name, value)
    return out.getvalue()


def workbook_with_sheet_at(name: str, sheet: bytes) -> bytes:
    """A workbook of xlsx_file whose first sheet is `sheet`, stored as part `name` under
    xl/worksheets/ (the workbook's relations name it there, so openpyxl reads it)."""
    import io
    import zipfile

    old = "worksheets/sheet1.xml"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_file([pupil_row()]))) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as changed,
    ):
        for item in original.infolist():
            data = original.read(item)
            if item.filename == f"xl/{old}":
                changed.writestr(f"xl/worksheets/{name}", sheet)
            else:
                changed.writestr(
                    item.filename, data.replace(old.encode(), b"worksheets/" + name.encode())
                )
    return out.getvalue()


def sheet_xml(rows: str, before: str = "") -> bytes:
    """A worksheet part whose sheetData is `rows` (XML text)."""
    return (
        f'{before}<worksheet xmlns="{SHEET_NS}"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def header_row() -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in HEADER)
    return f'<row r="1">{cells}</row>'
