"""The web side under load: gunicorn + PostgreSQL, CPU per request against a bare view.

    python bench/web_bench.py [--sizes small,large] [--national] [--rounds 3] [--duration 3]

For each size a PostgreSQL database <prefix>_<size> is migrated and filled by
bench/web/generate.py inside PostgreSQL (INSERT … SELECT; seeded: the same rows every
time; a database already filled by the same generator version is reused). Then gunicorn
serves it as in production (DEBUG off, 2 sync workers, persistent database connections,
Redis cache when REDIS_URL is set), and wrk, a second process, loads one page at a time.
Every size is served at once (a gunicorn each); a round loads each page at every size
back to back, then the next page, the bare view (an HttpResponse through every
middleware, the ceiling) among them: sizes and pages are measured in the same minutes.

Main figure: CPU time per request of the gunicorn processes plus the PostgreSQL backends
serving the bench database (from /proc, so other load on the machine does not count), the
median over the rounds. Beside it: req/s, p50 and p95 latency (these do depend on the
machine's load), and the queries per request. Prints a table with every goal of issue 17
marked met or not, and writes bench/results.json.

Environment: BENCH_PG_URL (postgres://postgres@127.0.0.1:5432), BENCH_DB_PREFIX
(opo_bench), REDIS_URL (optional; without it the cache is per process), BENCH_PAGES (only
these pages; bench/web/prepare.py), BENCH_FLOOR=coverage (the coverage page's data worked
out once per worker: a floor, written to bench/results-floor.json with no goal judged;
bench/web/floor.py).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import goals, measure  # noqa: E402
from bench.web.floor import FLOORS  # noqa: E402

GENERATOR_VERSION = "6"  # 6: the demo part dated by the fill day too (monitoring demo)
PYTHON = sys.executable
# A filled database is reused while its anchor day (bench/web/generate.py) is this recent
# and in today's school year; older data would measure pages on a stale "now".
REUSE_DAYS = 7


def main() -> None:
    args = parse_args()
    floor = os.environ.get("BENCH_FLOOR", "")
    if floor and floor not in FLOORS:
        raise SystemExit(f"BENCH_FLOOR: {floor!r} is not one of {', '.join(FLOORS)}")
    measure.ensure_wrk()
    pg_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    prefix = os.environ.get("BENCH_DB_PREFIX", "opo_bench")
    sizes = args.sizes.split(",") + (["national"] if args.national else [])
    load_before = os.getloadavg()
    prepared = {}
    for size in sizes:
        db_url = f"{pg_url}/{prefix}_{size}"
        env = bench_env(db_url)
        ensure_data(size, db_url, env, args.regenerate)
        if args.generate_only:
            continue
        run_django(["manage.py", "collectstatic", "--noinput", "-v0"], env)  # as in production
        pages = json.loads(run_django(["-m", "bench.web.prepare"], env))["pages"]
        prepared[size] = (pages, env, db_url)
    if args.generate_only:
        return
    results = measure.run_sizes(prepared, args.rounds, args.duration)
    report = {
        "machine": machine(load_before),
        "command": " ".join(["python bench/web_bench.py", *sys.argv[1:]]),
        "rounds": args.rounds,
        "duration_s": args.duration,
        "sizes": results,
    }
    report["goals"] = [] if floor else goals.evaluate(results)
    if floor:
        report["floor"] = floor
    written = ROOT / "bench" / ("results-floor.json" if floor else "results.json")
    written.write_text(json.dumps(report, indent=2) + "\n")
    print(goals.table(report))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--national", action="store_true", help="also 6,000 / 1.4M (minutes)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per page per round")
    parser.add_argument("--regenerate", action="store_true", help="drop and refill the databases")
    parser.add_argument("--generate-only", action="store_true", help="fill, do not measure")
    return parser.parse_args()


def bench_env(db_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.web.settings",
        DATABASE_URL=db_url,
        DEBUG="false",
        SECRET_KEY="bench-secret-not-for-production-" + "x" * 32,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def run_django(args: list[str], env: dict) -> str:
    done = subprocess.run(
        [PYTHON, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def ensure_data(size: str, db_url: str, env: dict, regenerate: bool) -> None:
    """Migrate and fill the size's database unless the same generator filled it for a
    recent day of this school year (`reusable`)."""
    today = bench_today()
    base, name = db_url.rsplit("/", 1)
    psql = ["psql", f"{base}/postgres", "-qtAc"]
    exists = subprocess.run(
        [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and not regenerate:
        found = subprocess.run(
            ["psql", db_url, "-qtAc", "SELECT marker FROM bench_meta"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if reusable(found, size, today):
            print(f"[{size}] reusing {name} ({found})", file=sys.stderr)
            run_django(["manage.py", "migrate", "--noinput", "-v0"], env)  # new indexes
            return
    subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)
    started = time.perf_counter()
    run_django(["manage.py", "migrate", "--noinput", "-v0"], env)
    out = run_django(["-m", "bench.web.generate", size, today.isoformat()], env)
    marker = f"{size}:{GENERATOR_VERSION}:{today.isoformat()}"
    subprocess.run(
        ["psql", db_url, "-qc", f"CREATE TABLE bench_meta AS SELECT '{marker}'::text AS marker"],
        check=True,
    )
    took = time.perf_counter() - started
    print(f"[{size}] generated in {took:.0f} s: {out.strip()}", file=sys.stderr)


def bench_today() -> datetime.date:
    """Today at the schools (the portal's TIME_ZONE), without setting up Django."""
    return datetime.datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def reusable(marker: str, size: str, today: datetime.date) -> bool:
    """Whether a database marked `size:version:anchor day` serves today: the same size and
    generator, anchored at most REUSE_DAYS ago, in today's school year."""
    parts = marker.split(":")
    if len(parts) != 3 or parts[:2] != [size, GENERATOR_VERSION]:
        return False
    try:
        day = datetime.date.fromisoformat(parts[2])
    except ValueError:
        return False
    recent = datetime.timedelta(0) <= today - day <= datetime.timedelta(days=REUSE_DAYS)
    return recent and school_year_start(day) == school_year_start(today)


def school_year_start(day: datetime.date) -> int:
    """The year the day's school year began (1 August), as schools.importer.school_year_for
    counts it (a test compares the two)."""
    return day.year if day.month >= 8 else day.year - 1


def machine(load_before) -> dict:
    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pg = subprocess.run(
        ["psql", "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgres_client": pg,
        "wrk": shutil.which("wrk"),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


if __name__ == "__main__":
    main()
