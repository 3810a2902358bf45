"""Migration 0025: the author handles stored before the ingest dropped Unicode's direction
controls lose them (opo_portal.text); a post's text is evidence and stays as it came. A
foundation may have a million posts: only those whose handle holds a control are read,
found by the database, in batches by id."""

import importlib

import pytest
from django.apps import apps

from monitoring.models import Post
from monitoring.tests.helpers import make_post, make_source

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "monitoring.migrations.0025_author_handles_without_direction_controls"
)


def migrate() -> None:
    migration.drop_direction_controls_from_handles(apps, None)


def handles() -> list[str]:
    return list(Post.objects.order_by("external_id").values_list("author_handle", flat=True))


def test_it_drops_every_direction_control_from_a_handle_and_keeps_the_text():
    source = make_source()
    make_post(source, "1", "boos \u202eblah", author_handle="@jan\u202e@nl.example")
    make_post(source, "2", author_handle="\u2066\u202a\u202b\u202c\u202d\u2067\u2068\u2069a")
    make_post(source, "3", author_handle=" @piet ")  # no control: as it is
    migrate()
    assert handles() == ["@jan@nl.example", "a", " @piet "]
    assert Post.objects.get(external_id="1").text == "boos \u202eblah"


def test_it_reads_and_writes_only_the_posts_holding_a_control_in_batches(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(migration, "BATCH", 2)
    source = make_source()
    for n in range(5):
        make_post(source, f"{n}", author_handle=f"@a{n}\u202e")
    for n in range(5, 9):
        make_post(source, f"{n}", "tekst \u202e", author_handle=f"@b{n}")  # a control in text
    # per batch of two posts with a control: read them (SELECT … ORDER BY id LIMIT 2),
    # write them (one UPDATE); the third batch has one post, so no read after it
    with django_assert_num_queries(6):
        migrate()
    assert handles() == [f"@a{n}" for n in range(5)] + [f"@b{n}" for n in range(5, 9)]


def test_it_reads_once_when_no_handle_holds_a_control(django_assert_num_queries):
    make_post(make_source(), "1", "tekst \u202e", author_handle="@jan")
    with django_assert_num_queries(1):  # the posts with a control in their handle: none
        migrate()
