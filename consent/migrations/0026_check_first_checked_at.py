"""Adjusted checks (one that `replaces` another) get `first_checked_at`, when the
publication was first checked: the time the takedown e-mail and cards name with the
adjusted check's own. Until 2026-12-07 an open takedown that followed its post to the
adjusted check showed that check's time on the teacher's card, which its e-mail, sent
before the adjustment, never named.

Filled for the checks of before by walking each chain up to its first check: the adjusted checks are
read with the one each replaces and its time (one query), and updated in batches. Nothing to undo: the
field is dropped.
"""

from django.db import migrations, models

BATCH = 500


def fill_first_checked_at(apps, schema_editor):
    PublicationCheck = apps.get_model("consent", "PublicationCheck")
    adjusted = PublicationCheck.objects.filter(replaces__isnull=False).values_list(
        "pk", "replaces_id", "replaces__created_at"
    )
    replaced = {pk: (up, at) for pk, up, at in adjusted.iterator(chunk_size=BATCH)}
    first: dict[int, object] = {}
    for pk in replaced:
        chain = [pk]
        while (up := replaced[chain[-1]][0]) in replaced and up not in first:
            chain.append(up)
        up, at = replaced[chain[-1]]
        at = first.get(up, at)  # its first check's time, or the one it replaces
        for each in chain:
            first[each] = at
    changed = [PublicationCheck(pk=pk, first_checked_at=at) for pk, at in first.items()]
    PublicationCheck.objects.bulk_update(changed, ["first_checked_at"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0025_takedown_consent_back_from_yes"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicationcheck",
            name="first_checked_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="first checked at"
            ),
        ),
        migrations.RunPython(fill_first_checked_at, migrations.RunPython.noop),
    ]
