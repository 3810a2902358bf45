"""The director's coverage page with its data worked out once per worker: what the page
would cost if reading the school's consent and working out its states cost nothing.

    BENCH_FLOOR=coverage BENCH_PAGES="director coverage" python bench/web_bench.py ...

Only for runs of bench/web_bench.py (bench/web/urls.py installs it when BENCH_FLOOR is
set). Every request still goes through the middleware, the login, the director's school,
the review round's query and the whole template, with the same page as its output; only
`coverage_inputs`, `school_coverage` and `coverage_history` answer from a worker's first
request for the school. Such a run writes bench/results-floor.json, not results.json, and
judges no goal: it measures a floor, not the page (bench/PASSES.md, sixteenth pass).
"""

import functools

FLOORS = ("coverage",)
DATA = ("coverage_inputs", "school_coverage", "coverage_history")


def install(floor: str) -> None:
    """Make the coverage view's data functions answer once per school and worker."""
    if floor not in FLOORS:
        raise ValueError(f"BENCH_FLOOR: {floor!r} is not one of {', '.join(FLOORS)}")
    from consent.views import director  # Django is set up by now (bench/web/urls.py)

    for name in DATA:
        setattr(director, name, once_per_school(getattr(director, name)))


def once_per_school(function):
    """`function(school, ...)` worked out on the first call for a school, then kept."""
    kept: dict[int, object] = {}

    @functools.wraps(function)
    def kept_for_school(school, *args, **kwargs):
        if school.pk not in kept:
            kept[school.pk] = function(school, *args, **kwargs)
        return kept[school.pk]

    return kept_for_school
