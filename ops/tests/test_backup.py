"""deploy/backup: a dump of DATABASE_URL, keeping the newest KEEP (README "Backups")."""

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from conftest import require_service

REPO = Path(__file__).resolve().parents[2]
# Nothing listens here: a backup that ran anyway would fail in pg_dump, after the check.
NOWHERE = "postgres://x@127.0.0.1:1/x"


def backup(directory: Path, *arguments: str, database_url: str = NOWHERE):
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [str(REPO / "deploy" / "backup"), str(directory), *arguments],
        env=env,
        capture_output=True,
        text=True,
    )


def earlier_dumps(directory: Path) -> list[str]:
    directory.mkdir()
    names = ["opo-20261201T021700Z.dump", "opo-20261202T021700Z.dump"]
    for name in names:
        (directory / name).write_bytes(b"an earlier dump")
    return names


@pytest.mark.parametrize("keep", ["0", "-1", "abc", "14d", "1e3"])
def test_it_refuses_a_keep_that_is_no_positive_number_and_deletes_nothing(tmp_path, keep):
    # KEEP=0 (or -1) deleted every dump, the one just made included, and said nothing;
    # KEEP=abc made a dump, then stopped on bash's "abc: unbound variable".
    directory = tmp_path / "backups"
    names = earlier_dumps(directory)
    result = backup(directory, keep)
    assert result.returncode == 2
    assert (
        result.stderr == f"deploy/backup: KEEP must be a whole number of 1 or more, got '{keep}'\n"
    )
    assert sorted(p.name for p in directory.iterdir()) == names


@pytest.mark.services
def test_it_keeps_the_newest_keep_dumps(tmp_path):
    directory = tmp_path / "backups"
    earlier_dumps(directory)
    result = backup(directory, "2", database_url=require_service("DATABASE_URL"))
    assert result.returncode == 0, result.stderr
    made = Path(result.stdout.strip())
    assert made.parent == directory and made.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in directory.iterdir()) == ["opo-20261202T021700Z.dump", made.name]


def test_a_failed_dump_leaves_no_partial_file_and_no_earlier_dump_goes(tmp_path):
    # pg_dump creates its --file before it connects: a refused connection left an empty
    # opo-….dump.partial behind each night, kept forever (the rotation counts only .dump).
    directory = tmp_path / "backups"
    names = earlier_dumps(directory)
    result = backup(directory, "1")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("pg_dump: error: connection to server at ")
    assert sorted(p.name for p in directory.iterdir()) == names


@pytest.mark.services
def test_a_dump_of_a_database_that_does_not_exist_leaves_nothing_behind(tmp_path):
    url = urlsplit(require_service("DATABASE_URL"))._replace(path="/opo_no_such_database")
    directory = tmp_path / "backups"
    names = earlier_dumps(directory)
    result = backup(directory, database_url=urlunsplit(url))
    assert result.returncode == 1
    assert 'database "opo_no_such_database" does not exist' in result.stderr
    assert sorted(p.name for p in directory.iterdir()) == names


def restore(dump: Path, target: str):
    return subprocess.run(
        [str(REPO / "deploy" / "restore"), str(dump), target], capture_output=True, text=True
    )


def url_of(connection) -> str:
    """The test database (migrated, so not empty) as a postgres:// URL."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.services
@pytest.mark.django_db
def test_it_refuses_to_restore_into_a_database_that_has_tables(tmp_path):
    # pg_restore stopped at its first object with "function consent_event_append_only
    # already exists": a second try after a failed one, or the live database named by mistake.
    from django.db import connection

    require_service("DATABASE_URL")
    dump = tmp_path / "opo-20261201T021700Z.dump"
    dump.write_bytes(b"not read: the target is refused first")
    result = restore(dump, url_of(connection))
    assert result.returncode == 2
    assert result.stderr.startswith("deploy/restore: the target database is not empty (")
