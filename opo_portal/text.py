"""Text from people and strangers that the portal shows: without direction controls.

Unicode's embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069) change
the order in which the characters after them are displayed: a name holding U+202E
RIGHT-TO-LEFT OVERRIDE reads backwards, and so does the rest of its line on a page or in
a spreadsheet ("Jan" + U+202E + "naJ" shows as "JanJan"; a handle can pass for another).
No name, handle or code needs them, so names and short identifiers lose them where they
come in (the pupil import, the feed ingest, the forms where a name is typed), and every
export cell loses them on the way out (schools.csv_safety). A post's text is evidence and
is kept as it came: the pages show it in an element of its own direction (`dir="auto"`).
"""

import re

DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DIRECTION_CONTROL = re.compile(f"[{DIRECTION_CONTROLS}]")


def has_direction_controls(text: str) -> bool:
    # An ASCII text has none: str.isascii reads a flag, no character.
    return not text.isascii() and _DIRECTION_CONTROL.search(text) is not None


def without_direction_controls(text: str) -> str:
    """`text` without Unicode's direction controls (DIRECTION_CONTROLS)."""
    return _DIRECTION_CONTROL.sub("", text) if has_direction_controls(text) else text
