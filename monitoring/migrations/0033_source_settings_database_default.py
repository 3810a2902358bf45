"""The column Source.settings kept for the previous release gets a database default, {},
and the sources this release made without one get it too.

0024 took the field out of the model and left the column nullable without a default, for
the processes of the previous release still running during a rolling deploy. This
release's inserts name no such column, so a source it made held NULL there, where the
previous release's model (JSONField(default=dict), not nullable) expects a value: its
admin showed "null" in the settings box of such a source and refused to save it ("Dit
veld mag niet leeg zijn.") until someone typed {}. From now on the database fills in {},
as the previous release wrote itself, and the NULLs written since 0024 become {} (sources
are a few per school: one UPDATE). The column stays nullable: a process of the previous
release that read such a source before this ran writes its NULL back when it saves it,
and must not fail for it. A later release drops the column (README "Columns kept for the
previous release").

The state names the column for the while (as 0027 did for FollowUp.no_action_reason): the
default is set on it, and SQLite, which rebuilds the table to change a default, keeps it.
Undone, the default goes; the {} stay.
"""

from django.db import migrations, models

OLD_SETTINGS_COLUMN = dict(model_name="source", name="settings")


def settings_filled(apps, schema_editor):
    Source = apps.get_model("monitoring", "Source")
    Source.objects.filter(settings__isnull=True).update(settings={})


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0032_earlier_conversations_erased")]

    operations = [
        # the column as 0024 left it in the database, named in the state for the while
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    **OLD_SETTINGS_COLUMN,
                    field=models.JSONField(blank=True, default=dict, null=True),
                )
            ]
        ),
        migrations.AlterField(
            **OLD_SETTINGS_COLUMN,
            field=models.JSONField(blank=True, db_default={}, default=dict, null=True),
        ),
        migrations.RunPython(settings_filled, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(**OLD_SETTINGS_COLUMN)]
        ),
    ]
