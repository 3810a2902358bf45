"""When the board was e-mailed that an urgent case waited with nobody acting on it
(notifications.urgent_stale_escalate). A nullable column: nothing is filled in, a case
already waiting is escalated by the first sweep after the deploy."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0033_source_settings_database_default"),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="urgent_escalated_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="escalated to the board at"
            ),
        ),
    ]
