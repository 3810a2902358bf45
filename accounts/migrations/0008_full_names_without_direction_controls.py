"""Full names lose Unicode's direction controls.

The forms where a name is typed drop them now (opo_portal.fields.NameField): a name
holding U+202E RIGHT-TO-LEFT OVERRIDE reads as another on every page and e-mail. This
drops them from the full names stored before, with the spaces at either end, as a name
typed now; a name of controls only is left empty (the portal then shows the e-mail
address, as for a user without a name). The database finds the users holding a control
(a regular expression), read in batches by id. Nothing to undo.
"""

from django.db import migrations

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000


def drop_direction_controls_from_full_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    dropped = str.maketrans("", "", CONTROLS)
    holding = User.objects.filter(full_name__regex=HOLDS_A_CONTROL).order_by("pk")
    last = 0
    while True:
        users = list(holding.filter(pk__gt=last).only("pk", "full_name")[:BATCH])
        for user in users:
            user.full_name = user.full_name.translate(dropped).strip()
        if users:
            User.objects.bulk_update(users, ["full_name"])
        if len(users) < BATCH:
            return
        last = users[-1].pk


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_drop_addresses_of_other_accounts")]

    operations = [
        migrations.RunPython(drop_direction_controls_from_full_names, migrations.RunPython.noop)
    ]
