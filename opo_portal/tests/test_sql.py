"""opo_portal.sql: the reads written for PostgreSQL run on the embedded SQLite too.

CI runs this file twice: on PostgreSQL, and without services on SQLite (make test)."""

import datetime

import pytest
from django.db import connection

from opo_portal.sql import fetch, for_other_databases, rows


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
