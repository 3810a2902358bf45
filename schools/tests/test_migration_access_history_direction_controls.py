"""Migration 0015: the names the access history copied before the forms dropped Unicode's
direction controls (opo_portal.text) lose them: who, which school and group, and by whom,
of the staff memberships' and the parents' links and gezag changes. Only the controls go;
the rest of a name stays as it was, spaces too. A "by" name of controls only becomes the
address of that account, as a row written today names a user without a name. Only the
rows holding one are read, in batches by id."""

import importlib

import pytest
from django.apps import apps

from schools.models import GezagChange, MembershipChange, Via

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "schools.migrations.0015_access_history_names_without_direction_controls"
)
Change = MembershipChange.Change


def migrate() -> None:
    migration.drop_direction_controls(apps, None)


def membership_change(**names) -> MembershipChange:
    row = {
        "change": Change.ADDED,
        "membership_id": 1,
        "person_name": "Juf.A",
        "person_email": "juf.a@example.org",
        "role": "teacher",
        "school_name": "OBS De Vlindertuin",
        "by_name": "Directeur.A",
        "via": Via.PAGE,
        **names,
    }
    return MembershipChange.objects.create(**row)


def gezag_change(pupil, **names) -> GezagChange:
    row = {
        "change": GezagChange.Change.LINKED_GEZAG,
        "pupil": pupil,
        "guardian_name": "Ouder A",
        "guardian_email": "ouder.a@example.org",
        "by_name": "Directeur.A",
        "via": Via.IMPORT,
        **names,
    }
    return GezagChange.objects.create(**row)


def copied(row, *fields) -> tuple:
    row.refresh_from_db()
    return tuple(getattr(row, field) for field in fields)


def test_it_drops_every_direction_control_from_a_membership_changes_names():
    row = membership_change(
        change=Change.GROUP_ADDED,
        person_name="Juf\u202e.A",
        school_name="\u2066OBS De Vlindertuin\u2069",
        by_name="Directeur\u202a.A\u202c",
        group_name="groep \u202e5 ",
        school_year="2026-2027",
    )
    untouched = membership_change(person_name=" Meester B ", group_name="groep 6")
    migrate()
    fields = ("person_name", "school_name", "by_name", "group_name", "school_year")
    # only the controls go: what the line says stays as it was, a space at the end too
    assert copied(row, *fields) == (
        "Juf.A",
        "OBS De Vlindertuin",
        "Directeur.A",
        "groep 5 ",
        "2026-2027",
    )
    assert copied(untouched, "person_name", "group_name") == (" Meester B ", "groep 6")
    assert copied(row, "person_email", "change", "via") == (
        "juf.a@example.org",
        Change.GROUP_ADDED,
        Via.PAGE,
    )


def test_it_drops_every_direction_control_from_a_gezag_changes_names(pupil_a):
    row = gezag_change(pupil_a, guardian_name="Ouder\u202e A", by_name="\u2067Directeur.A")
    untouched = gezag_change(pupil_a, guardian_name="Ouder  B")
    migrate()
    assert copied(row, "guardian_name", "by_name", "guardian_email") == (
        "Ouder A",
        "Directeur.A",
        "ouder.a@example.org",
    )
    assert copied(untouched, "guardian_name") == ("Ouder  B",)


def test_a_name_of_controls_only_is_left_empty_and_a_by_name_is_the_address(pupil_a, director_a):
    # shown as nothing before too; the pages show the address beside an empty person's
    # name, and a by-name empty reads as nobody: it names the account, as one written now
    membership = membership_change(person_name="\u202e", by_name="\u202e\u202c", by=director_a)
    gezag = gezag_change(pupil_a, guardian_name="\u2066\u2069", by_name="\u202e", by=director_a)
    gone = membership_change(by_name="\u202e", by=None)  # the account was deleted since
    migrate()
    assert copied(membership, "person_name", "by_name") == ("", director_a.email)
    assert copied(gezag, "guardian_name", "by_name") == ("", director_a.email)
    assert copied(gone, "by_name") == ("",)


def test_it_reads_and_writes_only_the_rows_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries, pupil_a
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(4):
        membership_change(person_name=f"Juf\u202e{n}")
    membership_change(person_name="Juf 4")
    for n in range(3):
        gezag_change(pupil_a, guardian_name=f"Ouder\u202e{n}")
    gezag_change(pupil_a, guardian_name="Ouder 3")
    # membership changes, per batch of two: read them with their "by" account (SELECT …
    # LEFT JOIN accounts_user … ORDER BY id LIMIT 2), write them (one UPDATE); the second
    # batch is full, so a third read finds none. Gezag changes the same; the second batch
    # has one row, so no read after it.
    with django_assert_num_queries(5 + 4):
        migrate()
    people = MembershipChange.objects.order_by("pk").values_list("person_name", flat=True)
    assert list(people) == ["Juf0", "Juf1", "Juf2", "Juf3", "Juf 4"]
    parents = GezagChange.objects.order_by("pk").values_list("guardian_name", flat=True)
    assert list(parents) == ["Ouder0", "Ouder1", "Ouder2", "Ouder 3"]


def test_it_reads_once_per_model_when_no_name_holds_a_control(django_assert_num_queries, pupil_a):
    membership_change()
    gezag_change(pupil_a)
    with django_assert_num_queries(2):  # the membership and gezag changes with one: none
        migrate()
