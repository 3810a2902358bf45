"""A configuration error ends a process with one line on stderr, not a traceback (issue 16).

`python -m opo_portal.checkconfig [--migrated] [--reachable] [--redis-database]
[CONFIG_FILE ...]` reads the settings (and gunicorn's config file) and exits 2 naming the
first problem; with --migrated it also refuses a database behind the code, with
--reachable (release) one it cannot connect to and a Redis database number its server
lacks, with --redis-database (web, worker, beat) that number alone. deploy/run-prod runs it
before gunicorn or Celery starts. manage.py uses `configuration_errors_as_one_line` around
its own start, and so do opo_portal/wsgi.py and opo_portal/celery.py for gunicorn and Celery
started by hand.
"""

import os
import runpy
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

EXIT_CODE = 2
# gunicorn's arbiter stops when a worker exits with APP_LOAD_ERROR ("App failed to load");
# any code it does not know (2 among them) and it boots a new worker, for ever.
GUNICORN_APP_LOAD_ERROR = 4


def exit_with_one_line(error: ImproperlyConfigured, exit_code: int = EXIT_CODE) -> NoReturn:
    message = " ".join(str(error).splitlines())  # one line, whatever the message holds
    print(f"configuration error: {message}", file=sys.stderr)
    raise SystemExit(exit_code)


@contextmanager
def configuration_errors_as_one_line(exit_code: int = EXIT_CODE) -> Iterator[None]:
    """ImproperlyConfigured raised before the settings were read is the environment's fault.

    Once the settings are read, an ImproperlyConfigured comes from code (an app or a
    command misused) and keeps its traceback, as does every other exception.
    """
    from django.conf import settings

    try:
        yield
    except ImproperlyConfigured as error:
        if settings.configured:
            raise
        exit_with_one_line(error, exit_code)


def unapplied_migrations() -> list[str] | None:
    """The code's migrations the database has not applied, in order (`migrate --check`'s
    plan); None when the database cannot be asked (the health checks report that)."""
    import django
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    django.setup()
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return None
    finally:
        connection.close()
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _behind_the_code(missing: list[str], remedy: str) -> str:
    shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
    return (
        f"database behind the code: {len(missing)} migration{'s' * (len(missing) != 1)} "
        f"not applied ({shown}); {remedy}"
    )


def refuse_a_database_behind_the_code() -> None:
    """Code newer than its database answers 500 on every page that reads what the new
    migrations add, while /health/ says ok: web, worker and beat start only once `release`
    has migrated."""
    missing = unapplied_migrations()
    if missing:
        print(_behind_the_code(missing, "run `deploy/run-prod release` first"), file=sys.stderr)
        raise SystemExit(EXIT_CODE)


def out_of_reach() -> str | None:
    """Why the database cannot be reached, as one line; None when it can."""
    import django
    from django.db import OperationalError, connection

    django.setup()
    try:
        connection.ensure_connection()
    except OperationalError as error:
        reason = " ".join(str(error).split())  # psycopg's message names no password
        return f"configuration error: DATABASE_URL: the database cannot be reached ({reason})"
    finally:
        connection.close()
    return None


def refuse_a_database_out_of_reach() -> None:
    """`release` cannot migrate a database it cannot reach (a mistyped name, password or
    host in DATABASE_URL): psycopg's reason in one line instead of migrate's traceback.
    The other roles start anyway; their health checks name the database."""
    line = out_of_reach()
    if line:
        print(line, file=sys.stderr)
        raise SystemExit(EXIT_CODE)


@contextmanager
def database_errors_as_one_line(
    exit_code: int = EXIT_CODE, *, migrating: bool = False
) -> Iterator[None]:
    """A command on a database it cannot reach, or on one its migrations have not been
    applied to, is the environment's fault: `manage.py createsuperuser` in a shell without
    .env loaded (a new, empty SQLite file in var/), a mistyped DATABASE_URL. It ended in
    Django's and psycopg's traceback; now the reason in one line. On a database it reaches
    and that is migrated, a database error comes from code and keeps its traceback; so does
    one of `migrate` itself (`migrating`): a migration that fails leaves the database
    behind the code, and "run migrate first" would hide why it failed."""
    from django.db import DatabaseError, connection

    try:
        yield
    except DatabaseError:
        connection.close()  # a transaction the error aborted asks nothing more
        line = out_of_reach()
        if line is None and not migrating:
            missing = unapplied_migrations()
            if missing:
                remedy = "run `manage.py migrate` first (on the server: `deploy/run-prod release`)"
                line = _behind_the_code(missing, remedy)
        if line is None:
            raise
        print(line, file=sys.stderr)
        raise SystemExit(exit_code) from None


def refuse_a_redis_database_the_server_lacks() -> None:
    """A Redis server has 16 databases unless told otherwise: REDIS_URL's /99 started every
    role, and every cache call and task failed, named only by /health/ready. Refused when
    the server answers and says no; one it cannot reach is left to the health checks, as
    release itself needs no Redis. One round trip, at start only."""
    import redis
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.ResponseError as error:  # the server's words name no password
        database = urlparse(settings.REDIS_URL).path.strip("/") or "0"
        print(
            f"configuration error: REDIS_URL: the Redis server has no database {database} "
            f"({' '.join(str(error).split())})",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_CODE) from None
    except redis.RedisError:
        pass
    finally:
        client.close()


def main(
    config_files: list[str],
    *,
    migrated: bool = False,
    reachable: bool = False,
    redis_database: bool = False,
) -> None:
    """Read the settings, then each config file given (deploy/gunicorn.conf.py): gunicorn
    prints a traceback for a bad number in its config file, this one line. With
    `migrated`, refuse a database on which the code's migrations have not all run; with
    `redis_database` (web, worker, beat) a Redis database number the server lacks, which
    their every cache call and task would fail on (a Redis down is left to the health
    checks: the roles start and wait for it)."""
    from django.conf import settings

    with configuration_errors_as_one_line():
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting reads them all
    for path in config_files:
        try:
            runpy.run_path(path)
        except ImproperlyConfigured as error:  # from the env readers it uses
            exit_with_one_line(error)
    if reachable or redis_database:
        refuse_a_redis_database_the_server_lacks()
    if reachable:
        refuse_a_database_out_of_reach()
    if migrated:
        refuse_a_database_behind_the_code()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
    arguments = sys.argv[1:]
    main(
        [a for a in arguments if not a.startswith("--")],
        migrated="--migrated" in arguments,
        reachable="--reachable" in arguments,
        redis_database="--redis-database" in arguments,
    )
