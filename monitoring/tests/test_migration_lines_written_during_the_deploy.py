"""Migration 0029: the reason and earlier-conversation lines that processes of the older
release, still serving during the rolling deploy that ran 0026 and 0027, wrote into a
case's notes after those two had read them are read again into FollowUp.no_action_reasons
and .earlier_conversations; what was read before is not read twice.

The old reason column and Source.settings are no longer in the model (0024, 0026): this
release neither reads nor writes them, the database keeps them for those older processes
until a later release drops them."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from monitoring.models import FollowUp, Source
from monitoring.tests.helpers import make_case

migration = importlib.import_module(
    "monitoring.migrations.0029_lines_older_processes_wrote_as_data"
)
REASON = "Geen actie nodig volgens Juf Anna (7 december 2026): Moeder gesproken; een misverstand"
GIVEN = {"name": "Juf Anna", "day": "2026-12-07", "reason": "Moeder gesproken; een misverstand"}
FIRST = {"name": "Meester Bram", "day": "2026-12-01", "reason": "geen leerling van ons"}
EARLIER_LINE = "Eerder gesprek gevoerd op 2 maart 2026 (gepland voor 28 februari 2026)."
EARLIER = {"held": "2026-03-02", "planned": "2026-02-28"}
KEPT = {"held": "2026-01-12", "planned": None}
BEFORE = [("monitoring", "0028_source_names_and_watch_terms_without_direction_controls")]


def test_it_adds_the_lines_to_what_was_read_before_and_takes_them_out_of_the_notes():
    notes = f"gebeld\n{REASON}\n{EARLIER_LINE}\ndaarna: mail"
    assert migration.taken_up(notes, [FIRST], [KEPT]) == (
        [FIRST, GIVEN],
        [KEPT, EARLIER],
        "gebeld\ndaarna: mail",
    )


def test_a_line_read_before_is_not_added_twice():
    """An older process's form, opened before 0026/0027 ran, saves the notes with the lines
    those two had already read and taken out."""
    notes = f"gebeld\n{REASON}\n{EARLIER_LINE}"
    assert migration.taken_up(notes, [GIVEN], [EARLIER]) == ([GIVEN], [EARLIER], "gebeld")


def test_notes_without_such_a_line_stay_as_written():
    notes = "Geen actie nodig volgens mij, zei ze\nEerder gesprek gevoerd op 31 februari 2026.\n"
    assert migration.taken_up(notes, [FIRST], []) == ([FIRST], [], notes)


def _written_by_an_older_process(case: FollowUp, notes: str, reason: str = "") -> None:
    """What the older release's save does: the notes with its line, and the line appended
    to the old column (raw SQL: this release's model has no such field)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE monitoring_followup SET notes = %s, no_action_reason = %s WHERE id = %s",
            [notes, reason, case.pk],
        )


def _stored(case: FollowUp) -> tuple:
    case = FollowUp.objects.get(pk=case.pk)
    return case.no_action_reasons, case.earlier_conversations, case.notes


@pytest.mark.django_db
def test_it_takes_up_lines_written_after_0026_and_0027_in_batches_and_twice_alike(
    school_a, monkeypatch
):
    late = make_case(school_a, no_action_reasons=[FIRST], earlier_conversations=[KEPT])
    _written_by_an_older_process(
        late, f"gebeld\n{EARLIER_LINE}\n{REASON}", reason=f"Geen actie nodig volgens x\n{REASON}"
    )
    again = make_case(school_a, no_action_reasons=[GIVEN], earlier_conversations=[EARLIER])
    _written_by_an_older_process(again, f"gebeld\n{REASON}\n{EARLIER_LINE}")
    plain = make_case(school_a, notes="gebeld\n", no_action_reasons=[FIRST])
    monkeypatch.setattr(migration, "BATCH", 1)

    migration.take_up_lines(apps, None)
    after_once = [_stored(case) for case in (late, again, plain)]
    migration.take_up_lines(apps, None)

    assert [_stored(case) for case in (late, again, plain)] == after_once
    assert after_once == [
        ([FIRST, GIVEN], [KEPT, EARLIER], "gebeld"),
        ([GIVEN], [EARLIER], "gebeld"),
        ([FIRST], [], "gebeld\n"),  # untouched, its trailing newline too
    ]


@pytest.mark.django_db
def test_a_reason_only_in_the_old_column_is_not_read_again(school_a):
    """0026 read the column and left it as it was; retention empties the entries and the
    notes, not the column. Reading it again would bring an erased reason back."""
    erased = make_case(school_a, status="no_action", closed_at=timezone.now())
    _written_by_an_older_process(erased, "", reason=REASON)
    migration.take_up_lines(apps, None)
    assert _stored(erased) == ([], [], "")


@pytest.mark.django_db
def test_the_old_column_keeps_no_copy_of_a_reason(school_a):
    """Retention erased the entries and the notes of a closed case; the reason stayed in
    the old column, which nothing shows. The migration empties it."""
    erased = make_case(school_a, status="no_action", closed_at=timezone.now())
    _written_by_an_older_process(erased, "", reason=REASON)
    migration.empty_old_reason_column(apps, SimpleNamespace(connection=connection))
    assert _old_column(erased) == ""
    assert _stored(erased) == ([], [], "")


def _old_column(case) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT no_action_reason FROM monitoring_followup WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_takes_up_a_line_written_after_0026_and_0027(school_a):
    case = make_case(school_a, status="no_action", no_action_reasons=[FIRST])
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        _written_by_an_older_process(case, f"gebeld\n{REASON}", reason=REASON)
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    assert _stored(case) == ([FIRST, GIVEN], [], "gebeld")
    assert _old_column(case) == ""


@pytest.mark.django_db
def test_this_release_inserts_cases_and_sources_without_the_old_columns(school_a):
    case = make_case(school_a, notes="gebeld")
    source = Source.objects.create(kind="rss", name="Nieuws", url="https://news.example/feed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT no_action_reason FROM monitoring_followup WHERE id = %s", [case.pk])
        assert cursor.fetchone() == ("",)
        cursor.execute("SELECT settings FROM monitoring_source WHERE id = %s", [source.pk])
        # the database's default (0033), as the older release wrote: not NULL, which its
        # admin refused to save (until 2026-12-07 it was)
        assert cursor.fetchone()[0] in ("{}", {})  # SQLite's text, PostgreSQL's jsonb
    assert "no_action_reason" not in {field.name for field in FollowUp._meta.get_fields()}
    assert "settings" not in {field.name for field in Source._meta.get_fields()}


@pytest.mark.django_db
def test_an_older_process_still_inserts_and_reads_the_old_columns(school_a):
    """As the older release's model does: every column it knows, named."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_followup (school_id, status, priority, notes, opened_at, "
            "shingles, no_action_untold, no_action_reason) "
            "VALUES (%s, 'no_action', 1, %s, CURRENT_TIMESTAMP, '[]', FALSE, %s)",
            [school_a.pk, f"gebeld\n{REASON}", REASON],
        )
        cursor.execute(
            "INSERT INTO monitoring_source (kind, name, url, interval_minutes, etag, "
            "last_modified, cursor, consecutive_failures, needs_attention, active, "
            "claim_token, created_at, settings) VALUES ('rss', 'Oud', 'https://old.example/', "
            "60, '', '', '', 0, FALSE, TRUE, '', CURRENT_TIMESTAMP, '{}')"
        )
        cursor.execute("SELECT no_action_reason, notes FROM monitoring_followup")
        assert cursor.fetchone() == (REASON, f"gebeld\n{REASON}")
        cursor.execute("SELECT settings FROM monitoring_source WHERE name = 'Oud'")
        assert cursor.fetchone()[0] in ("{}", {})  # SQLite's text, PostgreSQL's jsonb
    case = FollowUp.objects.get()
    assert (case.no_action_reasons, case.earlier_conversations) == ([], [])
    migration.take_up_lines(apps, None)
    assert _stored(case) == ([GIVEN], [], "gebeld")
