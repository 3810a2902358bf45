"""When a case was last reopened, while nobody moved it on since (services.followup_update):
a case reopened from "closed" stands at "conversation held", and the urgent sweep
(notifications.urgent_stale_escalate) needs this to tell it from a case whose conversation
was held. A nullable column, left empty: a case reopened before this release cannot be told
apart (a reopening clears closed_at and closed_by, and the outbox rows that told of it are
pruned), so it is not swept, as before, until it is reopened again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0034_followup_urgent_escalated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="reopened_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="reopened at"
            ),
        ),
    ]
