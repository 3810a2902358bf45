"""Migration 0026: the reasons for "no action needed" stored as Dutch sentences (in the
case's reason field and in its notes, before 0021 in the notes only) become entries of
FollowUp.no_action_reasons, which the case page words in the reader's language; the notes
keep what people wrote."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case

migration = importlib.import_module("monitoring.migrations.0026_no_action_reasons_as_data")
LINE = "Geen actie nodig volgens Juf Anna (7 december 2026): Moeder gesproken; een misverstand"
GIVEN = {"name": "Juf Anna", "day": "2026-12-07", "reason": "Moeder gesproken; een misverstand"}
BEFORE = [("monitoring", "0025_author_handles_without_direction_controls")]


def test_it_reads_the_line_of_the_reason_field_and_takes_it_out_of_the_notes():
    assert migration.reasons_and_notes(LINE, f"gebeld\n{LINE}") == ([GIVEN], "gebeld")


def test_it_moves_a_reason_that_is_in_the_notes_only():
    """Cases closed so before migration 0021 have it in their notes only."""
    assert migration.reasons_and_notes("", f"{LINE}\nlater: opnieuw gebeld") == (
        [GIVEN],
        "later: opnieuw gebeld",
    )


def test_it_keeps_what_does_not_read_as_such_a_line():
    odd = "Geen actie nodig volgens Juf Anna (31 februari 2026): kan niet"
    notes = f"Geen actie nodig volgens mij, zei ze\n{odd}\n"
    assert migration.reasons_and_notes(odd, notes) == ([{"line": odd}], notes)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_stored_dutch_reason_reads_in_english_after_the_upgrade(school_a, director_a, client):
    case = make_case(school_a, status="no_action")
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        old.get_model("monitoring", "FollowUp").objects.filter(pk=case.pk).update(
            no_action_reason=LINE, notes=f"gebeld\n{LINE}"
        )
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    case = FollowUp.objects.get(pk=case.pk)
    assert (case.no_action_reasons, case.notes) == ([GIVEN], "gebeld")
    client.force_login(director_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()
    assert "No action needed, according to Juf Anna (7 December 2026): Moeder gesproken" in page
    assert "Geen actie nodig" not in page


@pytest.mark.django_db
def test_the_old_column_stays_for_older_processes_with_an_empty_reason(school_a):
    """Migrations add before they remove: an older release still running reads the column."""
    case = make_case(school_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT no_action_reason FROM monitoring_followup WHERE id = %s", [case.pk])
        assert cursor.fetchone() == ("",)
