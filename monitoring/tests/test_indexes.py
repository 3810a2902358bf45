"""The dashboard's queries use their partial indexes (PostgreSQL only).

With a handful of test rows PostgreSQL would rightly read the whole table, so these tests
turn sequential scans off: what they check is that the index *applies* to the query as
written (its condition is implied by the WHERE clause, its order matches the ORDER BY).
A change to the query that makes an index useless fails here. The time the indexes save
at 1M posts is measured in bench/ (README, "Performance").
"""

import datetime
import random
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.board import cases_needing_attention, schools_without_contact
from conftest import analyze_what_it_reads, require_service
from monitoring import selectors
from monitoring.forms import mention_sources
from monitoring.models import Flag, FollowUp, Post, content_hash
from monitoring.services import post_at_address
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from schools.models import School


@pytest.fixture
def postgres(db, school_a, school_b):
    """PostgreSQL, with a year of posts around the test's own rows: each plan is read with
    statistics of these rows (the plan helpers ANALYZE what they read), never with those
    earlier tests left (OPO_MISLEADING_STATISTICS)."""
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    _a_year_of_posts(school_a, school_b)


def _a_year_of_posts(*schools, count: int = 4000) -> None:
    """A year of posts, each flagged for one of `schools` or eight others, a quarter of the
    flags dismissed, the rest in closed cases: a few hundred open flags per school, so the
    indexes asserted below are the cheap reads, as at scale, whatever a handful of rows
    would make of them."""
    others = School.objects.bulk_create(
        School(code=f"archief-{n}", name=f"OBS {n}") for n in range(8)
    )
    schools += tuple(others)
    source = make_source("https://archief.example/feed.rss")
    start = timezone.now() - datetime.timedelta(days=365)
    posts = Post.objects.bulk_create(
        Post(
            source=source,
            external_id=str(n),
            text=f"Bericht {n}",
            content_hash=content_hash(f"Bericht {n}", False),
            url=f"https://archief.example/@ouder/{n}",
            fetched_at=start + datetime.timedelta(hours=2 * n),
        )
        # stored out of time order, as fetches of many sources are: no free ride for a
        # walk in time order that filters most of what it reads
        for n in random.Random(7).sample(range(count), count)
    )
    closed = FollowUp.objects.bulk_create(
        FollowUp(
            school=schools[n % len(schools)], opened_at=start, status="closed", closed_at=start
        )
        for n in range(count // 20)
    )
    # and cases still open, most of them normal and old, as a board's are: the page's first
    # 50 are read off an index in the page's order (a handful of open rows left the choice
    # to a table's bloat from earlier tests: read another index, then sort them all)
    FollowUp.objects.bulk_create(
        FollowUp(
            school=schools[n % len(schools)],
            opened_at=start + datetime.timedelta(hours=n),
            status="new",
            priority=FollowUp.Priority.URGENT if n % 10 == 0 else FollowUp.Priority.NORMAL,
        )
        for n in range(count // 10)
    )
    Flag.objects.bulk_create(
        Flag(
            post=post,
            school=schools[n % len(schools)],
            category="negative_experience",
            score=0.8,
            matched=["boos"],
            rule_version="test",
            created_at=post.fetched_at,
            raised_at=post.fetched_at,
            followup=closed[n % len(closed)] if n % 4 else None,
            dismissed_as_false_positive=not n % 4,
            urgent=False,
        )
        for n, post in enumerate(posts)
    )


def plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        analyze_what_it_reads(cursor, queryset.query.sql_with_params()[0])
        return queryset.explain()


def plan_sql(query: tuple[str, list]) -> str:
    """The plan of a read written in SQL (selectors.flag_rows_query, case_rows_query)."""
    sql, params = query
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        analyze_what_it_reads(cursor, sql)
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


def test_it_reads_a_directors_recent_flags_from_an_open_flags_index(postgres, flags, director_a):
    """In the order of a partial index of open flags, never a sort of all the school's
    flags. Which one is the planner's call: with a school's share of the foundation's
    flags, walking all open flags newest first and skipping other schools' can cost no
    more than the school's own index (a year of posts here: a tenth, and the queryset
    chose the foundation's index; the dashboard's SQL, below, the school's)."""
    text = plan(selectors.recent_flags(director_a, limit=50))
    assert {"flag_open_recent_school", "flag_open_recent"} & indexes_used(text), text
    assert "Sort" not in text
    assert "monitoring_flag_school_id" not in text  # not every flag of the school, sorted


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
    """A listed case's flag count and categories come from flag_case_open, in one read of
    the flags. Index-only at scale (bench/PASSES.md, EXPLAIN ANALYZE at large), where the
    rows are all-visible; a test's rows never are (its transaction is open), so which of
    the index's scans is cheaper is the planner's call. This asserted "Index Only Scan"
    with index and bitmap scans turned off, which turns index-only scans off too: every
    path cost the same penalty and the choice followed the statistics earlier tests left."""
    for user in (board, director_a):
        text = plan_sql(selectors.case_rows_query(user, limit=50))
        assert "flag_case_open" in indexes_used(text), text
        assert text.count("on monitoring_flag") == 1, text  # the flags are read once
        assert "Seq Scan on monitoring_flag" not in text


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
            analyze_what_it_reads(cursor, read["sql"])
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


def test_the_board_homes_cases_needing_attention_come_in_order_from_the_open_index(
    postgres, flags, school_a
):
    """The board's home names the first open cases that need someone to act, urgent and
    oldest first: read along followup_open_oldest, stopping after the page, never a sort
    or a count of every open case of the foundation (flat from 300 to 6,000 schools)."""
    opened = timezone.now() - datetime.timedelta(days=30)
    FollowUp.objects.bulk_create(
        FollowUp(school=school_a, opened_at=opened + datetime.timedelta(minutes=n))
        for n in range(500)
    )
    [text] = _plans_of_reads(cases_needing_attention)
    assert "followup_open_oldest" in indexes_used(text), text
    assert "Sort" not in text and "WindowAgg" not in text, text
    assert "Limit" in text


def test_the_board_homes_schools_without_a_contact_address_come_in_order_from_an_index(
    postgres, flags
):
    """The page's first schools without an address, by name, stopping after the page: from
    their partial index (school_without_contact) or from the name index skipping the
    schools with one, as PostgreSQL's statistics choose (a full run's statistics chose
    the latter in CI), never a sort or a count of every school."""
    School.objects.bulk_create(
        School(code=f"met-{n}", name=f"OBS Met Adres {n:03}", contact_email="info@met.example")
        for n in range(500)
    )
    School.objects.bulk_create(
        School(code=f"zonder-{n}", name=f"OBS Zonder Adres {n:03}") for n in range(25)
    )
    [text] = _plans_of_reads(schools_without_contact)
    assert {"school_without_contact", "school_name"} & indexes_used(text), text
    assert not _full_sorts(text) and "WindowAgg" not in text and "Aggregate" not in text, text
    assert text.startswith("Limit"), text


def _full_sorts(plan_text: str) -> list[str]:
    """The plan's Sort nodes that sort all their input: an Incremental Sort over an index's
    presorted key stops with the Limit above it."""
    return [
        line for line in plan_text.splitlines() if re.search(r"(?<!Incremental )Sort  \(", line)
    ]
