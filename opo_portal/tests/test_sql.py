"""opo_portal.sql: the reads written for PostgreSQL run on the embedded SQLite too.

CI runs this file twice: on PostgreSQL, and without services on SQLite (make test)."""

import datetime

import pytest
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext

from opo_portal.sql import _numbered, _prepared, fetch, for_other_databases, prepared, rows


def test_it_runs_the_sql_on_postgresql_and_the_orm_form_elsewhere(db):
    calls = []

    def orm_rows(*params):
        calls.append(params)
        return iter([("orm", *params)])

    found = rows("SELECT 'sql', %s", [7], orm_rows)
    if connection.vendor == "postgresql":
        assert found == [("sql", 7)] and calls == []
    else:
        assert found == [("orm", 7)] and calls == [(7,)]


def test_it_writes_any_as_in_and_leaves_out_for_update():
    sql, params = for_other_databases(
        "SELECT id FROM t WHERE a = %s AND b = ANY(%s) AND c = ANY(%s) ORDER BY id FOR UPDATE",
        [1, [2, 3], []],
    )
    assert sql == "SELECT id FROM t WHERE a = %s AND b IN (%s, %s) AND c IN () ORDER BY id"
    assert params == [1, 2, 3]
    no_key = for_other_databases("SELECT id FROM t WHERE id = %s FOR NO KEY UPDATE", [1])
    assert no_key == ("SELECT id FROM t WHERE id = %s", [1])
    with pytest.raises(ValueError):
        for_other_databases("SELECT %s", [])


def test_it_reads_the_same_rows_on_every_database(parent_a, pupil_a, pupil_a2, pupil_b):
    """`= ANY` of some ids and of none, NOT of none, and times: as PostgreSQL gives them."""
    ids = [pupil_a.pk, pupil_b.pk]
    sql = "SELECT id FROM schools_pupil WHERE id = ANY(%s) ORDER BY id"
    assert fetch(sql, [ids]) == [(pupil_a.pk,), (pupil_b.pk,)]
    assert fetch(sql, [[]]) == []
    everyone = fetch("SELECT count(*) FROM schools_pupil WHERE NOT (id = ANY(%s))", [[]])
    assert everyone == [(3,)]
    (joined,) = fetch("SELECT date_joined FROM accounts_user ORDER BY id LIMIT 1", [])[0]
    assert isinstance(joined, datetime.datetime) and joined.tzinfo is not None


# --- Prepared reads (PostgreSQL: PREPARE once per connection, then EXECUTE) -------------

PUPILS_BY_ID = (
    "SELECT id FROM schools_pupil WHERE id = ANY(%s) AND first_name LIKE '%%' ORDER BY id"
)


def _statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_it_numbers_the_parameters_for_prepare():
    assert _numbered("SELECT %s, '%%' WHERE a = ANY(%s)") == "SELECT $1, '%' WHERE a = ANY($2)"
    assert _numbered("SELECT 1") == "SELECT 1"


def test_a_prepared_read_gives_the_rows_of_the_plain_one(pupil_a, pupil_b):
    ids = [pupil_a.pk, pupil_b.pk]
    plain = fetch(PUPILS_BY_ID, [ids])
    assert fetch(prepared(PUPILS_BY_ID), [ids]) == plain == [(pupil_a.pk,), (pupil_b.pk,)]
    assert fetch(prepared(PUPILS_BY_ID), [[]]) == []
    assert fetch(prepared("SELECT count(*) FROM schools_pupil"), []) == [(2,)]


@pytest.mark.services
def test_it_prepares_a_read_once_per_connection(pupil_a):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    sql = prepared(PUPILS_BY_ID + " ")  # a statement no other test prepared
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert fetch(sql, [[pupil_a.pk]]) == [(pupil_a.pk,)]
    # the PREPARE is connection set-up, not one of the queries a page counts
    assert [q["sql"].split("(")[0] for q in queries.captured_queries] == [
        f"EXECUTE {_prepared[connection.connection][sql]}"
    ] * 3
    assert sum(s.endswith(_numbered(sql)) for s in _statements()) == 1


def test_it_sends_plain_sql_when_prepared_reads_are_off(pupil_a, settings):
    settings.DATABASE_PREPARED_READS = False
    with CaptureQueriesContext(connection) as queries:
        assert fetch(prepared(PUPILS_BY_ID), [[pupil_a.pk]]) == [(pupil_a.pk,)]
    assert queries.captured_queries[0]["sql"].startswith("SELECT id FROM schools_pupil")


@pytest.mark.services
def test_a_new_connection_prepares_again_after_the_old_one_was_dropped(db):
    """A restart or failover ends the session and its statements; Django's health check
    (CONN_HEALTH_CHECKS) replaces the connection at the next request, which prepares its
    reads again instead of executing statements it does not have. On a connection of its
    own, outside the test's transaction (a transactional test's flush would remove the
    rows the migrations seed for later tests)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    sql = prepared("SELECT %s + 1")  # no rows needed: another test's flush may have run
    test_connection = connections[DEFAULT_DB_ALIAS]
    own = type(test_connection)(
        {**test_connection.settings_dict, "CONN_HEALTH_CHECKS": True}, DEFAULT_DB_ALIAS
    )
    connections[DEFAULT_DB_ALIAS] = own
    try:
        assert fetch(sql, [41]) == [(42,)]
        old = own.connection
        with test_connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old.get_backend_pid()])
        request_started.send(sender=None)  # the next request
        assert fetch(sql, [41]) == [(42,)]
        assert own.connection is not old
        assert _prepared[own.connection] == {sql: "opo_read_0"}
    finally:
        connections[DEFAULT_DB_ALIAS] = test_connection
        own.close()
