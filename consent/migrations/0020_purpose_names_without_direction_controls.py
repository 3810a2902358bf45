"""Purpose (channel) names lose Unicode's direction controls.

The board's page and the admin drop them from a purpose's name now
(opo_portal.fields.NameField): a name holding U+202E RIGHT-TO-LEFT OVERRIDE reads as
another on every parent's page, in the teachers' check and in the coverage. This drops
them from the names stored before, with the spaces at either end, as a name typed now; a
name of controls only is left empty (it showed as nothing before too, and the admin asks
for a name when the purpose is next saved).

Parents answer per channel by its name and teachers pick it by name, so the board's page
refuses a name another purpose has, whatever its capitals: a purpose whose name without
controls is another's ("Website" and "website" + U+202E) keeps its name as it is,
controls and all, rather than parents seeing two channels of one name; the board renames
one of the two. Of two purposes holding a control whose names become one, the older
(lower id) takes it. The database finds the purposes holding a control (a regular
expression), read in batches by id. Nothing to undo.
"""

from django.db import migrations
from django.db.models.functions import Lower

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000


def drop_direction_controls_from_purpose_names(apps, schema_editor):
    Purpose = apps.get_model("consent", "Purpose")
    dropped = str.maketrans("", "", CONTROLS)
    holding = Purpose.objects.filter(name__regex=HOLDS_A_CONTROL).order_by("pk")
    last = 0
    while True:
        purposes = list(holding.filter(pk__gt=last).only("pk", "name")[:BATCH])
        cleaned = {purpose.pk: purpose.name.translate(dropped).strip() for purpose in purposes}
        # the names these would take that another purpose has, whatever the capitals
        taken = {
            name.lower()
            for name in Purpose.objects.annotate(lowered=Lower("name"))
            .filter(lowered__in={name.lower() for name in cleaned.values()})
            .values_list("name", flat=True)
        }
        for purpose in purposes:
            if cleaned[purpose.pk].lower() not in taken:  # else kept, as said above
                purpose.name = cleaned[purpose.pk]
                taken.add(cleaned[purpose.pk].lower())
        if purposes:
            Purpose.objects.bulk_update(purposes, ["name"])
        if len(purposes) < BATCH:
            return
        last = purposes[-1].pk


class Migration(migrations.Migration):
    dependencies = [("consent", "0019_remindersent_schools")]

    operations = [
        migrations.RunPython(drop_direction_controls_from_purpose_names, migrations.RunPython.noop)
    ]
