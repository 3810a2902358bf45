from django.db import migrations, models


def mark_delivered(apps, schema_editor):
    """Rows written before `delivered_at` were read as sent. Those whose e-mail duty is
    still pending or gave up were not: they stay undelivered; the others went (a duty that
    sent nothing deleted its row) and count from their claim."""
    ReminderSent = apps.get_model("consent", "ReminderSent")
    Duty = apps.get_model("outbox", "Duty")
    unsent_ids, unsent_weeks = set(), set()
    duties = Duty.objects.filter(
        handler="consent.duties.reminder_email_send", status__in=["pending", "failed"]
    ).values_list("key", "payload")
    for key, payload in duties:
        if payload.get("reminder_id") is not None:
            unsent_ids.add(payload["reminder_id"])
        else:  # written before the claim was in the payload: consent-reminder:<user>:<week>
            _prefix, user_id, week = key.split(":")[:3]
            unsent_weeks.add((int(user_id), week))
    for row in ReminderSent.objects.filter(delivered_at__isnull=True).iterator():
        if row.pk in unsent_ids or (row.user_id, row.week) in unsent_weeks:
            continue
        ReminderSent.objects.filter(pk=row.pk).update(delivered_at=row.sent_at)


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0015_takedowntask_handed_over"),
        ("outbox", "0002_duty_lost_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="remindersent",
            name="delivered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="delivered at"),
        ),
        migrations.RunPython(mark_delivered, migrations.RunPython.noop),
    ]
