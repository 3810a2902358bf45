"""Gunicorn's logs in the portal's formats: the access log with every value escaped for its
format, and with LOG_FORMAT=json the error log (startup, worker timeouts, refused request
lines) as JSON objects too.

Gunicorn writes the path as the request decoded it (PATH_INFO) and escapes only double
quotes. Anyone can ask for a path with an encoded line break (%0A) or backslash (%5C): in the
text format the line break starts a forged log line, and in LOG_FORMAT=json it breaks the
object the IT partner's log shipper reads (a backslash before the closing quote swallows the
next field). Here a text line gets Python's escapes (as Django's own request log does since
CVE-2025-48432) and a JSON line JSON's, so every request is exactly one line and every JSON
line parses. `deploy/gunicorn.conf.py` sets `logger_class` to `GunicornLogger`.
"""

import json
import os

from gunicorn import glogging

from ops.logs import JsonFormatter


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


def _json_lines() -> bool:
    return os.environ.get("LOG_FORMAT") == "json"


class GunicornLogger(glogging.Logger):
    """gunicorn's Logger, with the atoms escaped for LOG_FORMAT (text unless "json") and,
    for JSON, the error log written by ops.logs.JsonFormatter."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.atoms_wrapper_class = JsonAtoms if _json_lines() else TextAtoms

    def setup(self, cfg):
        super().setup(cfg)
        if _json_lines():
            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())
