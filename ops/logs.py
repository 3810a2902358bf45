"""Log formatting: exceptions without their messages; LOG_FORMAT=json for log shippers.

An exception's message can quote data: PostgreSQL's "Failing row contains (…)" or
"Key (…)=(…)" name a pupil's row, a ValueError repeats its input. Logs keep the exception
types and the stack (file, line, function, code) and drop the messages, as error reports
do (ops/errors.py).
"""

import datetime
import json
import logging
import logging.config
import os
import re
import traceback
from collections.abc import Mapping
from urllib.parse import urlsplit

CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _chain(error: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and its causes, oldest first, each with the line leading to the next."""
    chain = [(error, "")]
    while True:
        newer = chain[-1][0]
        if newer.__cause__ is not None:
            older, link = newer.__cause__, CAUSE
        elif newer.__context__ is not None and not newer.__suppress_context__:
            older, link = newer.__context__, CONTEXT
        else:
            break
        if any(older is seen for seen, _ in chain):
            break
        chain.append((older, link))
    return chain[::-1]


def exception_without_messages(exc_info) -> str:
    """A traceback like Python's, with every exception's type but none of its messages."""
    parts = []
    for error, leads_on in _chain(exc_info[1]):
        kind = type(error)
        name = kind.__qualname__
        if kind.__module__ != "builtins":
            name = f"{kind.__module__}.{name}"
        frames = "".join(traceback.format_tb(error.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{name}\n{leads_on}")
    return "".join(parts).rstrip("\n")


def _exception_kind(record: logging.LogRecord, shown) -> str:
    """The type of the exception a Celery line shows, without what it says."""
    if record.exc_info and record.exc_info[1] is not None:
        return type(record.exc_info[1]).__name__
    # A retry shows "Retry in 5s: ValueError('…')"; a failure without traceback "Kind('…')".
    return re.split(r"[(:]", str(shown), maxsplit=1)[0].strip()


class TaskLinesWithoutMessages(logging.Filter):
    """Celery's task failure and retry lines ("Task … raised unexpected: %(exc)s") put the
    exception's repr, message and all, into the line itself: keep its type only."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == "celery.app.trace" and isinstance(args, Mapping) and "exc" in args:
            record.args = {**args, "exc": _exception_kind(record, args["exc"])}
        return True


class SuspiciousRequestsAsWarnings(logging.Filter):
    """Django logs a request it refuses as suspicious (a Host not in ALLOWED_HOSTS, too many
    fields) at ERROR with its traceback: scanners asking a node by its address filled the
    log with 15-line entries. The line that names what was refused is enough: a warning.
    sentry-sdk reads a record after the handlers ran, so neither is it an error report."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.exc_info:
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


# SQLSTATEs of a database out of reach rather than of a statement: connection exceptions
# (08), no free connection slot (53300), the operator's shutdown or a restart (57P).
UNREACHABLE_STATES = ("08", "53300", "57P")


def database_unreachable(error: BaseException | None) -> bool:
    """An error that says PostgreSQL could not be reached or went away (connection refused
    or dropped, no free slot, a shutdown); not one it answered about a statement (a
    deadlock, a statement timeout), nor SQLite's."""
    from django.db import InterfaceError, OperationalError

    if not isinstance(error, InterfaceError | OperationalError):
        return False
    cause = error.__cause__ or error
    if not type(cause).__module__.startswith("psycopg"):
        return False
    state = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    return state is None or state.startswith(UNREACHABLE_STATES)


class DatabaseOutagesAsWarnings(logging.Filter):
    """A request or task that failed because PostgreSQL was away (a restart, a failover,
    max_connections reached) was an ERROR with a traceback of ~100 lines: every request
    and every beat tick during a minute's outage, thousands of lines hiding anything else.
    An outage is no defect, and /health/ready names it: one WARNING line each."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and database_unreachable(record.exc_info[1]):
            record.msg, record.args = f"{record.getMessage()} (database unreachable)", ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class NoPillowDebugLines(logging.Filter):
    """Pillow's DEBUG lines quote an image's metadata, tag by tag: a caption, an author or a
    comment naming a pupil, a serial number, GPS. settings.LOGGING keeps the PIL logger at
    INFO, but a logger level is easily lowered (`logging.getLogger("PIL").setLevel`, an IT
    partner's own logging config, a debugging session): the handler drops them too."""

    def filter(self, record: logging.LogRecord) -> bool:
        pillow = record.name == "PIL" or record.name.startswith("PIL.")
        return not (pillow and record.levelno < logging.INFO)


def url_without_query(url) -> str:
    """Scheme, host, port and path: no user or password, no query string, no fragment."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class OutgoingRequestsWithoutQuery(logging.Filter):
    """httpx logs every request it sends at INFO ("HTTP Request: GET <url> ..."), with the
    query string: the terms of a search source (a news site's search feed, a Bluesky
    search), a pupil's name among them if someone watches for it. The line keeps the host
    and path, as the access log keeps the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == "httpx" and isinstance(args, tuple) and len(args) >= 2:
            record.args = (args[0], url_without_query(args[1]), *args[2:])
        return True


# The console handler's filters that keep data out of the lines (settings.LOGGING names
# them too); Celery's own handlers get them from celery_handlers_in_our_format.
PRIVACY_FILTERS = (TaskLinesWithoutMessages, NoPillowDebugLines, OutgoingRequestsWithoutQuery)
# What Celery's handlers get besides (the console handler has it from settings.LOGGING).
TASK_FILTERS = (*PRIVACY_FILTERS, DatabaseOutagesAsWarnings)


def console_formatter() -> logging.Formatter:
    """The portal's formatter for LOG_FORMAT (the environment's: gunicorn's master reads no
    Django settings)."""
    return JsonFormatter() if os.environ.get("LOG_FORMAT") == "json" else TextFormatter()


def celery_handlers_in_our_format(logger: logging.Logger) -> None:
    """For the handlers Celery sets up itself (the worker's and beat's root logger with
    LOG_FORMAT=text, the task loggers in either format): our format, time in UTC and level
    first, instead of Celery's `[%(asctime)s: …]` in local (Amsterdam) time; exceptions by
    type and stack, and the PRIVACY_FILTERS: task lines without exception messages, no
    Pillow DEBUG lines, outgoing requests without their query strings; a task that failed
    on a database outage as one warning line (TASK_FILTERS)."""
    for handler in logger.handlers:
        for kind in TASK_FILTERS:
            if not any(isinstance(f, kind) for f in handler.filters):
                handler.addFilter(kind())
        handler.setFormatter(console_formatter())


# A line break or other control character in a message (a requested path, a feed's title)
# would start a line of the attacker's own: written as its escape instead (as Django writes
# the request paths it logs).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _escaped_control(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def utc_time(created: float) -> str:
    """A record's time in UTC, ISO 8601. Never local time: Django sets TZ to TIME_ZONE in
    every process that loads it, so gunicorn's master (which does not) and its workers, the
    Celery worker and beat wrote four clocks an hour apart half the year."""
    return datetime.datetime.fromtimestamp(created, datetime.UTC).isoformat()


class TextFormatter(logging.Formatter):
    """`<time in UTC> <LEVEL> <logger> [<pid>] <message>` for every process: Django's lines,
    gunicorn's master, worker and access lines (ops.access_log), the Celery worker and beat
    (opo_portal.celery)."""

    def format(self, record: logging.LogRecord) -> str:
        text = _CONTROL.sub(_escaped_control, record.getMessage())
        if record.exc_info:  # never record.exc_text: another handler may have cached it whole
            text += "\n" + exception_without_messages(record.exc_info)
        when = utc_time(record.created)
        return f"{when} {record.levelname} {record.name} [{record.process}] {text}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = exception_without_messages(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(config: dict) -> None:
    """settings.LOGGING_CONFIG: Django's dictConfig and Python's warnings through it too (a
    warning, such as Celery's about running as root, is otherwise printed to stderr as plain
    text, without time or level, and in no JSON object)."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
