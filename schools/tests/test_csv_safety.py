import csv
import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schools.csv_safety import safe_cell, safe_row


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","klik")',
        "+31 6 1234",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_it_prefixes_values_a_spreadsheet_would_evaluate(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sem Bakker", "1001", "", "a=b", "ouder@example.org", " =x"])
def test_it_leaves_plain_text_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [None, 42, -3, 2.5])
def test_it_leaves_non_strings_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Daan\u202e Mulder", "Daan Mulder"),
        ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", ""),
        ("\u2067Zoë\u2069", "Zoë"),
        # a formula behind a direction control is one once the control is gone
        ("\u202e=HYPERLINK(1)", "'=HYPERLINK(1)"),
    ],
)
def test_it_drops_direction_controls_that_would_flip_a_cell(value, expected):
    # U+202E RIGHT-TO-LEFT OVERRIDE shows "Daan\u202e Mulder" as "Daan redluM" in Excel.
    assert safe_cell(value) == expected


def test_it_neutralises_a_whole_row_for_csv_writer():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(safe_row(["1001", "=1+1", 7]))
    assert buffer.getvalue() == "1001,'=1+1,7\r\n"


# Issue 10, finding 8: look-alikes of the formula characters, compared after NFKC.
@pytest.mark.parametrize(
    "value",
    [
        '\uff1dHYPERLINK("http://evil.example")',  # fullwidth equals ＝
        "\ufe66cmd()",  # small equals ﹦
        "\uff0b31 6",  # fullwidth plus ＋
        "\uff0d2+3",  # fullwidth hyphen-minus －
        "\ufe63cmd()",  # small hyphen-minus ﹣
        "\uff20SUM(A1)",  # fullwidth commercial at ＠
        "\u22122+3",  # minus sign −
    ],
)
def test_it_prefixes_formula_look_alikes(value):
    assert safe_cell(value) == "'" + value


@given(st.text(max_size=5))
def test_its_shortcut_for_ascii_letters_and_digits_agrees_with_nfkc(text):
    """is_formula_like skips normalising a cell that starts with an ASCII letter or digit;
    the answer must be the one NFKC gives, whatever follows (marks included)."""
    from schools.csv_safety import FORMULA_STARTS, is_formula_like

    for first in ("a", "Z", "7"):
        value = first + text
        expected = unicodedata.normalize("NFKC", value[:4]).startswith(FORMULA_STARTS)
        assert is_formula_like(value) is expected
