"""Every flagged post is among its school's mentions ("Vermeldingen").

Mentions came with migration 0002, without rows for the flags stored before it: such a
post, complaint or not, was on no school's list. This gives each (post, school) pair of a
flag that has no mention one, dated at the pair's first flag. A flag whose post retention
deleted has nothing to list. Running it again adds nothing.
"""

from django.db import migrations
from django.db.models import Exists, Min, OuterRef

BATCH = 2_000


def add_missing_mentions(apps, schema_editor):
    Flag = apps.get_model("monitoring", "Flag")
    Mention = apps.get_model("monitoring", "Mention")
    listed = Mention.objects.filter(post_id=OuterRef("post_id"), school_id=OuterRef("school_id"))
    missing = (
        Flag.objects.filter(post__isnull=False)
        .exclude(Exists(listed))
        .values("post_id", "school_id")
        .annotate(first_flag=Min("created_at"))
        .order_by()
    )
    batch = []
    for row in missing.iterator(chunk_size=BATCH):
        batch.append(
            Mention(
                post_id=row["post_id"], school_id=row["school_id"], created_at=row["first_flag"]
            )
        )
        if len(batch) == BATCH:
            Mention.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Mention.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0008_post_url_index")]

    operations = [migrations.RunPython(add_missing_mentions, migrations.RunPython.noop)]
