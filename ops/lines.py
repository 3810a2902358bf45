"""`python -m ops.lines NAME [LEVEL]`: every line on stdin as a log line of logger NAME at
LEVEL (INFO unless given), in LOG_FORMAT (time in UTC, level; one JSON object per line with
LOG_FORMAT=json), as every other process of the production start writes. deploy/run-prod's
`release` sends the output of migrate, compile_translations and collectstatic through it;
their errors stay on stderr. run-prod's own messages (a process stopped, a release failed)
go through it too.
"""

import logging
import sys

from ops.logs import console_formatter


def as_log_lines(name: str, lines, stream, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console_formatter())
    log = logging.getLogger(name)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    for line in lines:
        if line.strip():
            log.log(level, "%s", line.strip())
            handler.flush()


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "release"
    level = logging.getLevelName(sys.argv[2]) if len(sys.argv) > 2 else logging.INFO
    as_log_lines(name, sys.stdin, sys.stdout, level)
