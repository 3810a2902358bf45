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

What the logs leave out: the query string (the access log writes the path only, and
gunicorn's own lines about a malformed request line lose theirs) and the key of a password
reset or address check link, which works as a password until it is used.
"""

import json
import logging
import os
import re
import time

from gunicorn import glogging

from ops.logs import TextFormatter, console_formatter, utc_time


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


# allauth's links with a key in the path (account/urls.py): the key is written as "*".
_KEYED_PATH = re.compile(r"(/accounts/(?:password/reset/key|confirm-email)/)[^/\s'\"]+")
_QUERY = re.compile(r"\?[^\s'\"]+")
_STOPPED_BY_THE_ARBITER = re.compile(r"Worker \(pid:\d+\) was sent SIGTERM!")


def without_secrets(text: str) -> str:
    """The text with link keys and query strings written as "*"."""
    return _QUERY.sub("?*", _KEYED_PATH.sub(r"\1*", text))


class _SecretsOut(logging.Filter):
    """For gunicorn's own lines: "Invalid HTTP request line: 'GET /x?code=…'", "Error
    handling request /x?q=…" quote the request as it came."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def _json_lines() -> bool:
    return os.environ.get("LOG_FORMAT") == "json"


class GunicornLogger(glogging.Logger):
    """gunicorn's Logger, with the atoms escaped for LOG_FORMAT (text unless "json"), link
    keys and query strings left out, and for JSON the error log written by
    ops.logs.JsonFormatter."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.atoms_wrapper_class = JsonAtoms if _json_lines() else TextAtoms

    def setup(self, cfg):
        super().setup(cfg)
        # The master's and the workers' lines in the portal's format: time in UTC, level
        # ("Error handling request": exception types, no messages). gunicorn's own format
        # used local time, UTC in the master and Amsterdam time in the workers (Django sets
        # TZ there).
        for handler in self.error_log.handlers:
            handler.addFilter(_SecretsOut())
            handler.setFormatter(console_formatter())
        if not _json_lines():  # a JSON access line is an object of its own (gunicorn.conf.py)
            for handler in self.access_log.handlers:
                handler.setFormatter(TextFormatter())

    def error(self, msg, *args, **kwargs):
        """gunicorn's arbiter logs a worker it stopped itself (a graceful reload, fewer
        workers) that died of that SIGTERM while already exiting as "was sent SIGTERM!" at
        ERROR: at INFO, so a planned reload raises no alert. A SIGKILL ("Perhaps out of
        memory?") and every other error stay errors."""
        if isinstance(msg, str) and _STOPPED_BY_THE_ARBITER.fullmatch(msg):
            self.info(msg, *args, **kwargs)
        else:
            super().error(msg, *args, **kwargs)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["t"] = utc_time(time.time())  # gunicorn's own: local time, in CLF
        if atoms.get("U"):
            atoms["U"] = _KEYED_PATH.sub(r"\1*", atoms["U"])
        return atoms
