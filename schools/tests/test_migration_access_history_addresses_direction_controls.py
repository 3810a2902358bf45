"""Migration 0016: the addresses the access history copied before the forms refused an
address with Unicode's direction controls (opo_portal.fields) lose them: of who it was
about, and of who made it where their account had no name. Only the controls go; the
rest stays as it was. Only the rows holding one are read, in batches by id; a second run
changes nothing."""

import importlib

import pytest
from django.apps import apps

from schools.models import GezagChange, MembershipChange, Via
from schools.tests.test_migration_access_history_direction_controls import (
    copied,
    gezag_change,
    membership_change,
)

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "schools.migrations.0016_access_history_addresses_without_direction_controls"
)


def migrate() -> None:
    migration.drop_direction_controls(apps, None)


def test_it_drops_every_direction_control_from_a_membership_changes_addresses():
    row = membership_change(
        person_email="juf.a@exa\u202emple.org",
        person_name="Juf \u202eA",  # a name: migration 0015's, as it is here
        by_name="\u2066directeur.a@example.org\u2069",
    )
    untouched = membership_change(person_email="meester.b@example.org", by_name=" Dir B ")
    migrate()
    assert copied(row, "person_email", "by_name", "person_name") == (
        "juf.a@example.org",
        "directeur.a@example.org",
        "Juf \u202eA",
    )
    assert copied(untouched, "person_email", "by_name") == ("meester.b@example.org", " Dir B ")
    migrate()  # again: nothing left to do
    assert copied(row, "person_email") == ("juf.a@example.org",)


def test_it_drops_every_direction_control_from_a_gezag_changes_addresses(pupil_a):
    row = gezag_change(pupil_a, guardian_email="ouder.a@example.org\u202c", by_name="d@x\u202e.nl")
    untouched = gezag_change(pupil_a, guardian_email="ouder.b@example.org")
    migrate()
    assert copied(row, "guardian_email", "by_name", "guardian_name") == (
        "ouder.a@example.org",
        "d@x.nl",
        "Ouder A",
    )
    assert copied(untouched, "guardian_email") == ("ouder.b@example.org",)


def test_a_by_of_controls_only_becomes_the_address_without_them(pupil_a, director_a):
    type(director_a).objects.filter(pk=director_a.pk).update(email="directeur.a@exa\u202emple.org")
    row = membership_change(person_email="juf.a@example\u2066.org", by_name="\u202e", by=director_a)
    migrate()
    addresses = copied(row, "person_email", "by_name")
    assert addresses == ("juf.a@example.org", "directeur.a@example.org")


def test_it_reads_and_writes_only_the_rows_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries, pupil_a
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(4):
        membership_change(person_email=f"juf{n}@exa\u202emple.org")
    membership_change(person_email="juf4@example.org")
    for n in range(3):
        gezag_change(pupil_a, guardian_email=f"ouder{n}@exa\u202emple.org")
    gezag_change(pupil_a, guardian_email="ouder3@example.org")
    # per model, per batch of two: read (with the "by" account), write; the membership
    # changes' second batch is full, so a third read finds none
    with django_assert_num_queries(5 + 4):
        migrate()
    people = MembershipChange.objects.order_by("pk").values_list("person_email", flat=True)
    assert list(people) == [f"juf{n}@example.org" for n in range(5)]
    parents = GezagChange.objects.order_by("pk").values_list("guardian_email", flat=True)
    assert list(parents) == [f"ouder{n}@example.org" for n in range(4)]


def test_it_reads_once_per_model_when_no_address_holds_a_control(
    django_assert_num_queries, pupil_a
):
    membership_change(via=Via.ADMIN)
    gezag_change(pupil_a)
    with django_assert_num_queries(2):
        migrate()
