"""Migration 0030: FollowUp.first_held_on, the day of a case's first conversation, is filled
for the cases stored before it as the reports read it until then: the oldest earlier
conversation's day, else the held date; nothing for a first conversation held on a day not
recorded, nor for a case without a conversation held."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from monitoring.models import FollowUp

migration = importlib.import_module("monitoring.migrations.0030_followup_first_held_on")
BEFORE = [("monitoring", "0029_lines_older_processes_wrote_as_data")]
HELD = "2026-11-03"


@pytest.mark.parametrize(
    ("earlier", "held_on", "first"),
    [
        ([], None, None),
        ([], HELD, HELD),
        ([{"held": HELD, "planned": None}, {"held": "2026-11-20", "planned": None}], None, HELD),
        ([{"held": HELD, "planned": "2026-11-02"}], "2026-12-02", HELD),
        ([{"held": None, "planned": "2026-11-02"}], "2026-12-02", None),
    ],
)
def test_it_reads_the_first_conversation_as_the_reports_did(earlier, held_on, first):
    held_on = held_on and datetime.date.fromisoformat(held_on)
    first = first and datetime.date.fromisoformat(first)
    assert migration.first_held(earlier, held_on) == first


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_it_fills_the_cases_stored_before(school_a, monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)  # more cases than a batch
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        OldFollowUp = old.get_model("monitoring", "FollowUp")
        opened = {"school_id": school_a.pk, "opened_at": "2026-11-01T12:00:00Z"}
        rows = [
            OldFollowUp.objects.create(**opened, held_on="2026-11-03"),
            OldFollowUp.objects.create(
                **opened,
                status="closed",
                held_on="2026-12-02",
                closed_at="2026-12-03T12:00:00Z",
                earlier_conversations=[{"held": "2026-11-04", "planned": None}],
            ),
            OldFollowUp.objects.create(
                **opened,
                held_on="2026-12-02",
                earlier_conversations=[{"held": None, "planned": "2026-11-02"}],
            ),
            OldFollowUp.objects.create(**opened),
            OldFollowUp.objects.create(**opened, held_on="2026-11-05"),
        ]
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    firsts = dict(FollowUp.objects.values_list("pk", "first_held_on"))
    assert [str(firsts[row.pk]) for row in rows] == [
        "2026-11-03",
        "2026-11-04",
        "None",
        "None",
        "2026-11-05",
    ]
