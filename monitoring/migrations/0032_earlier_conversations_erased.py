"""A case says whether retention emptied its earlier conversations:
FollowUp.earlier_conversations_erased.

The day of a case's first conversation (first_held_on) is read from its conversations
while they are all there, and is the day kept once retention emptied the earlier ones. A
case left with one held date read the same either way: its only conversation, or a later
one held the same day as the first, or moved to it, after retention; a correction of that
date then moved the first conversation's day, a month later say.

This marks the cases retention emptied before: no earlier conversation left and a kept day
other than the held date (the first and a later conversation on different days), in one
UPDATE. A case whose later conversation was held the day of its first reads as having one
conversation, as before. So does a case whose only conversation a process of the release
before first_held_on corrected to a later day during the deploy: it keeps the earlier day.
The column has a default in the database, so the older release's processes still running
during a rolling deploy insert their cases without it. SQLite adds it by rebuilding the
table from the migration state, which no longer has the old reason column 0026 left for
older processes: the state names it for the while, as in 0027. Nothing to undo: the
column goes.
"""

import importlib

from django.db import migrations, models

OLD_REASON_COLUMN = importlib.import_module(
    "monitoring.migrations.0027_earlier_conversations_as_data"
).OLD_REASON_COLUMN


def erased_marked(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    FollowUp.objects.filter(earlier_conversations=[], first_held_on__isnull=False).exclude(
        held_on=models.F("first_held_on")
    ).update(earlier_conversations_erased=True)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0031_watch_term_at_least_three_characters")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[OLD_REASON_COLUMN]),
        migrations.AddField(
            model_name="followup",
            name="earlier_conversations_erased",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                verbose_name="earlier conversations erased",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="followup", name="no_action_reason")
            ]
        ),
        migrations.RunPython(erased_marked, migrations.RunPython.noop),
    ]
