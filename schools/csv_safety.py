"""Keep spreadsheet programs from executing cells of the CSV files we export.

A cell that starts with = + - @ (or a tab or carriage return, which some programs skip
before reading the formula) is read as a formula by Excel and LibreOffice; a value such as
`=HYPERLINK("http://evil.example", "klik")` would run when a director opens the export.
We store such values verbatim and neutralise them on the way out, by prefixing a `'`,
which spreadsheets show as text (OWASP "CSV injection").
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a CSV cell that no spreadsheet evaluates; non-strings pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """safe_cell applied to every value of a row, for csv.writer.writerow."""
    return [safe_cell(value) for value in values]
