"""Migration 0014: the school names and aliases and group names stored before the admin
dropped Unicode's direction controls lose them (opo_portal.text), with the spaces at
either end as a name typed now; only the rows holding one are read, in batches by id. A
group whose name without them is another group's of its school and year keeps its name."""

import importlib

import pytest
from django.apps import apps

from conftest import SCHOOL_YEAR
from schools.models import Group, School

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "schools.migrations.0014_school_and_group_names_without_direction_controls"
)


def migrate() -> None:
    migration.drop_direction_controls(apps, None)


def school(code: str, name: str, aliases: list) -> School:
    return School.objects.create(code=code, name=name, aliases=aliases)


def group(school: School, name: str, school_year: str = SCHOOL_YEAR) -> Group:
    return Group.objects.create(school=school, name=name, school_year=school_year)


def names(model) -> list:
    return list(model.objects.order_by("pk").values_list("name", flat=True))


def test_it_drops_every_direction_control_from_a_schools_name_and_aliases():
    flipped = school(
        "esdoorn",
        " \u202eOBS De Esdoorn\u2069 ",
        ["\u2066Esdoorn\u2069", "#esdoorn\u202a", "Esdoorn", "\u202e\u202c", 7],
    )
    migrate()
    flipped.refresh_from_db()
    # an alias left empty goes, one named twice is kept once (as the admin keeps them)
    assert flipped.name == "OBS De Esdoorn"
    assert flipped.aliases == ["Esdoorn", "#esdoorn", 7]


def test_it_keeps_a_schools_name_and_aliases_without_a_control_as_they_are(school_a):
    untouched = school("esdoorn", " OBS De Esdoorn ", [" Esdoorn", "Esdoorn"])
    only_aliases = school("eik", "OBS De Eik", ["\u202eEik"])
    migrate()
    untouched.refresh_from_db()
    only_aliases.refresh_from_db()
    assert (untouched.name, untouched.aliases) == (" OBS De Esdoorn ", [" Esdoorn", "Esdoorn"])
    assert (only_aliases.name, only_aliases.aliases) == ("OBS De Eik", ["Eik"])
    school_a.refresh_from_db()
    assert school_a.aliases == ["De Vlindertuin", "#vlindertuin"]


def test_it_leaves_a_name_of_controls_only_empty(school_a):
    # shown as nothing, as before, but flipping nothing after it; the admin asks a name
    nameless = school("esdoorn", "\u202e\u202c", [])
    nameless_group = group(school_a, "\u2067")
    migrate()
    nameless.refresh_from_db()
    nameless_group.refresh_from_db()
    assert (nameless.name, nameless_group.name) == ("", "")


def test_it_drops_every_direction_control_from_a_groups_name(school_a):
    group(school_a, " groep\u202e 5 ")
    group(school_a, "1/2a")
    migrate()
    assert names(Group) == ["groep 5", "1/2a"]


def test_a_group_whose_name_without_controls_is_taken_keeps_its_name(school_a, school_b):
    group(school_a, "groep 5")
    group(school_a, "groep 5\u202e")  # would be the first's name: kept
    group(school_a, "\u202egroep 6")  # the older of two becoming one takes the name
    group(school_a, "groep 6\u2069")
    group(school_a, "groep 5\u202e", "2025-2026")  # another school year
    group(school_b, "\u202egroep 5")  # another school
    migrate()
    assert names(Group) == [
        "groep 5",
        "groep 5\u202e",
        "groep 6",
        "groep 6\u2069",
        "groep 5",
        "groep 5",
    ]


def test_a_name_taken_by_a_group_of_an_earlier_batch_is_kept_too(monkeypatch, school_a):
    monkeypatch.setattr(migration, "BATCH", 1)
    group(school_a, "\u202egroep 5")
    group(school_a, "groep 5\u202e")
    migrate()
    assert names(Group) == ["groep 5", "groep 5\u202e"]


def test_it_reads_and_writes_only_the_rows_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries, school_a
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(3):
        school(f"s{n}", f"School\u202e{n}", [])
    school("s3", "School 3", ["\u202eSchool 3"])
    school("s4", "School 4", ["School 4"])
    for n in range(3):
        group(school_a, f"groep\u202e{n}")
    group(school_a, "groep 3")
    # schools, per batch of two: read them (SELECT … ORDER BY id LIMIT 2), write them (one
    # UPDATE); the second batch is full, so a third read finds none. Groups, per batch of
    # two: read them, read the groups already named as they will be, write them; the second
    # batch has one group, so no read after it.
    with django_assert_num_queries(5 + 6):
        migrate()
    assert names(School) == [
        "OBS De Vlindertuin",
        "School0",
        "School1",
        "School2",
        "School 3",
        "School 4",
    ]
    assert School.objects.get(code="s3").aliases == ["School 3"]
    assert names(Group) == ["groep0", "groep1", "groep2", "groep 3"]


def test_it_reads_once_per_model_when_no_name_holds_a_control(
    django_assert_num_queries, school_a, group_a1
):
    with django_assert_num_queries(2):  # the schools and the groups with a control: none
        migrate()
