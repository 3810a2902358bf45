"""Migration 0032: FollowUp.earlier_conversations_erased says retention emptied a case's
earlier conversations, so its first conversation's day is the one kept, not read from
the conversations left. Set for the cases retention emptied before it: no earlier
conversation left, and a kept day other than the held date's."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from monitoring.models import FollowUp

migration = importlib.import_module("monitoring.migrations.0032_earlier_conversations_erased")
BEFORE = [("monitoring", "0031_watch_term_at_least_three_characters")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_it_marks_the_cases_retention_emptied_before(school_a):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        OldFollowUp = old.get_model("monitoring", "FollowUp")
        opened = {"school_id": school_a.pk, "opened_at": "2026-11-01T12:00:00Z"}
        earlier = [{"held": "2026-11-03", "planned": None}]
        rows = [
            # retention emptied its earlier conversations: the first one's day is kept
            OldFollowUp.objects.create(
                **opened,
                held_on="2026-12-02",
                first_held_on="2026-11-03",
                status="closed",
                closed_at="2026-12-03T12:00:00Z",
            ),
            # one conversation
            OldFollowUp.objects.create(**opened, held_on="2026-11-03", first_held_on="2026-11-03"),
            # its earlier conversations still there
            OldFollowUp.objects.create(
                **opened,
                held_on="2026-12-02",
                first_held_on="2026-11-03",
                earlier_conversations=earlier,
            ),
            # none held; and a first conversation on a day not recorded
            OldFollowUp.objects.create(**opened),
            OldFollowUp.objects.create(
                **opened,
                held_on="2026-12-02",
                earlier_conversations=[{"held": None, "planned": None}],
            ),
        ]
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    erased = dict(FollowUp.objects.values_list("pk", "earlier_conversations_erased"))
    assert [erased[row.pk] for row in rows] == [True, False, False, False, False]


def test_the_previous_release_inserts_a_case_without_the_new_column(school_a):
    """An older process still running during a rolling deploy inserts its columns only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_followup (school_id, status, priority, notes, opened_at, "
            "shingles, no_action_untold, no_action_reasons, earlier_conversations) "
            "VALUES (%s, 'new', 1, '', CURRENT_TIMESTAMP, '[]', FALSE, '[]', '[]')",
            [school_a.pk],
        )
    assert FollowUp.objects.get().earlier_conversations_erased is False
