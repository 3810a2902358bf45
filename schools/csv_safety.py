"""Keep spreadsheet programs from executing cells of the CSV files we export.

A cell that starts with = + - @ (or a tab or carriage return, which some programs skip
before reading the formula) is read as a formula by Excel and LibreOffice; a value such as
`=HYPERLINK("http://evil.example", "klik")` would run when a director opens the export.
We store such values verbatim and neutralise them on the way out, by prefixing a `'`,
which spreadsheets show as text (OWASP "CSV injection").

Look-alikes count too: a fullwidth ＝ (U+FF1D), a small ﹦ or ＋ is turned into its ASCII
form by some spreadsheet imports, so the first characters are compared after Unicode NFKC
normalisation; the minus sign U+2212 is listed because NFKC keeps it.

Unicode's direction controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin,
opo_portal.text) are dropped from every cell: one flips how the rest of its cell reads,
and a name becomes another name. They go before the formula check, which would otherwise
miss a formula behind one.

Every CSV export uses `safe_cell` (consent, monitoring and policy call it too), so this
is the one place the rule lives.
"""

import unicodedata

from opo_portal.text import without_direction_controls

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\u2212")


def is_formula_like(text: str) -> bool:
    first = text[:1]
    if first.isascii() and first.isalnum():
        # NFKC keeps an ASCII letter or digit as it is (it composes only with marks, into
        # a letter): no formula can start here. Most cells, so they skip normalising.
        return False
    return unicodedata.normalize("NFKC", text[:4]).startswith(FORMULA_STARTS)


def safe_cell(value):
    """The value as a CSV cell that no spreadsheet evaluates and no direction control
    flips; non-strings pass unchanged."""
    if isinstance(value, str):
        value = without_direction_controls(value)
        if is_formula_like(value):
            return "'" + value
    return value


def safe_row(values) -> list:
    """safe_cell applied to every value of a row, for csv.writer.writerow."""
    return [safe_cell(value) for value in values]
