"""Migration 0033: the column Source.settings, kept for the previous release's processes
(0024), gets the database default {}, and the sources this release made with NULL there
get {}: the previous release's model expects a value, and its admin refused to save a
source holding NULL ("Dit veld mag niet leeg zijn."). Raw SQL, as each release writes
and reads the column: this release names no such column, the previous one names every
column it knows."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from monitoring.models import Source

BEFORE = [("monitoring", "0032_earlier_conversations_erased")]
# this release's insert: the columns of its model, no settings
THIS_RELEASE = (
    "INSERT INTO monitoring_source (kind, name, url, interval_minutes, etag, last_modified, "
    "cursor, consecutive_failures, needs_attention, active, claim_token, created_at) "
    "VALUES ('rss', %s, %s, 60, '', '', '', 0, FALSE, TRUE, '', CURRENT_TIMESTAMP)"
)
# the previous release's insert: its model's columns, settings too ({} by default)
PREVIOUS_RELEASE = (
    "INSERT INTO monitoring_source (kind, name, url, interval_minutes, etag, last_modified, "
    "cursor, consecutive_failures, needs_attention, active, claim_token, created_at, "
    "settings) VALUES ('rss', %s, %s, 60, '', '', '', 0, FALSE, TRUE, '', CURRENT_TIMESTAMP, "
    "%s)"
)


def _settings() -> dict:
    """name -> the settings column as the previous release reads it (jsonb on PostgreSQL,
    text on SQLite: None for NULL, else {} or what it wrote)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, settings FROM monitoring_source ORDER BY id")
        return {name: _json(value) for name, value in cursor.fetchall()}


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _insert(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_fills_the_sources_made_without_settings():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        _insert(THIS_RELEASE, "Nieuw", "https://new.example/feed")
        _insert(PREVIOUS_RELEASE, "Oud", "https://old.example/feed", '{"taal": "nl"}')
        assert _settings() == {"Nieuw": None, "Oud": {"taal": "nl"}}  # NULL, before
        _migrate(leaves)
    finally:
        _migrate(leaves)  # whatever failed, the next tests find today's schema
    assert _settings() == {"Nieuw": {}, "Oud": {"taal": "nl"}}  # what was written stays


@pytest.mark.django_db
def test_both_releases_insert_and_the_previous_one_reads_a_value():
    Source.objects.create(kind="rss", name="Model", url="https://model.example/feed")
    _insert(THIS_RELEASE, "Nieuw", "https://new.example/feed")
    _insert(PREVIOUS_RELEASE, "Oud", "https://old.example/feed", "{}")
    assert _settings() == {"Model": {}, "Nieuw": {}, "Oud": {}}


@pytest.mark.django_db
def test_a_previous_process_may_still_write_back_a_null_it_read_before():
    """One that loaded a source before the upgrade filled it saves every column it knows:
    the column stays nullable, so that save does not fail mid-deploy."""
    _insert(PREVIOUS_RELEASE, "Oud", "https://old.example/feed", None)
    assert _settings() == {"Oud": None}
