"""bench/web_bench.py reuses a filled bench database only while its data is current: the
same generator, anchored at most a week ago, in today's school year."""

import datetime

import pytest

from bench import web_bench
from schools.importer import school_year_for

VERSION = web_bench.GENERATOR_VERSION
DAY = datetime.date(2026, 12, 6)


@pytest.mark.parametrize(
    ("marker", "today", "reused"),
    [
        (f"small:{VERSION}:2026-12-06", DAY, True),
        (f"small:{VERSION}:2026-11-29", DAY, True),  # a week old
        (f"small:{VERSION}:2026-11-28", DAY, False),  # eight days old
        (f"small:{VERSION}:2026-12-07", DAY, False),  # filled for a later day
        (f"large:{VERSION}:2026-12-06", DAY, False),  # another size
        ("small:4", DAY, False),  # an older generator, with its fixed day
        ("small:5:not-a-day", DAY, False),
        ("", DAY, False),  # no marker: a database the bench did not fill
        # a new school year: last year's groups would be measured as empty classes
        (f"small:{VERSION}:2027-07-31", datetime.date(2027, 8, 1), False),
        (f"small:{VERSION}:2027-08-01", datetime.date(2027, 8, 3), True),
    ],
)
def test_reusable(marker, today, reused):
    assert web_bench.reusable(marker, "small", today) is reused


def test_school_year_start_counts_as_the_importer_does():
    day = datetime.date(2026, 7, 25)
    for offset in range(20):  # across 1 August
        current = day + datetime.timedelta(days=offset)
        start = web_bench.school_year_start(current)
        assert school_year_for(current) == f"{start}-{start + 1}"
