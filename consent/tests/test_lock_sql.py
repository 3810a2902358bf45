"""lock_pupils, written out in SQL (consent.services.LOCK_PUPILS_SQL), locks the rows its
ORM form locked: a second connection cannot lock them until the first commits."""

import pytest
from django.db import OperationalError, connections, transaction

from consent.services import lock_pupils


@pytest.mark.django_db(transaction=True)
def test_it_locks_the_pupils_rows_until_commit(pupil_a, pupil_b):
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            lock_pupils([pupil_b.pk, pupil_a.pk])
            for pk in (pupil_a.pk, pupil_b.pk):
                with (
                    pytest.raises(OperationalError, match="could not obtain lock"),
                    other.cursor() as cursor,
                ):
                    cursor.execute(
                        "SELECT id FROM schools_pupil WHERE id = %s FOR UPDATE NOWAIT", [pk]
                    )
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM schools_pupil WHERE id = ANY(%s) FOR UPDATE NOWAIT",
                [[pupil_a.pk, pupil_b.pk]],
            )
            assert len(cursor.fetchall()) == 2
    finally:
        other.close()
