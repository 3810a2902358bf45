"""The reason and earlier-conversation lines written into the notes during the rolling
deploy that ran 0026 and 0027 are read into entries too.

0026 and 0027 run while processes of the older release still serve (migrations add before
they remove: ops/health.py, README "Upgrading a portal in use"). Until those stop, a case
closed as "geen actie nodig" or given a second conversation there gets the Dutch line in
its notes again (and the reason also in the old column no_action_reason), and a form those
processes showed before the migrations saves notes with the lines already read. Nothing
took them up afterwards. This runs the same reading once more, with the functions of 0026
and 0027 (so it reads exactly what they read): a line is added to the case's entries
unless an equal entry is there (one read before, written back by such a form) and is taken
out of the notes; a line that does not read as such stays as written; a case without such
a line is not written. Read in batches by id, like 0026 and 0027; run twice, it changes
nothing the second time.

The old column is not read again: 0026 read every line in it and left it as it was, and
retention empties the entries and the notes but not the column, so reading it would bring
an erased reason back; every line an older process writes into the column goes into the
notes as well. It is emptied instead: what it holds is in the entries (0026 read it) or
in the notes (read here), and a reason retention erased from a closed case must not stay
in the database in a column nothing shows (until 2026-12-07 it did).

It catches what was written before this release is deployed, so when the release that
brought 0026 and 0027 was fully rolled out first (its own processes write entries only).
A portal upgraded straight past both to this one migrates all three while the processes
from before 0026 still serve: a line they write after it is left in the notes, where the
case page shows it.

Nothing is removed here. FollowUp.no_action_reason and Source.settings left the model in
0026 and 0024, so this release neither reads nor writes them; their columns stay, with a
database default ('') and nullable (no default) respectively, so this release's inserts
fill them and older processes still select and insert them. A later release drops both
columns, once no process from before 0026 can be running: a RemoveField in a
SeparateDatabaseAndState that first adds them back to the state (state_operations),
then removes them in the database (database_operations). Until then a migration that
alters FollowUp or Source rebuilds the table on SQLite from the state and would drop
them: 0027 shows how to keep them there. Nothing to undo: the entries stay entries
(undoing 0026 and 0027 turns them into lines again).
"""

import importlib

from django.db import migrations, models

reasons = importlib.import_module("monitoring.migrations.0026_no_action_reasons_as_data")
earlier = importlib.import_module("monitoring.migrations.0027_earlier_conversations_as_data")
PREFIXES = (reasons.PREFIX, *earlier.PREFIXES.values())
BATCH = 1000


def taken_up(notes: str, given: list[dict], held: list[dict]) -> tuple[list, list, str]:
    """A case's reasons and earlier conversations with those its notes still hold added
    (not one that is there already), and its notes without those lines."""
    read_reasons, notes = reasons.reasons_and_notes("", notes)
    read_earlier, notes = earlier.earlier_and_notes(notes)
    given = [*given, *(entry for entry in read_reasons if entry not in given)]
    held = [*held, *(entry for entry in read_earlier if entry not in held)]
    return given, held, notes


def take_up_lines(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    having = models.Q()
    for prefix in PREFIXES:
        having |= models.Q(notes__contains=prefix)
    cases = FollowUp.objects.filter(having).order_by("pk")
    fields = ["no_action_reasons", "earlier_conversations", "notes"]
    last = 0
    while True:
        batch = list(cases.filter(pk__gt=last).only("pk", *fields)[:BATCH])
        changed = []
        for case in batch:
            before = [getattr(case, field) for field in fields]
            after = taken_up(case.notes, case.no_action_reasons, case.earlier_conversations)
            if list(after) != before:
                case.no_action_reasons, case.earlier_conversations, case.notes = after
                changed.append(case)
        if changed:
            FollowUp.objects.bulk_update(changed, fields)
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


def empty_old_reason_column(apps, schema_editor):
    """What the old column held is in the entries or the notes by now: no copy of a reason
    stays behind there, erased or not."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE monitoring_followup SET no_action_reason = '' WHERE no_action_reason <> ''"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0028_source_names_and_watch_terms_without_direction_controls")
    ]

    operations = [
        migrations.RunPython(take_up_lines, migrations.RunPython.noop),
        migrations.RunPython(empty_old_reason_column, migrations.RunPython.noop),
    ]
