"""A watch term of fewer than 3 characters (without # or @) is refused by every form that
stores one, the admin's too, through a validator on the field. Nothing in the database
changes: a shorter term stored before is kept, and monitoring leaves it out
(WatchTerm.is_too_short)."""

from django.db import migrations, models

import monitoring.models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0030_followup_first_held_on"),
    ]

    operations = [
        migrations.AlterField(
            model_name="watchterm",
            name="term",
            field=models.CharField(
                max_length=100,
                validators=[monitoring.models.validate_watch_term_length],
                verbose_name="term",
            ),
        ),
    ]
