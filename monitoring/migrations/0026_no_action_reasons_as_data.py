"""A case's reasons for "no action needed" are stored as data, worded on the case page in
the reader's language.

Until now each was a Dutch sentence, "Geen actie nodig volgens <naam> (<datum>): …", in
FollowUp.no_action_reason and also added to the notes (before 0021 only there), which an
English page showed in Dutch. This reads those sentences into {"name", "day", "reason"}
entries of no_action_reasons and takes them out of the notes, where the case page shows
the reason in its own place; the notes keep what people wrote. A line of the old field
that does not read as such a sentence is kept as it is ({"line": …}); in the notes only
a line that reads so is moved. Cases with a reason are few (a teacher's closing): read in
batches by id. The old column stays in the database for processes of the older release
still running (filled with "" by the database from now on); the new one has a database
default for their inserts. Undone, the entries become the old column's Dutch lines again
(the notes are left as they are).
"""

import datetime
import re

from django.db import migrations, models

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
# the Dutch msgstr of "No action needed, according to %(name)s (%(day)s): %(reason)s" with
# the day as date_format(…, "j F Y"), as services._no_action_line wrote it until now
LINE = re.compile(
    r"Geen actie nodig volgens (?P<name>.+?) \((?P<day>\d{1,2}) (?P<month>[a-z]+) "
    r"(?P<year>\d{4})\): (?P<reason>.*)"
)
PREFIX = "Geen actie nodig volgens "
BATCH = 1000


def read_line(line: str) -> dict | None:
    match = LINE.fullmatch(line.strip())
    if match is None or match["month"] not in MONTHS:
        return None
    try:
        day = datetime.date(int(match["year"]), MONTHS.index(match["month"]) + 1, int(match["day"]))
    except ValueError:
        return None
    return {"name": match["name"], "day": day.isoformat(), "reason": match["reason"]}


def reasons_and_notes(reason_text: str, notes: str) -> tuple[list[dict], str]:
    """The entries for a case's old reason field and notes, and its notes without them."""
    reasons = [read_line(line) or {"line": line} for line in reason_text.splitlines() if line]
    kept = []
    for line in notes.split("\n"):
        given = read_line(line) if line.startswith(PREFIX) else None
        if given is None:
            kept.append(line)
        elif given not in reasons:
            reasons.append(given)
    return reasons, "\n".join(kept).rstrip() if len(kept) < len(notes.split("\n")) else notes


def reasons_as_data(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    having = FollowUp.objects.filter(
        models.Q(no_action_reason__gt="") | models.Q(notes__contains=PREFIX)
    ).order_by("pk")
    last = 0
    while True:
        cases = list(having.filter(pk__gt=last).only("pk", "notes", "no_action_reason")[:BATCH])
        for case in cases:
            case.no_action_reasons, case.notes = reasons_and_notes(
                case.no_action_reason, case.notes
            )
        if cases:
            FollowUp.objects.bulk_update(cases, ["no_action_reasons", "notes"])
        if len(cases) < BATCH:
            return
        last = cases[-1].pk


def as_line(given: dict) -> str:
    if "line" in given:
        return given["line"]
    day = datetime.date.fromisoformat(given["day"])
    when = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{PREFIX}{given['name']} ({when}): {given['reason']}"


def reasons_as_lines(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    cases = list(FollowUp.objects.exclude(no_action_reasons=[]))
    for case in cases:
        case.no_action_reason = "\n".join(as_line(given) for given in case.no_action_reasons)
    FollowUp.objects.bulk_update(cases, ["no_action_reason"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0025_author_handles_without_direction_controls")]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="no_action_reasons",
            field=models.JSONField(
                blank=True,
                db_default=[],
                default=list,
                editable=False,
                verbose_name="reasons for no action",
            ),
        ),
        migrations.RunPython(reasons_as_data, reasons_as_lines),
        # Migrations add before they remove (0024): older processes still read the column
        # during a rolling deploy, so it stays in the database, filled with "" by the
        # database for rows new code writes; a later release drops it.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="followup",
                    name="no_action_reason",
                    field=models.TextField(blank=True, db_default="", editable=False),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="followup", name="no_action_reason"),
            ],
        ),
    ]
