"""lock_pupils, written out in SQL (consent.services.LOCK_PUPILS_SQL), locks the rows its
ORM form locked, and only those: a row locked FOR NO KEY UPDATE carries the locking
transaction's id in its xmax (without a second connection, which would need committed
rows and a transactional test whose flush removes the seeded purposes)."""

import pytest
from django.db import connection

from conftest import require_service
from consent.services import lock_pupils


@pytest.fixture
def postgres(db):
    """Row locks are PostgreSQL's (SQLite locks the whole database for a write)."""
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def locked_ids(ids) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM schools_pupil WHERE id = ANY(%s) AND xmax = pg_current_xact_id()::xid",
            [list(ids)],
        )
        return {row[0] for row in cursor.fetchall()}


def test_it_locks_the_pupils_rows_and_no_others(postgres, pupil_a, pupil_a2, pupil_b):
    every = [pupil_a.pk, pupil_a2.pk, pupil_b.pk]
    assert locked_ids(every) == set()
    lock_pupils([pupil_b.pk, pupil_a.pk])
    assert locked_ids(every) == {pupil_a.pk, pupil_b.pk}
