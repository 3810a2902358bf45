"""Gunicorn's access log with every value escaped for the format it is written in.

Gunicorn writes the path as the request decoded it (PATH_INFO) and escapes only double
quotes. Anyone can ask for a path with an encoded line break (%0A) or backslash (%5C): in the
text format the line break starts a forged log line, and in LOG_FORMAT=json it breaks the
object the IT partner's log shipper reads (a backslash before the closing quote swallows the
next field). Here a text line gets Python's escapes (as Django's own request log does since
CVE-2025-48432) and a JSON line JSON's, so every request is exactly one line and every JSON
line parses. `deploy/gunicorn.conf.py` sets `logger_class` to `AccessLogger`.
"""

import json
import os

from gunicorn import glogging


def text_escaped(value: str) -> str:
    """Control characters, backslashes and non-ASCII as Python escapes; quotes escaped."""
    return value.encode("unicode_escape").decode("ascii").replace('"', '\\"')


def json_escaped(value: str) -> str:
    """The inside of a JSON string."""
    return json.dumps(value)[1:-1]


class TextAtoms(glogging.SafeAtoms):
    """gunicorn's SafeAtoms (missing atoms read "-"), with every text value escaped."""

    escape = staticmethod(text_escaped)

    def __init__(self, atoms):
        dict.__init__(self, atoms)
        for key, value in atoms.items():  # printable, no quote, no backslash: as it is
            if type(value) is str and (not value.isprintable() or '"' in value or "\\" in value):
                self[key] = self.escape(value)


class JsonAtoms(TextAtoms):
    escape = staticmethod(json_escaped)


class AccessLogger(glogging.Logger):
    """gunicorn's Logger, with the atoms escaped for LOG_FORMAT (text unless "json")."""

    def __init__(self, cfg):
        super().__init__(cfg)
        json_lines = os.environ.get("LOG_FORMAT") == "json"
        self.atoms_wrapper_class = JsonAtoms if json_lines else TextAtoms
