"""Two staff members mark one post at the same moment: one case, not two.

Real concurrency on PostgreSQL: the first mark runs in its own thread, so on its own
connection, and is held open before its commit while the second runs. Case opening is
serialised per school (the school's row lock, as a classification run takes it): the
second mark waits for the first to commit and then joins its case.
"""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from conftest import require_service, wait_for
from monitoring import services
from monitoring.models import Flag, FollowUp, Mention
from monitoring.tests.helpers import make_post, make_source

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


class HeldMark(threading.Thread):
    """A mark in a transaction of its own connection, committed once `release` is set."""

    def __init__(self, **mark):
        super().__init__(daemon=True)
        self.mark = mark
        self.ready, self.release = threading.Event(), threading.Event()
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                services.post_mark(**self.mark)
                self.ready.set()
                self.release.wait(timeout=60)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            self.ready.set()
            connection.close()


class FreeMark(threading.Thread):
    def __init__(self, **mark):
        super().__init__(daemon=True)
        self.mark, self.error = mark, None

    def run(self):
        try:
            services.post_mark(**self.mark)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            connection.close()


def waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_two_marks_of_one_post_at_once_open_one_case(school_a, director_a, board):
    post = make_post(make_source(), "1", "Niemand van de school belt ons terug")
    Mention.objects.create(post=post, school=school_a, created_at=timezone.now())
    first = HeldMark(post=post, school=school_a, category="negative_experience", user=director_a)
    first.start()
    assert first.ready.wait(timeout=30)
    second = FreeMark(post=post, school=school_a, category="verify_fact", user=board)
    second.start()
    # the second mark either waits for the first's school lock, or (the old code) ends
    wait_for(lambda: waits_for_a_lock() or not second.is_alive(), timeout=30)
    first.release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert (first.error, second.error) == (None, None)
    assert FollowUp.objects.count() == 1
    assert set(Flag.objects.values_list("followup_id", flat=True)) == {FollowUp.objects.get().pk}
