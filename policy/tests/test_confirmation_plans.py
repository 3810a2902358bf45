"""The board's confirmation counts look each listed school up in its indexes (PostgreSQL
only; sequential scans turned off as in monitoring/tests/test_indexes.py). Given the ids
as one list, PostgreSQL once chose a parallel read of every membership of a national
foundation for them (9 ms instead of 1, bench/web/explain.py); a loop over the ids keeps
the plan a lookup per school. Whether a member is active is asked of the small partial
index of deactivated accounts, never of the member's own row."""

import re

import pytest
from django.db import connection, transaction

from accounts.models import User
from conftest import analyze_what_it_reads, require_service
from policy.models import Acknowledgement
from policy.selectors import CONFIRMATION_COUNTS_SQL, SCHOOL_STAFF_ROLES, foundation_staff_query


def _confirmed_by_many(version, count: int = 300) -> None:
    users = User.objects.bulk_create(
        User(email=f"gelezen-{n}@example.org", password="!") for n in range(count)
    )
    Acknowledgement.objects.bulk_create(Acknowledgement(version=version, user=u) for u in users)


@pytest.fixture
def postgres(db):
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def test_it_counts_per_school_through_the_membership_and_confirmation_indexes(
    postgres, v1, school_a, school_b, teacher_a, director_b
):
    params = [[school_a.pk, school_b.pk], v1.pk, list(SCHOOL_STAFF_ROLES)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # statistics of a version many have confirmed, not of what earlier tests left:
        # with a handful of rows, or statistics read from a nearly empty table (after
        # 1,000 other tests), the version's own index is as cheap as the unique one
        _confirmed_by_many(v1)
        analyze_what_it_reads(cursor, CONFIRMATION_COUNTS_SQL)
        cursor.execute("EXPLAIN " + CONFIRMATION_COUNTS_SQL, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    used = set(re.findall(r"(?:using|Index Scan on) (\w+)", text))
    assert {"schools_staffmembership_school_id_8d041841", "inactive_user"} <= used
    # each member's confirmation looked up by the member (the unique (user, version) index
    # or the user's own), never by reading every confirmation of the version
    by_member = {"one_confirmation_per_user_per_version", "policy_acknowledgement_user_id_efd02a25"}
    assert used & by_member
    assert not any(name.startswith("policy_acknowledgement_version_id") for name in used)
    assert "accounts_user_pkey" not in used  # no member's row is read
    assert "Function Scan on unnest" in text
    assert "Parallel" not in text


def test_it_reads_the_board_and_privacy_officers_from_their_own_index(
    postgres, v1, school_a, teacher_a, director_b, board
):
    """The board staff's confirmations read the foundation's few board and privacy
    officer memberships from their partial index, not every school's staff (a
    sequential read of 60,000 memberships at national size)."""
    query = foundation_staff_query(v1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE schools_staffmembership")
        sql, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "membership_foundation_staff" in text
