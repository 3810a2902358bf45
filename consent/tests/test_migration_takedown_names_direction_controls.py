"""Migration 0022: the name a takedown task keeps as handed over from, copied before the
forms dropped Unicode's direction controls (opo_portal.text), loses them; the rest of it
stays as it was. Only the tasks holding one are read, in batches by id."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from conftest import make_pupil
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import purpose

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "consent.migrations.0022_takedown_handed_over_names_without_direction_controls"
)


@pytest.fixture
def make_task(teacher_a, director_a, school_a, group_a1, pupil_a):
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )

    def make(name: str, **fields) -> TakedownTask:
        pupil = make_pupil(school_a, group_a1, f"n{TakedownTask.objects.count()}", "Sem", "B")
        return TakedownTask.objects.create(
            publication_check=check,
            pupil=pupil,
            assigned_to=director_a,
            handed_over_at=timezone.now() if name else None,
            handed_over_from_name=name,
            **fields,
        )

    return make


def migrate() -> None:
    migration.drop_direction_controls_from_takedown_names(apps, None)


def names() -> list[str]:
    tasks = TakedownTask.objects.order_by("pk")
    return list(tasks.values_list("handed_over_from_name", flat=True))


def test_it_drops_every_direction_control_from_the_name_handed_over_from(make_task):
    make_task("Juf\u202e.A")
    make_task("\u2066Meester \u202aB\u202c\u2069 ", done_at=timezone.now())  # done: kept
    make_task(" Juf  C ")  # no control: as it is
    make_task("")  # never handed over
    make_task("\u202e\u2069")  # showed as nothing before too
    migrate()
    assert names() == ["Juf.A", "Meester B ", " Juf  C ", "", ""]


def test_it_reads_and_writes_only_the_tasks_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries, make_task
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(3):
        make_task(f"Juf\u202e{n}")
    make_task("Juf 3")
    # per batch of two: read them (SELECT … ORDER BY id LIMIT 2), write them (one UPDATE);
    # the second batch has one task, so no read after it
    with django_assert_num_queries(4):
        migrate()
    assert names() == ["Juf0", "Juf1", "Juf2", "Juf 3"]


def test_it_reads_once_when_no_name_holds_a_control(django_assert_num_queries, make_task):
    make_task("Juf.A")
    with django_assert_num_queries(1):
        migrate()
