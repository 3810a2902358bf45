"""The dashboard's queries use their partial indexes (PostgreSQL only).

With a handful of test rows PostgreSQL would rightly read the whole table, so these tests
turn sequential scans off: what they check is that the index *applies* to the query as
written (its condition is implied by the WHERE clause, its order matches the ORDER BY).
A change to the query that makes an index useless fails here. The time the indexes save
at 1M posts is measured in bench/ (README, "Performance").
"""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import require_service
from monitoring import selectors
from monitoring.forms import mention_sources
from monitoring.models import FollowUp
from monitoring.services import post_at_address
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source


@pytest.fixture
def postgres(db):
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def plan_sql(query: tuple[str, list], *, index_only: bool = False) -> str:
    """The plan of a read written in SQL (selectors.flag_rows_query, case_rows_query).
    With `index_only`, index and bitmap scans (which read the table too) are off as well:
    a read an index answers alone is the one left where an index can."""
    sql, params = query
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if index_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def indexes_used(text: str) -> set[str]:
    return set(re.findall(r"(?:using|Index Scan on) (\w+)", text))


@pytest.fixture
def flags(school_a, school_b):
    source = make_source()
    for number in range(6):
        school = school_a if number % 2 else school_b
        case = make_case(school, priority=number % 2)
        make_flag(make_post(source, str(number)), school, case=case, urgent=number == 3)
    make_flag(make_post(source, "p"), school_a, category="positive")


def test_it_reads_the_boards_recent_flags_from_the_partial_index(postgres, flags, board):
    text = plan(selectors.recent_flags(board, limit=50))
    assert "flag_open_recent" in indexes_used(text)
    assert "Sort" not in text  # the index gives the order


def test_it_reads_a_directors_recent_flags_from_the_school_index(postgres, flags, director_a):
    text = plan(selectors.recent_flags(director_a, limit=50))
    assert "flag_open_recent_school" in indexes_used(text)
    assert "Sort" not in text


def test_it_reads_open_cases_from_the_partial_index(postgres, flags, board):
    text = plan(selectors.open_cases(board, limit=50))
    assert "followup_open_order" in indexes_used(text)


def test_the_dashboards_sql_reads_flags_from_the_partial_indexes(
    postgres, flags, board, director_a
):
    text = plan_sql(selectors.flag_rows_query(board, limit=50))
    assert "flag_open_recent" in indexes_used(text)
    assert "Sort" not in text
    text = plan_sql(selectors.flag_rows_query(director_a, limit=50))
    assert "flag_open_recent_school" in indexes_used(text)
    assert "Sort" not in text


def test_the_dashboards_sql_reads_open_cases_from_the_partial_index(postgres, flags, board):
    text = plan_sql(selectors.case_rows_query(board, limit=50))
    assert "followup_open_order" in indexes_used(text)


def test_the_dashboards_cases_count_their_flags_from_the_covering_index(
    postgres, flags, board, director_a
):
    """One index-only read a listed case gives both its flag count and its categories.

    With a test's handful of fresh rows (none all-visible) the index on followup_id plus a
    filter costs the planner as much as the covering index, which it prefers at scale
    (bench/PASSES.md, EXPLAIN ANALYZE at large), and it chose either by the statistics
    earlier tests left. So this asserts what the index is for: with reads that visit the
    table off, the flags of a case are still read once, from flag_case_open alone."""
    for user in (board, director_a):
        text = plan_sql(selectors.case_rows_query(user, limit=50), index_only=True)
        assert "Index Only Scan using flag_case_open" in text, text
        assert text.count("on monitoring_flag") == 1


def test_it_lists_only_open_non_positive_flags_newest_urgent_first(db, flags, board):
    listed = list(selectors.recent_flags(board, limit=50))
    assert len(listed) == 6
    assert listed[0].urgent
    assert all(f.category != "positive" for f in listed)
    cases = list(selectors.open_cases(board, limit=50))
    assert [c.priority for c in cases] == sorted(c.priority for c in cases)
    assert all(c.flag_count == 1 and c.status in FollowUp.OPEN_STATUSES for c in cases)


def test_the_mentions_filter_reads_its_sources_from_indexes(postgres, flags, school_a):
    """As an OR (brought a post, the school's own, the foundation's) PostgreSQL read every
    source of the foundation, one per school; each arm of the UNION has an index."""
    text = plan(mention_sources(school_a))
    assert "Seq Scan on monitoring_source" not in text
    assert "monitoring_source_school_id" in " ".join(indexes_used(text))


def test_the_dashboards_school_links_come_in_order_from_the_name_index(postgres, flags):
    text = plan_sql((selectors.SCHOOL_LINKS_SQL, [21]))
    assert "school_name" in indexes_used(text)
    assert "Sort" not in text


def _plans_of_reads(function) -> list[str]:
    """The plan of every read `function()` makes, with sequential scans off."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as reads:
            function()
        plans = []
        for read in reads.captured_queries:
            cursor.execute(f"EXPLAIN {read['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.parametrize("stored", [True, False])
def test_a_staff_report_finds_a_post_by_its_address_from_the_index(postgres, school_a, stored):
    """Whether or not a post has the address: never a walk over every post (an ORDER BY
    id LIMIT 1 read the primary key's whole index when none had it)."""
    source = make_source()
    for number in range(20):
        url = f"https://social.example/@ouder/{number}"
        make_post(source, str(number), url=url if stored or number != 1 else "")
    plans = _plans_of_reads(
        lambda: post_at_address(url="https://social.example/@ouder/1#x", school=school_a)
    )
    assert "monitoring_post_url_lookup" in indexes_used(plans[0]), plans[0]
    assert "monitoring_post_pkey" not in indexes_used("\n".join(plans))
    assert len(plans) == (2 if stored else 1)
