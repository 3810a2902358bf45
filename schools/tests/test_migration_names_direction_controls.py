"""Migration 0013: the pupil names stored before the import and the admin dropped
Unicode's direction controls lose them (opo_portal.text), with the spaces at either end
as a name typed now; only the pupils holding one are read, in batches by id."""

import importlib

import pytest
from django.apps import apps

from conftest import make_pupil
from schools.models import Pupil

pytestmark = pytest.mark.django_db
migration = importlib.import_module("schools.migrations.0013_names_without_direction_controls")


def migrate() -> None:
    migration.drop_direction_controls_from_names(apps, None)


def names(pupil) -> tuple[str, str, str]:
    pupil = Pupil.objects.get(pk=pupil.pk)
    return pupil.first_name, pupil.name_prefix, pupil.last_name


def test_it_drops_every_direction_control_from_each_part_of_a_pupils_name(school_a, group_a1):
    flipped = make_pupil(school_a, group_a1, "2001", "Sem\u202e", "\u2067Bakker\u2069")
    flipped.name_prefix = " \u202ade "
    flipped.save()
    migrate()
    assert names(flipped) == ("Sem", "de", "Bakker")


def test_it_keeps_a_name_without_a_control_as_it_is(school_a, group_a1, pupil_a):
    untouched = make_pupil(school_a, group_a1, "2002", " Roos ", "Vries")
    make_pupil(school_a, group_a1, "2003", "\u202eLot", "Smit")
    migrate()
    assert names(untouched) == (" Roos ", "", "Vries")
    assert names(pupil_a) == ("Sem", "", "Bakker")


def test_it_leaves_a_name_of_controls_only_empty(school_a, group_a1):
    # shown as nothing, as before, but flipping nothing after it; the admin asks a name
    pupil = make_pupil(school_a, group_a1, "2004", "\u202e\u202c", "Bakker")
    migrate()
    assert names(pupil) == ("", "", "Bakker")


def test_it_reads_and_writes_only_the_pupils_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries, school_a, group_a1
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(4):
        make_pupil(school_a, group_a1, f"30{n}", "Sem", f"Bakker\u202e{n}")
    for n in range(4, 7):
        make_pupil(school_a, group_a1, f"30{n}", "Sem", f"Bakker{n}")
    # per batch of two: read them (SELECT … ORDER BY id LIMIT 2), write them (one UPDATE);
    # the second batch is full, so a third read finds none
    with django_assert_num_queries(5):
        migrate()
    assert sorted(Pupil.objects.values_list("last_name", flat=True)) == [
        f"Bakker{n}" for n in range(7)
    ]
