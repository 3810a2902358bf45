"""Migration 0027: the lines "Eerder gesprek gevoerd op …" a second conversation added to
a case's notes (and, on 2026-12-05 before the line was fixed to Dutch, "Earlier
conversation held on …" when its planner read the portal in English) become entries of
FollowUp.earlier_conversations, which the case page words in the reader's language; the
notes keep what people wrote."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case

migration = importlib.import_module("monitoring.migrations.0027_earlier_conversations_as_data")
LINE = "Eerder gesprek gevoerd op 2 maart 2026 (gepland voor 28 februari 2026)."
EARLIER = {"held": "2026-03-02", "planned": "2026-02-28"}
BEFORE = [("monitoring", "0026_no_action_reasons_as_data")]


def test_it_reads_the_dutch_line_and_takes_it_out_of_the_notes():
    assert migration.earlier_and_notes(f"gebeld\n{LINE}\ndaarna: mail") == (
        [EARLIER],
        "gebeld\ndaarna: mail",
    )


def test_it_reads_an_english_line_and_one_without_a_planned_day():
    notes = (
        "Earlier conversation held on 2 March 2026 (planned for 28 February 2026).\r\n"
        "Eerder gesprek gevoerd op 9 maart 2026.\r\n"
        "Earlier conversation held on ?."
    )
    assert migration.earlier_and_notes(notes) == (
        [EARLIER, {"held": "2026-03-09", "planned": None}, {"held": None, "planned": None}],
        "",
    )


def test_it_keeps_what_does_not_read_as_such_a_line():
    notes = (
        "Eerder gesprek gevoerd op 2 maart 2026. Moeder was boos.\n"
        "Eerder gesprek gevoerd op 31 februari 2026.\n"
        "Earlier conversation held on 2 maart 2026.\n"
    )
    assert migration.earlier_and_notes(notes) == ([], notes)


def test_undone_the_entries_are_dutch_lines_again():
    earlier = [EARLIER, {"held": "2026-03-09", "planned": None}]
    lines = [migration.as_line(entry) for entry in earlier]
    assert lines == [LINE, "Eerder gesprek gevoerd op 9 maart 2026."]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_stored_dutch_line_reads_in_english_after_the_upgrade(school_a, director_a, client):
    case = make_case(school_a, status="conversation_planned")
    other = make_case(school_a, notes="gebeld")
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        old.get_model("monitoring", "FollowUp").objects.filter(pk=case.pk).update(
            notes=f"gebeld\n{LINE}"
        )
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    case = FollowUp.objects.get(pk=case.pk)
    assert (case.earlier_conversations, case.notes) == ([EARLIER], "gebeld")
    other = FollowUp.objects.get(pk=other.pk)
    assert (other.earlier_conversations, other.notes) == ([], "gebeld")
    client.force_login(director_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()
    assert "Earlier conversation held on 2 March 2026 (planned for 28 February 2026)." in page
    assert "Eerder gesprek" not in page


@pytest.mark.django_db
def test_the_older_release_inserts_a_case_without_the_new_column(school_a):
    """An older process still running during a rolling deploy inserts its columns only:
    the database fills in an empty list."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_followup (school_id, status, priority, notes, opened_at, "
            "shingles, no_action_untold, no_action_reasons) "
            "VALUES (%s, 'new', 1, '', CURRENT_TIMESTAMP, '[]', FALSE, '[]')",
            [school_a.pk],
        )
    assert FollowUp.objects.get().earlier_conversations == []
