#!/usr/bin/env python
import os
import re
import sys
from pathlib import Path


def warn_of_an_env_file_not_loaded() -> None:
    """On the server a shell (or cron) without .env loaded ran commands on a new, empty
    SQLite file in var/, the development default: a traceback ("no such table") or, worse,
    an answer about the wrong database. manage.py does not read .env itself; it says so.
    Bytes, not text: a .env in another encoding (or unreadable to this user) was a traceback."""
    env_file = Path(__file__).resolve().parent / ".env"
    if os.environ.get("DATABASE_URL") or not env_file.is_file():
        return
    try:
        names_database = re.search(
            rb"^\s*(export\s+)?DATABASE_URL=", env_file.read_bytes(), re.MULTILINE
        )
    except OSError:  # mode 600 and owned by the portal's user: it may well name one
        names_database = True
    if names_database:
        print(
            "manage.py: DATABASE_URL is not set, so this command runs on the development "
            "database in var/ (SQLite), not on the one .env names; "
            "load .env first: set -a; . ./.env; set +a",
            file=sys.stderr,
        )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
    from django.core.management import execute_from_command_line

    from opo_portal.checkconfig import (
        configuration_errors_as_one_line,
        database_errors_as_one_line,
    )

    warn_of_an_env_file_not_loaded()
    migrating = sys.argv[1:2] == ["migrate"]
    with configuration_errors_as_one_line(), database_errors_as_one_line(migrating=migrating):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
