"""Pupil numbers as a spreadsheet may have left them.

Excel reads the pupil number "00123" as the number 123 and saves it so; a number may also
come in fullwidth digits. The import matches such a number with the school's pupil it
stands for, but only where that cannot attach a row to the wrong pupil.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.importfile import PupilRow, bad_row
from schools.models import Pupil


def _number_key(number: str) -> str:
    """A pupil number as a spreadsheet may have left it: Excel reads "00123" as the number
    123, and fullwidth digits ("１２３") are the same number."""
    plain = unicodedata.normalize("NFKC", number)
    if plain.isascii() and plain.isdigit():
        return plain.lstrip("0") or "0"
    return plain


@dataclass
class NumberMatches:
    # (number in the file, number in the portal) of each pupil matched without its zeros
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def numbers_without_zeros(pupils: dict[str, Pupil], rows: list[PupilRow]) -> NumberMatches:
    """The school's `pupils` (by number) whose number rows have lost the leading zeros of
    (or wrote in other digits). A match only when exactly one pupil fits and no row has
    that pupil's own number; a row that several pupils fit, or two rows that fit one
    pupil, is an error, and then nothing is matched."""
    in_file = {row.leerlingnummer for row in rows}
    fitting: dict[str, list[Pupil]] = {}
    for number, pupil in pupils.items():
        if number not in in_file:
            fitting.setdefault(_number_key(number), []).append(pupil)
    matches = NumberMatches()
    claimed: dict[str, int] = {}
    for row in rows:
        if row.leerlingnummer in pupils:
            continue
        fits = fitting.get(_number_key(row.leerlingnummer), [])
        if len(fits) > 1:
            matches.errors.append(_several_fit(row, fits))
        elif fits:
            earlier = claimed.setdefault(fits[0].leerlingnummer, row.row)
            if earlier == row.row:
                matches.renumbered.append((row.leerlingnummer, fits[0].leerlingnummer))
            else:
                matches.errors.append(_fits_twice(row, fits[0], earlier))
    if matches.errors:
        matches.renumbered = []
    return matches


def _several_fit(row: PupilRow, fits: list[Pupil]) -> str:
    return bad_row(
        row.row,
        _(
            "leerlingnummer %(value)s is not in the portal, and more than one pupil of this "
            "school has that number with leading zeros (%(numbers)s). Export the file again "
            "with the numbers as text, so the zeros stay."
        )
        % {
            "value": row.leerlingnummer,
            "numbers": ", ".join(sorted(pupil.leerlingnummer for pupil in fits)),
        },
    )


def _fits_twice(row: PupilRow, pupil: Pupil, earlier: int) -> str:
    return bad_row(
        row.row,
        _(
            "leerlingnummer %(value)s and the number in rij %(other)s both stand for pupil "
            "%(number)s of the portal without its leading zeros. Export the file again with "
            "the numbers as text, so the zeros stay."
        )
        % {"value": row.leerlingnummer, "other": earlier, "number": pupil.leerlingnummer},
    )


def renumbered_warning(renumbered: list[tuple[str, str]]) -> str:
    file_number, number = renumbered[0]
    count = len(renumbered)
    return ngettext(
        "%(count)s pupil number in the file lacks the leading zeros the portal has "
        "(%(file_number)s for %(number)s): a spreadsheet drops them when it reads the number "
        "as a number. It is matched with the one pupil it fits; the portal keeps its number.",
        "%(count)s pupil numbers in the file lack the leading zeros the portal has (for "
        "example %(file_number)s for %(number)s): a spreadsheet drops them when it reads the "
        "number as a number. Each of them is matched with the one pupil it fits; the portal "
        "keeps its number.",
        count,
    ) % {"count": count, "file_number": file_number, "number": number}
