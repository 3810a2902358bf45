from django.db import migrations, models

OPEN_FLAG = models.Q(("dismissed_as_false_positive", False), models.Q(("category", "positive"), _negated=True))


class Migration(migrations.Migration):
    """Flag.raised_at: when a flag last became a signal (its first time for every flag
    so far); the dashboard's recent-flags indexes go by it instead of created_at."""

    dependencies = [
        ("monitoring", "0014_flag_case_open"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="raised_at",
            field=models.DateTimeField(null=True, verbose_name="raised at"),
        ),
        migrations.RunSQL(
            "UPDATE monitoring_flag SET raised_at = created_at",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="flag",
            name="raised_at",
            field=models.DateTimeField(verbose_name="raised at"),
        ),
        migrations.RemoveIndex(model_name="flag", name="flag_open_recent"),
        migrations.RemoveIndex(model_name="flag", name="flag_open_recent_school"),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(
                models.F("urgent").desc(),
                models.F("raised_at").desc(),
                condition=OPEN_FLAG,
                name="flag_open_recent",
            ),
        ),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(
                models.F("school"),
                models.F("urgent").desc(),
                models.F("raised_at").desc(),
                condition=OPEN_FLAG,
                name="flag_open_recent_school",
            ),
        ),
    ]
