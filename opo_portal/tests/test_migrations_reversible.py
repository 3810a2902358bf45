"""README "Rolling back a version" undoes the migrations a version added with `migrate APP
NUMBER`: every operation of the portal's own migrations must have its reverse (a RunPython
or RunSQL without one stops the rollback with "irreversible")."""

from django.db.migrations.loader import MigrationLoader

OWN_APPS = {"accounts", "schools", "policy", "consent", "monitoring", "outbox"}


def test_every_migration_of_the_portal_can_be_undone():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    checked, irreversible = 0, []
    for (app, name), migration in loader.disk_migrations.items():
        if app not in OWN_APPS:
            continue
        checked += 1
        irreversible += [
            f"{app}.{name}: {type(operation).__name__}"
            for operation in migration.operations
            if not operation.reversible
        ]
    assert checked > 50
    assert irreversible == []
