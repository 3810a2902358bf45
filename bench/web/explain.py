"""EXPLAIN ANALYZE of the queries issue 17 indexed or rewrote, on a generated database.

    DJANGO_SETTINGS_MODULE=bench.web.settings DATABASE_URL=.../opo_bench_large \\
        python -m bench.web.explain [--plans]

Prints, per query, the execution time PostgreSQL reports (median of 5) and the indexes
the plan uses; --plans prints the whole plans. The query-time budget lives here, not in
a timed unit test (tests assert the plan uses the index: monitoring/tests/test_indexes.py).
"""

import re
import statistics
import sys

import django

django.setup()

from django.db import connection  # noqa: E402

from bench.web.prepare import bench_cast  # noqa: E402
from consent.views.teacher import _reachable_groups  # noqa: E402
from monitoring import selectors  # noqa: E402
from policy.models import ProtocolVersion  # noqa: E402
from policy.selectors import schools_with_confirmation_counts  # noqa: E402
from schools.access import directed_schools, pupils_for_staff  # noqa: E402


def queries(cast) -> dict:
    version = ProtocolVersion.objects.current()
    return {
        "recent flags, board": selectors.recent_flags(cast["board"], limit=50),
        "recent flags, director": selectors.recent_flags(cast["director"], limit=50),
        "open cases, board": selectors.open_cases(cast["board"], limit=50),
        "confirmation counts, board": schools_with_confirmation_counts(
            directed_schools(cast["board"]), version
        ),
        "pupils in reach, teacher": pupils_for_staff(cast["teacher"]).current(),
        "reachable groups, director": _reachable_groups(cast["director"]),
    }


def explain(queryset) -> tuple[float, str]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)), plan


def main(show_plans: bool) -> None:
    for name, queryset in queries(bench_cast()).items():
        runs = [explain(queryset) for _ in range(5)]
        plan = runs[-1][1]
        used = sorted(set(re.findall(r"(?:using|Index Scan on) (\w+)", plan)))
        median = statistics.median(ms for ms, _ in runs)
        print(f"{name:32} {median:9.2f} ms  indexes: {', '.join(used) or '-'}")
        if show_plans:
            print(plan + "\n")


if __name__ == "__main__":
    main("--plans" in sys.argv)
