"""EXPLAIN ANALYZE of the queries issue 17 indexed or rewrote, on a generated database.

    DJANGO_SETTINGS_MODULE=bench.web.settings DATABASE_URL=.../opo_bench_large \\
        python -m bench.web.explain [--plans]
        python -m bench.web.explain --page "director coverage" [--plans]

Prints, per query, the execution time PostgreSQL reports (median of 5) and the indexes
the plan uses; --plans prints the whole plans. The query-time budget lives here, not in
a timed unit test (tests assert the plan uses the index: monitoring/tests/test_indexes.py).

With --page, the queries are those one request of a bench page runs (a page name of
bench/web/prepare.py, logged in as its user; the second request, as prepare.py counts
them): every SELECT it sends is explained, slowest first.
"""

import argparse
import re
import statistics

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from bench.web import prepare  # noqa: E402
from bench.web.prepare import bench_cast  # noqa: E402
from consent.views.teacher import _reachable_groups  # noqa: E402
from monitoring import selectors  # noqa: E402
from policy.models import ProtocolVersion  # noqa: E402
from policy.selectors import CONFIRMATION_COUNTS_SQL, SCHOOL_STAFF_ROLES  # noqa: E402
from policy.views import SCHOOLS_PER_PAGE  # noqa: E402
from schools.access import directed_schools, pupils_for_staff  # noqa: E402


def queries(cast) -> dict:
    version = ProtocolVersion.objects.current()
    return {
        "recent flags, board": selectors.recent_flags(cast["board"], limit=50),
        "recent flags, director": selectors.recent_flags(cast["director"], limit=50),
        "open cases, board": selectors.open_cases(cast["board"], limit=50),
        "confirmation counts, board": (
            CONFIRMATION_COUNTS_SQL,
            [_first_page(directed_schools(cast["board"])), version.pk, list(SCHOOL_STAFF_ROLES)],
        ),
        "pupils in reach, teacher": pupils_for_staff(cast["teacher"]).current(),
        "reachable groups, director": _reachable_groups(cast["director"]),
    }


def _first_page(schools) -> list[int]:
    """The ids of the first page of the board's confirmations page."""
    return list(schools.order_by("name").values_list("pk", flat=True)[:SCHOOLS_PER_PAGE])


def page_queries(name: str) -> dict:
    """The SELECTs of one request of the bench page `name`, keyed by their order."""
    page = next(p for p in prepare.pages(bench_cast()) if p["name"] == name)
    client = Client()
    for part in (page["cookie"] or "").split("; "):
        if "=" in part:
            key, value = part.split("=", 1)
            client.cookies[key] = value
    # the reads as plain SQL: a prepared one is captured as EXECUTE, which has no text
    with override_settings(DATABASE_PREPARED_READS=False):
        captured = _second_request(client, page)
    return {
        f"#{n} {q['sql'][:60]}": q["sql"]
        for n, q in enumerate(captured.captured_queries, 1)
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH", "(SELECT"))
    }


def _second_request(client, page) -> CaptureQueriesContext:
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            if page["body"]:
                client.post(
                    page["path"], page["body"], content_type="application/x-www-form-urlencoded"
                )
            else:
                client.get(page["path"])
    return captured


def explain(query) -> tuple[float, str]:
    if isinstance(query, str):
        sql, params = query, None
    elif isinstance(query, tuple):
        sql, params = query
    else:
        sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)), plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", action="store_true", help="print the whole plans")
    parser.add_argument("--page", help="explain the queries of this bench page instead")
    args = parser.parse_args()
    todo = page_queries(args.page) if args.page else queries(bench_cast())
    results = []
    for name, query in todo.items():
        runs = [explain(query) for _ in range(5)]
        plan = runs[-1][1]
        used = sorted(set(re.findall(r"(?:using|Index Scan on) (\w+)", plan)))
        results.append((statistics.median(ms for ms, _ in runs), name, used, plan))
    if args.page:
        results.sort(key=lambda r: -r[0])
    for median, name, used, plan in results:
        print(f"{name:32} {median:9.2f} ms  indexes: {', '.join(used) or '-'}")
        if args.plans:
            print(plan + "\n")


if __name__ == "__main__":
    main()
