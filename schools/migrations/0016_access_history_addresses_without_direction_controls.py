"""The addresses the access history copied lose Unicode's direction controls.

A staff membership's and a parent's link and gezag changes keep the e-mail address of who
it was about as it was, and the address of who made it where that account had no name
(schools.accesslog). Django's validator took the controls in an address's domain, and the
forms let one through until they refused it (opo_portal.fields, 2026-12-07): such a copy
can hold U+202E RIGHT-TO-LEFT OVERRIDE, which makes its line on "Rollen van medewerkers"
and in a pupil's consent file read as another. No address holds one. As migration 0015
did for the names: only the invisible controls go, every other character stays as it
was; a "by" of controls only (none such: an address is never controls only) becomes the
address of that account where it still exists, without them.

The database finds the rows holding a control (a regular expression), read in batches by
id, each batch written at once and committed on its own (not atomic); a run stopped
halfway keeps what it did and running it again goes on. Nothing to undo.
"""

from django.db import migrations
from django.db.models import Q

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000


def _drop_direction_controls(model, fields: list[str]) -> None:
    dropped = str.maketrans("", "", CONTROLS)
    holding = Q()
    for field in fields:
        holding |= Q(**{f"{field}__regex": HOLDS_A_CONTROL})
    rows_holding = model.objects.filter(holding).select_related("by").order_by("pk")
    last = 0
    while True:
        rows = list(rows_holding.filter(pk__gt=last).only("pk", *fields, "by__email")[:BATCH])
        for row in rows:
            for field in fields:
                setattr(row, field, getattr(row, field).translate(dropped))
            if not row.by_name.strip() and row.by is not None:
                row.by_name = row.by.email.translate(dropped)
        if rows:
            model.objects.bulk_update(rows, fields)
        if len(rows) < BATCH:
            return
        last = rows[-1].pk


def drop_direction_controls(apps, schema_editor):
    _drop_direction_controls(
        apps.get_model("schools", "MembershipChange"), ["person_email", "by_name"]
    )
    _drop_direction_controls(apps.get_model("schools", "GezagChange"), ["guardian_email", "by_name"])


class Migration(migrations.Migration):
    atomic = False  # each batch is committed on its own

    dependencies = [("schools", "0015_access_history_names_without_direction_controls")]

    operations = [migrations.RunPython(drop_direction_controls, migrations.RunPython.noop)]
