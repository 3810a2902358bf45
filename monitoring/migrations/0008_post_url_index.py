"""An index on posts' addresses, for the staff report's "already reported or found?" read
(`monitoring.services.post_at_address`): without it every report read the whole posts
table (a million rows on a large board).

On PostgreSQL a hash index: a btree entry may not pass about 2.7 kB, and an address of
1,000 characters outside ASCII can be longer; a hash index stores only a hash and serves
the read's equality (`url IN (…)`). SQLite has no such limit and gets a plain index.
"""

from django.db import migrations

INDEX = "monitoring_post_url_lookup"


def create_index(apps, schema_editor):
    using = "USING hash " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {INDEX} ON monitoring_post {using}(url)")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0007_field_verbose_names")]

    operations = [migrations.RunPython(create_index, drop_index)]
