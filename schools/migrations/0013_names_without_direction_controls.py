"""Pupil names lose Unicode's direction controls.

The pupil import and the admin drop them from a name now (opo_portal.text): a name
holding U+202E RIGHT-TO-LEFT OVERRIDE reads as another on every page and list. This
drops them from the first names, prefixes and surnames stored before, with the spaces at
either end, as a name typed now; a name of controls only is left empty (it showed as
nothing before too, and the admin asks for a name when the pupil is next saved). The
database finds the pupils holding a control (a regular expression), read in batches by
id. Nothing to undo.
"""

from django.db import migrations
from django.db.models import Q

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000
FIELDS = ["first_name", "name_prefix", "last_name"]


def drop_direction_controls_from_names(apps, schema_editor):
    Pupil = apps.get_model("schools", "Pupil")
    dropped = str.maketrans("", "", CONTROLS)
    holding = Q()
    for field in FIELDS:
        holding |= Q(**{f"{field}__regex": HOLDS_A_CONTROL})
    pupils_holding = Pupil.objects.filter(holding).order_by("pk")
    last = 0
    while True:
        pupils = list(pupils_holding.filter(pk__gt=last).only("pk", *FIELDS)[:BATCH])
        for pupil in pupils:
            for field in FIELDS:
                value = getattr(pupil, field)
                if value.translate(dropped) != value:  # a name without one stays as it is
                    setattr(pupil, field, value.translate(dropped).strip())
        if pupils:
            Pupil.objects.bulk_update(pupils, FIELDS)
        if len(pupils) < BATCH:
            return
        last = pupils[-1].pk


class Migration(migrations.Migration):
    dependencies = [("schools", "0012_via_demo")]

    operations = [
        migrations.RunPython(drop_direction_controls_from_names, migrations.RunPython.noop)
    ]
