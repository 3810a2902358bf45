"""Source names and watch terms lose Unicode's direction controls.

The board's pages and the admin drop them from a source's name and a watch term now
(opo_portal.fields.NameField): a name holding U+202E RIGHT-TO-LEFT OVERRIDE reads as
another on every page. This drops them from the names and terms stored before, with the
spaces at either end, as one typed now; one of controls only is left empty (it showed as
nothing before too; an empty term names no school, so monitoring skips it as it skipped
the controls).

A school has a term once, whatever its capitals (unique_watch_term_per_school_any_case): a
term whose text without controls is already one of the school's ("Feestweek" and
"feestweek" + U+202E) keeps its text as it is, controls and all, rather than the
migration failing; the board deletes one of the two. Of two terms holding a control that
become one, the older (lower id) takes it. The database finds the rows holding a control
(a regular expression), read in batches by id. Nothing to undo.
"""

from django.db import migrations

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
BATCH = 1000


def drop_direction_controls_from_source_names(apps, schema_editor):
    Source = apps.get_model("monitoring", "Source")
    dropped = str.maketrans("", "", CONTROLS)
    holding = Source.objects.filter(name__regex=HOLDS_A_CONTROL).order_by("pk")
    last = 0
    while True:
        sources = list(holding.filter(pk__gt=last).only("pk", "name")[:BATCH])
        for source in sources:
            source.name = source.name.translate(dropped).strip()
        if sources:
            Source.objects.bulk_update(sources, ["name"])
        if len(sources) < BATCH:
            return
        last = sources[-1].pk


def drop_direction_controls_from_watch_terms(apps, schema_editor):
    WatchTerm = apps.get_model("monitoring", "WatchTerm")
    dropped = str.maketrans("", "", CONTROLS)
    holding = WatchTerm.objects.filter(term__regex=HOLDS_A_CONTROL).order_by("pk")
    last = 0
    while True:
        terms = list(holding.filter(pk__gt=last).only("pk", "school", "term")[:BATCH])
        # the terms these schools have (a few each), as the constraint compares them
        taken = {
            (school, term.lower())
            for school, term in WatchTerm.objects.filter(
                school__in={term.school_id for term in terms}
            ).values_list("school", "term")
        }
        for term in terms:
            cleaned = term.term.translate(dropped).strip()
            if (term.school_id, cleaned.lower()) not in taken:  # else kept, as said above
                term.term = cleaned
                taken.add((term.school_id, cleaned.lower()))
        if terms:
            WatchTerm.objects.bulk_update(terms, ["term"])
        if len(terms) < BATCH:
            return
        last = terms[-1].pk


def drop_direction_controls(apps, schema_editor):
    drop_direction_controls_from_source_names(apps, schema_editor)
    drop_direction_controls_from_watch_terms(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0027_earlier_conversations_as_data")]

    operations = [migrations.RunPython(drop_direction_controls, migrations.RunPython.noop)]
