"""The address a takedown task keeps as handed over from loses Unicode's direction controls.

A handed-over task keeps the name of the staff member it came from, or their e-mail address
where the account had no name (consent.services.takedowns_hand_over). Django's validator
took the controls in an address's domain, and the forms let one through until they
refused it (opo_portal.fields, 2026-12-07); the hand-over copied the address as it was,
so a task handed over since migration 0022 can hold U+202E RIGHT-TO-LEFT OVERRIDE, which
makes its line on the takedown pages, the home page and the pupil's consent file read as
another. As 0022 did for the names: only the invisible controls go, every other
character stays as it was. The database finds the tasks holding a control (a regular
expression), read in batches by id. Nothing to undo.
"""

from django.db import migrations

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000


def drop_direction_controls_from_takedown_addresses(apps, schema_editor):
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
    dependencies = [("consent", "0023_takedown_consent_back")]

    operations = [
        migrations.RunPython(
            drop_direction_controls_from_takedown_addresses, migrations.RunPython.noop
        )
    ]
