"""The names of a pupil import file's columns: ours, ParnasSys' and schools' own.

A header maps to one of COLUMNS or to nothing; spaces, underscores, hyphens, dots and
slashes and the case do not count ("Geb. datum" is geboortedatum, "E-mail
ouder/verzorger 1" is ouder1_email). Reading the file itself is `schools.importfile`.
"""

import re
import unicodedata

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


def _normalise(name: str) -> str:
    # "Geb. datum", "E-mail ouder/verzorger 1" and "ouder1_email" lose their punctuation
    return re.sub(r"[\s_\-./]+", "", unicodedata.normalize("NFKC", name)).casefold()


# Other names of the columns: ParnasSys' export headers and what schools' own lists use.
# Only names that cannot mean another column ("naam" alone could be any name).
_ALIASES = {
    "leerlingnummer": ("leerlingnr", "llnr", "lln.nr"),
    "voornaam": ("roepnaam",),
    "tussenvoegsel": ("tussenvoegsels", "voorvoegsel", "voorvoegsels"),
    "geboortedatum": ("geb.datum", "geboorte datum"),
    "groep": ("groepsnaam", "stamgroep", "basisgroep", "klas"),
}
_HEADER_KEYS = {_normalise(column): column for column in COLUMNS} | {
    _normalise(alias): column for column, aliases in _ALIASES.items() for alias in aliases
}
# A parent's column: "Naam ouder/verzorger 1", "E-mail ouder 2", "Verzorger 1 gezag" …
_PARENT = r"(?:ouder|verzorger|ouderverzorger)"
_PARENT_FIELD = r"(?P<field>naam|e?mail|emailadres|mailadres|gezag|ouderlijkgezag)"
_PARENT_HEADERS = (
    re.compile(rf"{_PARENT}(?P<number>[12]){_PARENT_FIELD}"),
    re.compile(rf"{_PARENT_FIELD}{_PARENT}(?P<number>[12])"),
)
_PARENT_FIELDS = {"naam": "naam", "gezag": "gezag", "ouderlijkgezag": "gezag"}
# Words of a column that may hold parent details the import would then leave out.
_PARENT_WORDS = ("ouder", "verzorger", "mail", "gezag")


def header_column(name: str) -> str | None:
    """The import's column a header names, or None."""
    key = _normalise(name)
    column = _HEADER_KEYS.get(key)
    if column is not None:
        return column
    for pattern in _PARENT_HEADERS:
        match = pattern.fullmatch(key)
        if match:
            return f"ouder{match['number']}_{_PARENT_FIELDS.get(match['field'], 'email')}"
    return None


def is_date_header(name: str) -> bool:
    return header_column(name) == "geboortedatum"


def same_header(first: str, second: str) -> bool:
    return _normalise(first) == _normalise(second)


def may_hold_parent_details(name: str) -> bool:
    """An unknown column whose name says it may hold a parent's details."""
    key = _normalise(name)
    return any(word in key for word in _PARENT_WORDS)
