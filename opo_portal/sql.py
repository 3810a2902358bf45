"""Hot reads written out in SQL, with their ORM form for other databases.

Some reads that every page runs are written out in SQL: building them through the ORM
cost more CPU than PostgreSQL spent running them (README, Performance). The SQL is
PostgreSQL's (`= ANY(%s)` with a list, its types coming back converted). Every other
database (the embedded SQLite of `make run` and of `make test` on a fresh machine, which
knows no `= ANY` and hands a raw query its times as text) reads the same rows through the
read's ORM form. Each read's tests compare the two on PostgreSQL.
"""

from collections.abc import Callable, Iterable

from django.db import connection


def fetch(sql: str, params: list) -> list[tuple]:
    """The rows of `sql` (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def rows(sql: str, params: list, orm_rows: Callable[..., Iterable[tuple]]) -> list[tuple]:
    """`sql`'s rows on PostgreSQL; elsewhere `orm_rows(*params)`, the same rows read
    through the ORM."""
    if connection.vendor == "postgresql":
        return fetch(sql, params)
    return list(orm_rows(*params))
