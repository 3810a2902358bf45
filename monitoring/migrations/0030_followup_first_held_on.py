"""A case keeps the day of its first conversation held, a bare date: FollowUp.first_held_on.

The reports count a case in the month of its first conversation, and its wait from the
flag to that day. They read it from the case's earlier conversations (the oldest one's
day), else from its held date; but retention empties the earlier conversations of a case
closed long enough, so a past month's report then counted such a case by its last
conversation: in another month, with another wait. The day is kept apart now, and
retention leaves it (a date only: no words, no names).

This fills it for the cases stored before as the reports read it until then: the oldest
earlier conversation's day, else the held date; nothing while none was held, nor when the
first was held on a day not recorded ("?", read from the notes by 0027). Cases with a
conversation are read in batches by id. The column may be empty, so the older release's
processes still running during a rolling deploy insert their cases without it, and a
first conversation (or a correction of its day) one of them records in those minutes
leaves it empty (or as it was).

Changed since it ran (comments only): the reports do not leave such a case out, as this
said at first. They read the day from the case's conversations in the same query while
they are all there (FollowUp.first_held: the earliest held), so also a correction the
older release made; retention reads it so before it empties the earlier ones, and the
kept day counts from then on (migration 0032 marks the cases it emptied). Nothing to
undo: the column goes.
"""

import datetime

from django.db import migrations, models

BATCH = 1000


def first_held(earlier: list[dict], held_on: datetime.date | None) -> datetime.date | None:
    """The day the reports read for a case until this migration (reports.first_held_on
    then; FollowUp.first_held now)."""
    if not earlier:
        return held_on
    held = earlier[0].get("held")
    return datetime.date.fromisoformat(held) if held else None


def first_held_filled(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    cases = FollowUp.objects.filter(
        models.Q(held_on__isnull=False) | ~models.Q(earlier_conversations=[]),
        first_held_on__isnull=True,
    ).order_by("pk")
    last = 0
    while True:
        batch = list(
            cases.filter(pk__gt=last).only("pk", "held_on", "earlier_conversations")[:BATCH]
        )
        changed = []
        for case in batch:
            case.first_held_on = first_held(case.earlier_conversations, case.held_on)
            if case.first_held_on is not None:
                changed.append(case)
        if changed:
            FollowUp.objects.bulk_update(changed, ["first_held_on"])
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0029_lines_older_processes_wrote_as_data")]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="first_held_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="first conversation held on"
            ),
        ),
        migrations.RunPython(first_held_filled, migrations.RunPython.noop),
    ]
