"""Properties of reading an import file: what a spreadsheet writes comes back verbatim."""

import csv
import datetime
import io
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from schools.importer import COLUMNS, parse_pupil_file, read_text

TODAY = datetime.date(2026, 11, 24)


def _as_read(name: str) -> str:
    # The one invisible character of Windows-1252 the import drops from names (the soft
    # hyphen, U+00AD); a name of only format characters is empty (README "Pupil import").
    return name.replace("\xad", "").strip()


# Any text a spreadsheet cell can hold in one line: quotes, both delimiters, formulas.
cell_text = (
    st.text(
        alphabet=st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: unicodedata.normalize("NFC", s).strip())
    .filter(lambda s: any(unicodedata.category(c) != "Cf" for c in _as_read(s)))
)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Generation is cheap; on a loaded 2-core CI machine a draw can still stall for a second.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    first=cell_text,
    last=cell_text,
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_it_reads_back_any_name_a_spreadsheet_writes(first, last, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    values = {"leerlingnummer": "3001", "voornaam": first, "achternaam": last}
    values |= {"geboortedatum": "04-05-2018", "groep": "groep 5"}
    writer.writerow([values.get(column, "") for column in COLUMNS])
    data = buffer.getvalue().encode(encoding)
    # Known limit of guessing: Windows-1252 bytes that also happen to be valid UTF-8
    # ("Ã«" for example) read as UTF-8. Real names do not contain such pairs.
    assume(encoding != "cp1252" or data == buffer.getvalue().encode("utf-8") or not _utf8(data))
    parsed = parse_pupil_file(read_text(data), today=TODAY)
    assert parsed.errors == []
    assert (parsed.rows[0].first_name, parsed.rows[0].last_name) == (
        _as_read(first),
        _as_read(last),
    )
