"""opo_portal.sql: PostgreSQL runs the written-out SQL, other databases its ORM form.

CI runs this file twice: on PostgreSQL, and without services on SQLite (make test)."""

from django.db import connection

from opo_portal.sql import rows


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
