"""Hot reads written out in SQL, on PostgreSQL and on the embedded SQLite.

Some reads that every page runs are written out in SQL: building them through the ORM
cost more CPU than PostgreSQL spent running them (README, Performance). They are written
for PostgreSQL (`= ANY(%s)` with a list, `FOR UPDATE`, times coming back aware). `fetch`
runs them as they are on PostgreSQL; on another database (the SQLite of `make run` and
of `make test` on a fresh machine) it first rewrites the two PostgreSQL-only parts and
makes the times aware as Django's SQLite backend does for a DateTimeField:

- `x = ANY(%s)` with a list becomes `x IN (%s, %s, …)` (SQLite's `IN ()` for no values:
  false, as `= ANY` of an empty array);
- `FOR UPDATE` is left out (SQLite locks the whole database for a write transaction);
- naive datetimes in the rows are UTC (Django stores them so on SQLite).

`rows` instead reads another database through the read's own ORM form, where one exists.
CI runs the suite on both databases; each read's tests compare it with its ORM form.
"""

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection
from django.utils import timezone

ANY = "= ANY("


def fetch(sql: str, params: list) -> list[tuple]:
    """The rows of `sql` (written for PostgreSQL) on the default database."""
    portable = connection.vendor != "postgresql"
    if portable:
        sql, params = for_other_databases(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if portable and settings.USE_TZ:
        return [tuple(_aware(value) for value in row) for row in found]
    return found


def rows(sql: str, params: list, orm_rows: Callable[..., Iterable[tuple]]) -> list[tuple]:
    """`sql`'s rows on PostgreSQL; elsewhere `orm_rows(*params)`, the same rows read
    through the ORM."""
    if connection.vendor == "postgresql":
        return fetch(sql, params)
    return list(orm_rows(*params))


def for_other_databases(sql: str, params: list) -> tuple[str, list]:
    """`sql` and `params` without PostgreSQL's `= ANY(%s)` and `FOR UPDATE`."""
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:
        raise ValueError("one parameter per %s")
    text, values = pieces[0], []
    for param, piece in zip(params, pieces[1:], strict=True):
        if text.endswith(ANY):
            items = list(param)
            text = text[: -len(ANY)] + "IN (" + ", ".join(["%s"] * len(items))
            values.extend(items)
        else:
            text += "%s"
            values.append(param)
        text += piece
    return text.replace(" FOR UPDATE", ""), values


def _aware(value):
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value
