from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="duty",
            name="lost_attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="lost attempts"),
        ),
    ]
