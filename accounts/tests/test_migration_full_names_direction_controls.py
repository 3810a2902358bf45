"""Migration 0008: the full names stored before the forms dropped Unicode's direction
controls lose them (opo_portal.text), with the spaces at either end as a name typed now;
only the users holding one are read, in batches by id."""

import importlib

import pytest
from django.apps import apps

from accounts.models import User

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "accounts.migrations.0008_full_names_without_direction_controls"
)


def migrate() -> None:
    migration.drop_direction_controls_from_full_names(apps, None)


def full_name(user) -> str:
    return User.objects.get(pk=user.pk).full_name


def test_it_drops_every_direction_control_from_a_full_name(teacher_a, parent_a, director_a):
    User.objects.filter(pk=teacher_a.pk).update(full_name="Juf \u202eAnna ")
    User.objects.filter(pk=parent_a.pk).update(full_name="\u2066\u2069")
    User.objects.filter(pk=director_a.pk).update(full_name=" Meester Jan ")  # no control
    migrate()
    assert full_name(teacher_a) == "Juf Anna"
    assert full_name(parent_a) == ""  # shown by the e-mail address, as a user without one
    assert full_name(director_a) == " Meester Jan "


def test_it_reads_and_writes_only_the_users_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries, teacher_a, parent_a, director_a, board
):
    monkeypatch.setattr(migration, "BATCH", 2)
    User.objects.filter(pk__in=[teacher_a.pk, parent_a.pk, director_a.pk]).update(
        full_name="Juf\u202e Anna"
    )
    untouched = board.full_name
    # per batch of two: read them (SELECT … ORDER BY id LIMIT 2), write them (one UPDATE);
    # the second batch has one user, so no read after it
    with django_assert_num_queries(4):
        migrate()
    assert full_name(teacher_a) == full_name(director_a) == "Juf Anna"
    assert full_name(board) == untouched
