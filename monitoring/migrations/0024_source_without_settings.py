"""Source.settings goes: nothing ever read it (the admin offered it as a JSON box that
did nothing).

Migrations add before they remove (ops/health.py: during a rolling deploy the new release
migrates while older processes still run). Those processes still read and write the
column, so it stays for now, nullable, as new code writes no value into it; a later
release drops it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0023_forgotten_post_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="source",
                    name="settings",
                    field=models.JSONField(blank=True, default=dict, null=True),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="source", name="settings"),
            ],
        ),
    ]
