"""`python -m ops.lines NAME`: every line on stdin as a log line of logger NAME at INFO, in
LOG_FORMAT (time in UTC, level; one JSON object per line with LOG_FORMAT=json), as every
other process of the production start writes. deploy/run-prod's `release` sends the output
of migrate, compile_translations and collectstatic through it; their errors stay on stderr.
"""

import logging
import sys

from ops.logs import console_formatter


def as_log_lines(name: str, lines, stream) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console_formatter())
    log = logging.getLogger(name)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    for line in lines:
        if line.strip():
            log.info("%s", line.strip())
            handler.flush()


if __name__ == "__main__":
    as_log_lines(sys.argv[1] if len(sys.argv) > 1 else "release", sys.stdin, sys.stdout)
