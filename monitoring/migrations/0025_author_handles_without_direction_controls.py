"""Author handles lose Unicode's direction controls.

The ingest drops them from a handle now (monitoring.sources.base, opo_portal.text): a
handle holding U+202E RIGHT-TO-LEFT OVERRIDE reads as another on every page. This drops
them from the handles stored before. A post's text is evidence and stays as it came (the
pages show it isolated). A foundation may have a million posts: the database finds the
few whose handle holds a control (a regular expression), read in batches by id, each
batch written at once and committed on its own (not atomic), so a run stopped halfway
keeps what it did and running it again goes on. Nothing to undo.
"""

from django.db import migrations

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000


def drop_direction_controls_from_handles(apps, schema_editor):
    Post = apps.get_model("monitoring", "Post")
    dropped = str.maketrans("", "", CONTROLS)
    holding = Post.objects.filter(author_handle__regex=HOLDS_A_CONTROL).order_by("pk")
    last = 0
    while True:
        posts = list(holding.filter(pk__gt=last).only("pk", "author_handle")[:BATCH])
        for post in posts:
            post.author_handle = post.author_handle.translate(dropped)
        if posts:
            Post.objects.bulk_update(posts, ["author_handle"])
        if len(posts) < BATCH:
            return
        last = posts[-1].pk


class Migration(migrations.Migration):
    atomic = False  # each batch is committed on its own

    dependencies = [("monitoring", "0024_source_without_settings")]

    operations = [
        migrations.RunPython(drop_direction_controls_from_handles, migrations.RunPython.noop)
    ]
