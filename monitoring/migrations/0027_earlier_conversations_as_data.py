"""A case's earlier conversations are stored as data, worded on the case page in the
reader's language.

Until now planning another conversation after one was held added a line to the notes,
"Eerder gesprek gevoerd op <datum> (gepland voor <datum>).", which an English page showed
in Dutch. It was written in Dutch (LANGUAGE_CODE) from 2026-12-05; before that, the day
the line came, in the language of whoever planned the conversation, so an English line,
"Earlier conversation held on <date> (planned for <date>).", may be stored as well. This
reads both into {"held", "planned"} entries of earlier_conversations, oldest first, and
takes them out of the notes; a line that does not read as such (edited, a date that is
no day) stays in the notes as written. Cases with such a line are few: read in batches by
id. Nothing is removed from the schema: the new column has a database default for the
inserts of the older release's processes still running during a rolling deploy, and the
old reason column 0026 kept for its predecessor stays (also on SQLite, which rebuilds the
table). Undone, the entries become Dutch lines at the end of the notes again, where the
older release shows them.
"""

import datetime
import re

from django.db import migrations, models

MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
    "december".split(),
    "en": "January February March April May June July August September October November "
    "December".split(),
}
DAY = r"\d{1,2} [A-Za-z]+ \d{4}"
# the msgstr and msgid of "Earlier conversation held on %(held)s (planned for %(planned)s)."
# and "Earlier conversation held on %(held)s.", each day as date_format(…, "j F Y") or "?"
# for none, as services._earlier_conversation_line wrote them until now
LINES = {
    "nl": re.compile(
        rf"Eerder gesprek gevoerd op (?P<held>\?|{DAY})(?: \(gepland voor (?P<planned>{DAY})\))?\."
    ),
    "en": re.compile(
        rf"Earlier conversation held on (?P<held>\?|{DAY})(?: \(planned for (?P<planned>{DAY})\))?\."
    ),
}
PREFIXES = {"nl": "Eerder gesprek gevoerd op ", "en": "Earlier conversation held on "}
BATCH = 1000


def read_day(text: str | None, language: str) -> str | None:
    """The ISO date of a day written as "2 maart 2026" ("2 March 2026"); None for none."""
    if text is None or text == "?":
        return None
    day, month, year = text.split()
    if month not in MONTHS[language]:
        raise ValueError(text)
    return datetime.date(int(year), MONTHS[language].index(month) + 1, int(day)).isoformat()


def read_line(line: str) -> dict | None:
    for language, pattern in LINES.items():
        match = pattern.fullmatch(line.strip())
        if match is None:
            continue
        try:
            return {
                "held": read_day(match["held"], language),
                "planned": read_day(match["planned"], language),
            }
        except ValueError:
            return None
    return None


def earlier_and_notes(notes: str) -> tuple[list[dict], str]:
    """A case's earlier conversations read from its notes, and its notes without them."""
    earlier, kept = [], []
    for line in notes.split("\n"):
        read = read_line(line) if line.startswith(tuple(PREFIXES.values())) else None
        if read is None:
            kept.append(line)
        else:
            earlier.append(read)
    return earlier, "\n".join(kept).rstrip() if earlier else notes


def earlier_as_data(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    having = models.Q()
    for prefix in PREFIXES.values():
        having |= models.Q(notes__contains=prefix)
    cases = FollowUp.objects.filter(having).order_by("pk")
    last = 0
    while True:
        batch = list(cases.filter(pk__gt=last).only("pk", "notes", "earlier_conversations")[:BATCH])
        changed = []
        for case in batch:
            earlier, notes = earlier_and_notes(case.notes)
            if earlier:
                case.earlier_conversations, case.notes = earlier, notes
                changed.append(case)
        if changed:
            FollowUp.objects.bulk_update(changed, ["earlier_conversations", "notes"])
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


def as_line(earlier: dict) -> str:
    def when(day: str | None) -> str:
        if day is None:
            return "?"
        day = datetime.date.fromisoformat(day)
        return f"{day.day} {MONTHS['nl'][day.month - 1]} {day.year}"

    if earlier["planned"] is None:
        return f"{PREFIXES['nl']}{when(earlier['held'])}."
    return f"{PREFIXES['nl']}{when(earlier['held'])} (gepland voor {when(earlier['planned'])})."


def earlier_as_lines(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    cases = list(
        FollowUp.objects.exclude(earlier_conversations=[]).only(
            "pk", "notes", "earlier_conversations"
        )
    )
    for case in cases:
        lines = [as_line(earlier) for earlier in case.earlier_conversations]
        case.notes = "\n".join([case.notes.rstrip(), *lines] if case.notes.strip() else lines)
    FollowUp.objects.bulk_update(cases, ["notes"], batch_size=BATCH)


OLD_REASON_COLUMN = migrations.AddField(
    model_name="followup",
    name="no_action_reason",
    field=models.TextField(blank=True, db_default="", editable=False),
)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0026_no_action_reasons_as_data")]

    operations = [
        # SQLite adds a NOT NULL column by rebuilding the table from the migration state,
        # which no longer has the column 0026 left for older processes: the state names it
        # for the while, so the rebuild keeps it (PostgreSQL adds the column in place).
        migrations.SeparateDatabaseAndState(state_operations=[OLD_REASON_COLUMN]),
        migrations.AddField(
            model_name="followup",
            name="earlier_conversations",
            field=models.JSONField(
                blank=True,
                db_default=[],
                default=list,
                editable=False,
                verbose_name="earlier conversations",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="followup", name="no_action_reason")
            ]
        ),
        migrations.RunPython(earlier_as_data, earlier_as_lines),
    ]
