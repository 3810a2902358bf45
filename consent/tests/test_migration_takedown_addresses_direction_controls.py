"""Migration 0024: the address a takedown task keeps as handed over from (its staff member
had no name), copied before the forms refused an address with Unicode's direction
controls (opo_portal.fields), loses them; the rest stays as it was. Only the tasks
holding one are read, in batches by id; a second run changes nothing."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from consent.models import TakedownTask
from consent.tests import test_migration_takedown_names_direction_controls as names_0022

pytestmark = pytest.mark.django_db
make_task = names_0022.make_task  # the fixture: tasks handed over from a given name
names = names_0022.names
migration = importlib.import_module(
    "consent.migrations.0024_takedown_handed_over_addresses_without_direction_controls"
)


def migrate() -> None:
    migration.drop_direction_controls_from_takedown_addresses(apps, None)


def test_it_drops_every_direction_control_from_the_address_handed_over_from(make_task):
    make_task("juf.a@exa\u202emple.org")
    make_task("\u2066meester.b@example.org\u2069", done_at=timezone.now())  # done: kept
    make_task("juf.c@example.org")
    make_task("")
    migrate()
    expected = ["juf.a@example.org", "meester.b@example.org", "juf.c@example.org", ""]
    assert names() == expected
    migrate()
    assert names() == expected


def test_it_reads_and_writes_only_the_tasks_holding_a_control_in_batches(
    make_task, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(3):
        make_task(f"juf{n}@exa\u202emple.org")
    make_task("juf3@example.org")
    with django_assert_num_queries(4):  # read two, write them; read one, write it
        migrate()
    assert names() == [f"juf{n}@example.org" for n in range(4)]
    assert TakedownTask.objects.count() == 4
