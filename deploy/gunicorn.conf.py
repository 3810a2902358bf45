"""Gunicorn settings for `make prod`, the Dockerfile and compose.yaml (one file for all).

Every value can be overridden from the environment; the defaults suit one machine.
"""

import multiprocessing
import os
import sys
from pathlib import Path

from opo_portal.checkconfig import configuration_errors_as_one_line
from opo_portal.env import env_bind, env_int

# deploy/run-prod reads this file once before gunicorn does (opo_portal.checkconfig); started
# by hand, gunicorn reads it alone: either way a bad number below is one line on stderr
# and exit 2, not gunicorn's traceback of this file.
with configuration_errors_as_one_line():
    bind = env_bind("BIND", "127.0.0.1:8000")
    # The usual 2 × CPU + 1 sync workers, capped so a big machine does not exhaust PostgreSQL.
    workers = env_int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 12), minimum=1)
    timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=0)
    graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=0)
    keepalive = env_int("GUNICORN_KEEPALIVE", 5, minimum=0)
    # Recycle workers now and then, so a slow leak never grows for weeks (0: never; the web
    # bench reads each worker's CPU from /proc, which a recycled worker takes with it).
    max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000, minimum=0)
# Worker heartbeat files in memory: a slow container disk never looks like a hung worker.
SHM = "/dev/shm"  # noqa: S108 - gunicorn's heartbeat files, no data
worker_tmp_dir = SHM if os.path.isdir(SHM) else None

# Only the reverse proxy in front may say "this came in over HTTPS" (X-Forwarded-Proto);
# Django's SECURE_PROXY_SSL_HEADER reads the same header.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Access log on stdout: the path without its query string (%(U)s, never %(r)s or %(q)s),
# so codes and search terms in URLs stay out of the logs. No client address beyond the
# proxy's, no referrer, no user agent.
accesslog = "-"
errorlog = "-"
# Every value escaped for the format, so a path with %0A or %5C is still one line, and in
# LOG_FORMAT=json one object that parses; the error log in JSON too (ops/access_log.py).
logger_class = "ops.access_log.GunicornLogger"
# The time in UTC, ISO 8601 (GunicornLogger's %(t)s; in text its formatter writes it first).
if os.environ.get("LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", "method": "%(m)s", '
        '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
    )
else:
    access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'


# A graceful reload (HUP to the master, README "Production") starts new workers on the code
# on disk. The master imports part of the portal itself (this file's imports above, the
# logger class); a worker forked after a HUP inherited those old modules instead of
# importing the new version, and new settings calling a new helper of opo_portal/env.py
# failed in every new worker (ops/tests/test_reload.py). So a worker forgets them first.
def post_fork(server, worker):
    code = Path(__file__).resolve().parents[1]
    packages = Path(sys.prefix).resolve()  # the virtualenv, which may live in the clone
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name.startswith("__") or not path:
            continue
        where = Path(path).resolve()
        if where.is_relative_to(code) and not where.is_relative_to(packages):
            del sys.modules[name]
