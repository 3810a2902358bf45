"""Migration 0020: the purpose (channel) names stored before the board's page and the admin
dropped Unicode's direction controls lose them (opo_portal.text), with the spaces at either
end as a name typed now; only the purposes holding one are read, in batches by id. A
purpose whose name without them is another's, whatever the capitals, keeps its name."""

import importlib

import pytest
from django.apps import apps

from consent.models import Purpose

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "consent.migrations.0020_purpose_names_without_direction_controls"
)


def migrate() -> None:
    migration.drop_direction_controls_from_purpose_names(apps, None)


def purpose(code: str, name: str) -> Purpose:
    return Purpose.objects.create(code=code, name=name)


def names(*codes: str) -> list[str]:
    return [Purpose.objects.get(code=code).name for code in codes]


def test_it_drops_every_direction_control_from_a_purposes_name():
    purpose("kalender", " \u202eSchool\u2069kalender ")
    purpose("leeg", "\u2066\u202a\u202b\u202c\u202d\u2067\u2068")  # controls only: empty
    purpose("krant", " Krant ")  # no control: as it is
    migrate()
    assert names("kalender", "leeg", "krant") == ["Schoolkalender", "", " Krant "]


def test_a_purpose_whose_name_without_controls_is_taken_keeps_its_name():
    website = Purpose.objects.get(code="website").name
    purpose("web2", f"{website.upper()}\u202e")  # the seeded channel's, in capitals: kept
    purpose("kalender", "\u202eKalender")  # the older of two becoming one takes the name
    purpose("kalender2", "kalender\u2069")
    migrate()
    assert names("web2", "kalender", "kalender2") == [
        f"{website.upper()}\u202e",
        "Kalender",
        "kalender\u2069",
    ]


def test_a_name_taken_in_an_earlier_batch_is_kept_too(monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 1)
    purpose("kalender", "\u202eKalender")
    purpose("kalender2", "Kalender\u202e")
    migrate()
    assert names("kalender", "kalender2") == ["Kalender", "Kalender\u202e"]


def test_it_reads_and_writes_only_the_purposes_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(3):
        purpose(f"p{n}", f"Kanaal\u202e{n}")
    # per batch of two: read them (SELECT … ORDER BY id LIMIT 2), read the purposes named
    # as they will be, write them (one UPDATE); the second batch has one, so no read after
    with django_assert_num_queries(6):
        migrate()
    assert names("p0", "p1", "p2") == ["Kanaal0", "Kanaal1", "Kanaal2"]


def test_it_reads_once_when_no_name_holds_a_control(django_assert_num_queries):
    with django_assert_num_queries(1):  # the purposes with a control: none
        migrate()
