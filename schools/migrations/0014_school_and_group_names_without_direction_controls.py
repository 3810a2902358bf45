"""School names and aliases and group names lose Unicode's direction controls.

The admin drops them from a school's name and aliases and from a group's name now, as the
pupil import does from a group's (opo_portal.text): a name holding U+202E RIGHT-TO-LEFT
OVERRIDE reads as another on every page and list. This drops them from the names stored
before, with the spaces at either end, as a name typed now; a name of controls only is
left empty (it showed as nothing before too, and the admin asks for a name when it is next
saved). Of a school whose aliases hold a control, an alias left empty goes and one named
twice is kept once, as the admin keeps them; other schools' aliases stay as they are.

A group's name is one per school and school year (unique_group_per_school_year): a group
whose name without controls is already another group's of that school and year ("5" and
"5" + U+202E) keeps its name as it is, controls and all, rather than the migration
failing; the board renames one of the two. Of two groups holding a control whose names
become one, the older (lower id) takes it. The database finds the rows holding a control
(a regular expression), read in batches by id. Nothing to undo.
"""

from django.db import migrations

# opo_portal.text.DIRECTION_CONTROLS, as they are today
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOLDS_A_CONTROL = "[\u202a-\u202e\u2066-\u2069]"
# Aliases are JSON: PostgreSQL's text of it holds the controls themselves, SQLite's their
# escapes ("\u202e" as six characters, as json.dumps writes them).
ALIASES_HOLD_A_CONTROL = HOLDS_A_CONTROL + r"|\\u202[a-e]|\\u206[6-9]"
BATCH = 1000


def drop_direction_controls_from_school_names(apps, schema_editor):
    School = apps.get_model("schools", "School")
    dropped = str.maketrans("", "", CONTROLS)
    holding = School.objects.filter(name__regex=HOLDS_A_CONTROL) | School.objects.filter(
        aliases__regex=ALIASES_HOLD_A_CONTROL
    )
    schools_holding = holding.order_by("pk")
    last = 0
    while True:
        schools = list(schools_holding.filter(pk__gt=last).only("pk", "name", "aliases")[:BATCH])
        for school in schools:
            if school.name.translate(dropped) != school.name:  # a name without one stays
                school.name = school.name.translate(dropped).strip()
            if isinstance(school.aliases, list) and any(
                isinstance(alias, str) and alias.translate(dropped) != alias
                for alias in school.aliases
            ):
                aliases = []
                for alias in school.aliases:
                    if isinstance(alias, str):
                        alias = alias.translate(dropped).strip()
                    if alias != "" and alias not in aliases:
                        aliases.append(alias)
                school.aliases = aliases
        if schools:
            School.objects.bulk_update(schools, ["name", "aliases"])
        if len(schools) < BATCH:
            return
        last = schools[-1].pk


def drop_direction_controls_from_group_names(apps, schema_editor):
    Group = apps.get_model("schools", "Group")
    dropped = str.maketrans("", "", CONTROLS)
    groups_holding = Group.objects.filter(name__regex=HOLDS_A_CONTROL).order_by("pk")
    last = 0
    while True:
        groups = list(
            groups_holding.filter(pk__gt=last).only("pk", "school", "school_year", "name")[
                :BATCH
            ]
        )
        cleaned = {group.pk: group.name.translate(dropped).strip() for group in groups}
        # the names these would take that a group of the same school already has
        taken = set(
            Group.objects.filter(
                school__in={group.school_id for group in groups}, name__in=set(cleaned.values())
            ).values_list("school", "school_year", "name")
        )
        for group in groups:
            name = (group.school_id, group.school_year, cleaned[group.pk])
            if name not in taken:  # else it keeps its name, as the docstring says
                group.name = cleaned[group.pk]
                taken.add(name)
        if groups:
            Group.objects.bulk_update(groups, ["name"])
        if len(groups) < BATCH:
            return
        last = groups[-1].pk


def drop_direction_controls(apps, schema_editor):
    drop_direction_controls_from_school_names(apps, schema_editor)
    drop_direction_controls_from_group_names(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("schools", "0013_names_without_direction_controls")]

    operations = [migrations.RunPython(drop_direction_controls, migrations.RunPython.noop)]
