"""Migration 0028: the source names and watch terms stored before the pages and the admin
dropped Unicode's direction controls lose them (opo_portal.text), with the spaces at either
end as one typed now; only the rows holding one are read, in batches by id. A term whose
text without them is already one of its school's, whatever the capitals, keeps its text."""

import importlib

import pytest
from django.apps import apps

from monitoring.models import Source, WatchTerm

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "monitoring.migrations.0028_source_names_and_watch_terms_without_direction_controls"
)


def source(url: str, name: str) -> Source:
    return Source.objects.create(kind=Source.Kind.RSS, name=name, url=url)


def migrate() -> None:
    migration.drop_direction_controls(apps, None)


def source_names() -> list[str]:
    return list(Source.objects.order_by("pk").values_list("name", flat=True))


def terms() -> list[str]:
    return list(WatchTerm.objects.order_by("pk").values_list("term", flat=True))


def test_it_drops_every_direction_control_from_a_sources_name():
    source("https://a.example/feed", " \u202eNieuws\u2069 Exloo ")
    source("https://b.example/feed", "\u2066\u202a\u202b\u202c\u202d\u2067\u2068")
    source("https://c.example/feed", " Dagblad ")  # no control: as it is
    migrate()
    assert source_names() == ["Nieuws Exloo", "", " Dagblad "]


def test_it_drops_every_direction_control_from_a_watch_term(school_a, school_b):
    WatchTerm.objects.create(school=school_a, term=" #feest\u202eweek ")
    WatchTerm.objects.create(school=school_a, term=" Kerstmarkt ")  # no control: as it is
    WatchTerm.objects.create(school=school_b, term="\u2067\u2069")
    migrate()
    assert terms() == ["#feestweek", " Kerstmarkt ", ""]


def test_a_term_whose_text_without_controls_the_school_has_keeps_its_text(school_a, school_b):
    WatchTerm.objects.create(school=school_a, term="Feestweek")
    WatchTerm.objects.create(school=school_a, term="feestweek\u202e")  # the first's: kept
    WatchTerm.objects.create(school=school_a, term="\u202eKerstmarkt")  # the older of two
    WatchTerm.objects.create(school=school_a, term="kerstmarkt\u2069")
    WatchTerm.objects.create(school=school_b, term="\u202efeestweek")  # another school's
    migrate()
    assert terms() == [
        "Feestweek",
        "feestweek\u202e",
        "Kerstmarkt",
        "kerstmarkt\u2069",
        "feestweek",
    ]


def test_a_term_taken_in_an_earlier_batch_is_kept_too(monkeypatch, school_a):
    monkeypatch.setattr(migration, "BATCH", 1)
    WatchTerm.objects.create(school=school_a, term="\u202eFeestweek")
    WatchTerm.objects.create(school=school_a, term="FEESTWEEK\u202e")
    migrate()
    assert terms() == ["Feestweek", "FEESTWEEK\u202e"]


def test_it_reads_and_writes_only_the_rows_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries, school_a
):
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(4):
        source(f"https://{n}.example/feed", f"bron\u202e{n}")
    source("https://4.example/feed", "bron 4")
    for n in range(3):
        WatchTerm.objects.create(school=school_a, term=f"term\u202e{n}")
    WatchTerm.objects.create(school=school_a, term="term 3")
    # sources, per batch of two: read them (SELECT … ORDER BY id LIMIT 2), write them (one
    # UPDATE); the second batch is full, so a third read finds none. Terms, per batch of
    # two: read them, read their schools' terms, write them; the second batch has one
    # term, so no read after it.
    with django_assert_num_queries(5 + 6):
        migrate()
    assert source_names() == ["bron0", "bron1", "bron2", "bron3", "bron 4"]
    assert terms() == ["term0", "term1", "term2", "term 3"]


def test_it_reads_once_per_model_when_no_name_holds_a_control(django_assert_num_queries, school_a):
    source("https://a.example/feed", "Nieuws")
    WatchTerm.objects.create(school=school_a, term="Feestweek")
    with django_assert_num_queries(2):  # the sources and the terms with a control: none
        migrate()
