"""Serve a bench database with gunicorn, load pages with wrk, read CPU time from /proc."""

import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent.parent
TICK = os.sysconf("SC_CLK_TCK")
WORKERS = 2
CONNECTIONS = 2
MIN_REQUESTS = 30
MAX_SECONDS = 10

# wrk prints one JSON line when done: requests, errors and latency percentiles (µs).
WRK_SCRIPT = """
wrk.method = "%(method)s"
%(body)s
%(headers)s
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('{"requests": %%d, "errors": %%d, "p50": %%d, "p95": %%d}\\n',
    summary.requests, errors, latency:percentile(50), latency:percentile(95)))
end
"""


def ensure_wrk() -> None:
    """wrk from Debian; installed here when running as root, else a clear message."""
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install wrk)", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return
    raise SystemExit("wrk is missing: sudo apt-get install wrk")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_by_pid(pids) -> dict[int, float]:
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return times


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings; a process that started in between counts whole.

    A backend that ended in between (a connection past CONN_MAX_AGE) is not in `after`;
    its last moments are lost, a slight undercount rather than a negative figure.
    """
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def gunicorn_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *(int(p) for p in children.read_text().split())]


class Backends:
    """The PostgreSQL server processes connected to the bench database (not our own)."""

    def __init__(self, db_url: str):
        self.name = db_url.rsplit("/", 1)[1]
        self.conn = psycopg2.connect(db_url)
        self.conn.autocommit = True

    def pids(self) -> list[int]:
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
            return [row[0] for row in cursor.fetchall()]

    def close(self):
        self.conn.close()


def production_overrides(port: int) -> dict:
    """deploy/gunicorn.conf.py as `make prod` runs it, but for the port, the number of
    workers and their recycling: a recycled worker's CPU leaves /proc with it."""
    return {
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_MAX_REQUESTS": "0",
    }


class Server:
    def __init__(self, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                f"--config={ROOT / 'deploy' / 'gunicorn.conf.py'}",
                "--log-level=warning",
                "opo_portal.wsgi:application",
            ],
            env={**env, **production_overrides(self.port)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,  # the access log, written as in production
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait()

    def _wait(self):
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/health/", timeout=2).read()  # noqa: S310
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer")

    def pids(self) -> list[int]:
        return gunicorn_pids(self.process.pid)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk_script(page: dict) -> str:
    headers = []
    if page.get("cookie"):
        headers.append(f'wrk.headers["Cookie"] = "{page["cookie"]}"')
    body = ""
    if page["method"] == "POST":
        headers.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
        body = f'wrk.body = "{page["body"]}"'
    return WRK_SCRIPT % {"method": page["method"], "body": body, "headers": "\n".join(headers)}


def load(server: Server, backends: Backends, page: dict, duration: float) -> dict:
    """One wrk run against one page; CPU of gunicorn + backends over exactly that run."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(page))
    before = cpu_by_pid(server.pids() + backends.pids())
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{duration:g}s",
            "--timeout=60s",
            "-s",
            script.name,
            server.url + page["path"],
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = cpu_spent(before, cpu_by_pid(server.pids() + backends.pids()))
    os.unlink(script.name)
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = duration
    for line in done.stdout.splitlines():
        if line.strip().startswith(tuple("0123456789")) and "requests in" in line:
            seconds = float(line.split("requests in", 1)[1].split("s", 1)[0].strip().rstrip("m"))
    requests = max(stats["requests"], 1)
    return {
        "cpu_ms": 1000 * cpu / requests,
        "rps": requests / seconds,
        "p50_ms": stats["p50"] / 1000,
        "p95_ms": stats["p95"] / 1000,
        "errors": stats["errors"],
        "requests": stats["requests"],
    }


def run_seconds(rps: float, duration: float) -> int:
    """Long enough for MIN_REQUESTS (requests in flight at the end skew short runs)."""
    return math.ceil(min(MAX_SECONDS, max(duration, MIN_REQUESTS / max(rps, 0.1))))


def run_sizes(sizes: dict[str, tuple[list, dict, str]], rounds: int, duration: float) -> dict:
    """Measure every size in the same rounds: size -> (pages, env, database URL).

    Each size has its own gunicorn and its own backends, all started first. Within a round
    a page is loaded at every size back to back, then the next page: a drift of the
    machine's speed (another process, the CPU's clock) then falls on every size alike, and
    "large ÷ small" compares like with like (run one size after the other, the bare view
    itself once came out 1.28 × dearer at large than at small)."""
    servers: dict[str, Server] = {}
    backends: dict[str, Backends] = {}
    runs: dict[str, dict[str, list[dict]]] = {}
    try:
        for size, (pages, env, db_url) in sizes.items():
            servers[size] = Server(env)
            backends[size] = Backends(db_url)
            runs[size] = {p["name"]: [] for p in pages if "skipped" not in p}
        durations = _warm_up(sizes, servers, backends, duration)
        names = list(dict.fromkeys(name for size in runs for name in runs[size]))
        for number in range(rounds):
            print(f"[{', '.join(sizes)}] round {number + 1}/{rounds}", file=sys.stderr)
            for name in names:
                for size, (pages, _env, _url) in sizes.items():
                    if name in runs[size]:
                        page = _named(pages, name)
                        seconds = durations[size, name]
                        runs[size][name].append(load(servers[size], backends[size], page, seconds))
    finally:
        for each in backends.values():
            each.close()
        for server in servers.values():
            server.stop()
    return {size: _summary(pages, runs[size]) for size, (pages, _env, _url) in sizes.items()}


def _named(pages: list[dict], name: str) -> dict:
    return next(page for page in pages if page["name"] == name)


def _warm_up(sizes, servers, backends, duration) -> dict[tuple[str, str], int]:
    """Warm every page up (caches, connections) and size each page's run."""
    durations = {}
    for size, (pages, _env, _url) in sizes.items():
        for page in pages:
            if "skipped" not in page:
                warm = load(servers[size], backends[size], page, 2)
                durations[size, page["name"]] = run_seconds(warm["rps"], duration)
    return durations


def _summary(pages: list[dict], runs: dict[str, list[dict]]) -> dict:
    result = {}
    for page in pages:
        if "skipped" in page:
            result[page["name"]] = {"skipped": page["skipped"]}
            continue
        samples = runs[page["name"]]
        result[page["name"]] = {
            "path": page["path"],
            "method": page["method"],
            "queries": page["queries"],
            "cpu_ms": statistics.median(s["cpu_ms"] for s in samples),
            "cpu_ms_rounds": [round(s["cpu_ms"], 3) for s in samples],
            "rps": statistics.median(s["rps"] for s in samples),
            "p50_ms": statistics.median(s["p50_ms"] for s in samples),
            "p95_ms": statistics.median(s["p95_ms"] for s in samples),
            "errors": sum(s["errors"] for s in samples),
        }
    return result
