"""The board home's reads over every school use their partial indexes (PostgreSQL only;
see monitoring/tests/test_indexes.py for why sequential scans are turned off). At 6,000
schools each of these read every school's row before (bench/, README "Performance")."""

import re

import pytest
from django.db import connection, transaction

from accounts import board
from accounts.attention import failing_sources
from conftest import require_service
from monitoring.tests.helpers import make_source


@pytest.fixture
def postgres(db):
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def plan(queryset, *, bitmaps: bool = True) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not bitmaps:  # a plain index scan: does the index give the order?
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        return queryset.explain()


def indexes_used(text: str) -> set[str]:
    return set(re.findall(r"(?:using|Index Scan on) (\w+)", text))


def test_it_reads_the_changed_schools_from_their_partial_index(postgres, school_a, school_b):
    board.recount([school_a.pk, school_b.pk])
    assert "schoolcounts_changed" in indexes_used(plan(board.changed_school_ids()))


def test_it_reads_the_foundations_failing_sources_from_their_partial_index(postgres, school_a):
    make_source("https://a.example/rss", school=school_a, consecutive_failures=2)
    text = plan(failing_sources(None, foundation=True), bitmaps=False)
    assert "source_failing" in indexes_used(text)
    assert "Sort" not in text  # the index gives the order
