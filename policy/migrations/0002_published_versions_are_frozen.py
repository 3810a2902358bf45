"""Database guard: a published protocol version, its sections and articles never change.

PostgreSQL (production) refuses UPDATE, DELETE and INSERT touching a published version.
SQLite (development, tests) refuses UPDATE and INSERT; it cannot refuse DELETE because
Django empties SQLite tables with DELETE between transactional tests, where PostgreSQL
uses TRUNCATE (which fires no row triggers). The services and the admin refuse deletion.
"""

from django.db import migrations

CONTENT_TABLES = ("policy_section", "policy_article")
MESSAGE = "published protocol versions never change"

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION policy_refuse_published_version_change() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER policy_protocolversion_frozen
    BEFORE UPDATE OR DELETE ON policy_protocolversion
    FOR EACH ROW EXECUTE FUNCTION policy_refuse_published_version_change();
    """,
    f"""
    CREATE FUNCTION policy_refuse_published_content_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            IF EXISTS (SELECT 1 FROM policy_protocolversion
                       WHERE id = OLD.version_id AND status = 'published') THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF EXISTS (SELECT 1 FROM policy_protocolversion
                       WHERE id = NEW.version_id AND status = 'published') THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
] + [
    f"""
    CREATE TRIGGER {table}_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION policy_refuse_published_content_change();
    """
    for table in CONTENT_TABLES
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS policy_protocolversion_frozen ON policy_protocolversion;",
    *(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};" for table in CONTENT_TABLES),
    "DROP FUNCTION IF EXISTS policy_refuse_published_version_change();",
    "DROP FUNCTION IF EXISTS policy_refuse_published_content_change();",
]

_SQLITE_PUBLISHED = "(SELECT status FROM policy_protocolversion WHERE id = {ref}) = 'published'"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER policy_protocolversion_frozen
    BEFORE UPDATE ON policy_protocolversion
    WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_frozen_insert
        BEFORE INSERT ON {table}
        WHEN {_SQLITE_PUBLISHED.format(ref="NEW.version_id")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
        """
        for table in CONTENT_TABLES
    ),
    *(
        f"""
        CREATE TRIGGER {table}_frozen_update
        BEFORE UPDATE ON {table}
        WHEN {_SQLITE_PUBLISHED.format(ref="OLD.version_id")}
          OR {_SQLITE_PUBLISHED.format(ref="NEW.version_id")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
        """
        for table in CONTENT_TABLES
    ),
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS policy_protocolversion_frozen;",
    *(f"DROP TRIGGER IF EXISTS {table}_frozen_insert;" for table in CONTENT_TABLES),
    *(f"DROP TRIGGER IF EXISTS {table}_frozen_update;" for table in CONTENT_TABLES),
]

STATEMENTS = {
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, forward: bool) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return  # other databases: the services and the admin still refuse
    for sql in statements[0 if forward else 1]:
        schema_editor.execute(sql)


def create_triggers(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
