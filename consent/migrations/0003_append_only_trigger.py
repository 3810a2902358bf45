"""On PostgreSQL the database itself refuses UPDATE and DELETE of consent events.

SQLite has no such trigger (the test suite flushes tables with DELETE there); the model,
its queryset and the admin refuse instead. TRUNCATE stays possible for test teardown and
for a deliberate, privileged erasure at the end of the retention period.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION consent_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent events are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS consent_event_append_only ON consent_consentevent;
CREATE TRIGGER consent_event_append_only
    BEFORE UPDATE OR DELETE ON consent_consentevent
    FOR EACH ROW EXECUTE FUNCTION consent_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS consent_event_append_only ON consent_consentevent;
DROP FUNCTION IF EXISTS consent_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor: schema_editor.execute() would read "%" as a parameter.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_seed_purposes")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
