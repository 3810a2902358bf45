"""The name a takedown task keeps as handed over from loses Unicode's direction controls.

A handed-over task keeps the name of the staff member it came from as it was then
(consent.services.takedowns_hand_over). A name copied before the forms dropped the
controls (opo_portal.text, 2026-12-07) can still hold U+202E RIGHT-TO-LEFT OVERRIDE,
which makes the task's line on the takedown pages, the home page and the pupil's consent
file read as another. The task is the record of who answered for the picture; this
changes none of what it says: only the invisible controls go, every other character stays
as it was. A name of controls only showed as nothing and is left empty (who it was is not
kept otherwise). The database finds the tasks holding a control (a regular expression),
read in batches by id. Nothing to undo.
"""

from django.db import migrations

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000


def drop_direction_controls_from_takedown_names(apps, schema_editor):
    TakedownTask = apps.get_model("consent", "TakedownTask")
    dropped = str.maketrans("", "", CONTROLS)
    holding = TakedownTask.objects.filter(handed_over_from_name__regex=HOLDS_A_CONTROL)
    holding = holding.order_by("pk")
    last = 0
    while True:
        tasks = list(holding.filter(pk__gt=last).only("pk", "handed_over_from_name")[:BATCH])
        for task in tasks:
            task.handed_over_from_name = task.handed_over_from_name.translate(dropped)
        if tasks:
            TakedownTask.objects.bulk_update(tasks, ["handed_over_from_name"])
        if len(tasks) < BATCH:
            return
        last = tasks[-1].pk


class Migration(migrations.Migration):
    dependencies = [("consent", "0021_remindersent_sent_by")]

    operations = [
        migrations.RunPython(
            drop_direction_controls_from_takedown_names, migrations.RunPython.noop
        )
    ]
