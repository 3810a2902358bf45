"""Log formatting: exceptions without their messages; LOG_FORMAT=json for log shippers.

An exception's message can quote data: PostgreSQL's "Failing row contains (…)" or
"Key (…)=(…)" name a pupil's row, a ValueError repeats its input. Logs keep the exception
types and the stack (file, line, function, code) and drop the messages, as error reports
do (ops/errors.py).
"""

import datetime
import json
import logging
import traceback

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


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.exc_info:  # never record.exc_text: another handler may have cached it whole
            text += "\n" + exception_without_messages(record.exc_info)
        return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = exception_without_messages(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
