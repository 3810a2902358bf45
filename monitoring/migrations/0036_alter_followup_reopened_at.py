"""FollowUp.reopened_at's label only: it is also set when an urgent post comes into a case
at "conversation held", so "reopened at" said too little. No change to the column."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0035_followup_reopened_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="followup",
            name="reopened_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="waiting for action again since"
            ),
        ),
    ]
