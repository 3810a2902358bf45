"""Hot reads written out in SQL, on PostgreSQL and on the embedded SQLite.

Some reads that every page runs are written out in SQL: building them through the ORM
cost more CPU than PostgreSQL spent running them (README, Performance). They are written
for PostgreSQL (`= ANY(%s)` with a list, `FOR [NO KEY] UPDATE`, times coming back aware). `fetch`
runs them as they are on PostgreSQL; on another database (the SQLite of `make run` and
of `make test` on a fresh machine) it first rewrites the two PostgreSQL-only parts and
makes the times aware as Django's SQLite backend does for a DateTimeField:

- `x = ANY(%s)` with a list becomes `x IN (%s, %s, …)` (SQLite's `IN ()` for no values:
  false, as `= ANY` of an empty array);
- `FOR UPDATE` and `FOR NO KEY UPDATE` are left out (SQLite locks the whole database
  for a write transaction);
- naive datetimes in the rows are UTC (Django stores them so on SQLite).

`rows` instead reads another database through the read's own ORM form, where one exists.
CI runs the suite on both databases; each read's tests compare it with its ORM form.

A read marked `prepared(...)` runs on PostgreSQL as a server-side prepared statement: each
connection PREPAREs it once and then EXECUTEs it, so PostgreSQL parses and plans it once
per connection (after five runs it keeps a generic plan when that costs no more than a
custom one). For the parent's page PostgreSQL spent more CPU planning its reads than
running them (README, Performance). The statements live as long as the connection: a new
connection (after a restart, a failover or `conn_max_age`) prepares them again. A pooler
in transaction mode (PgBouncer) hands a session's statements to other clients: set
DATABASE_PREPARED_READS=false there (then every read is sent as plain SQL).
"""

import datetime
import weakref
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection
from django.utils import timezone

ANY = "= ANY("
MAX_PREPARED = 100  # statements per connection; the marked reads are a few dozen
# per driver connection, the name each marked read is prepared under: forgotten with the
# connection, so a replaced connection (restart, failover, conn_max_age) starts empty
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Prepared(str):
    """SQL that `fetch` runs as a server-side prepared statement on PostgreSQL."""


def prepared(sql: str) -> Prepared:
    """`sql` marked to be prepared once per connection (see the module docstring)."""
    return Prepared(sql)


def fetch(sql: str, params: list) -> list[tuple]:
    """The rows of `sql` (written for PostgreSQL) on the default database."""
    portable = connection.vendor != "postgresql"
    if portable:
        sql, params = for_other_databases(sql, params)
    with connection.cursor() as cursor:
        name = _statement(sql) if isinstance(sql, Prepared) else None
        if name is None:
            cursor.execute(sql, params)
        else:
            cursor.execute(_execute(name, len(params)), params)
        found = cursor.fetchall()
    if portable and settings.USE_TZ:
        return [tuple(_aware(value) for value in row) for row in found]
    return found


def _statement(sql: Prepared) -> str | None:
    """The name `sql` is prepared under on this connection (prepared now if it is new),
    or None to send it as plain SQL."""
    if not settings.DATABASE_PREPARED_READS:
        return None
    raw = connection.connection
    names = _prepared.get(raw)
    if names is None:  # a new connection has none of them
        names = _prepared[raw] = {}
    if sql not in names and len(names) < MAX_PREPARED:
        name = f"opo_read_{len(names)}"
        # on the driver's own cursor: connection set-up, not one of the page's queries
        # (tests count those), as Django sets the connection's time zone
        with connection.wrap_database_errors, raw.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        names[sql] = name
    return names.get(sql)


def _execute(name: str, count: int) -> str:
    return f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"


def _numbered(sql: str) -> str:
    """`sql` with PostgreSQL's $1, $2, … for psycopg's %s (and % for its %%)."""
    pieces = [piece.replace("%%", "%") for piece in sql.split("%s")]
    return pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], 1))


def rows(sql: str, params: list, orm_rows: Callable[..., Iterable[tuple]]) -> list[tuple]:
    """`sql`'s rows on PostgreSQL; elsewhere `orm_rows(*params)`, the same rows read
    through the ORM."""
    if connection.vendor == "postgresql":
        return fetch(sql, params)
    return list(orm_rows(*params))


def for_other_databases(sql: str, params: list) -> tuple[str, list]:
    """`sql` and `params` without PostgreSQL's `= ANY(%s)` and `FOR [NO KEY] UPDATE`."""
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
    return text.replace(" FOR NO KEY UPDATE", "").replace(" FOR UPDATE", ""), values


def _aware(value):
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value
