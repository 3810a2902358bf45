"""Drafting and publishing versions; a published version never changes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outbox.models import Duty
from policy import services
from policy.models import (
    Article,
    ProtocolVersion,
    PublishedVersionIsFrozen,
    Release,
    Section,
)
from policy.tests.conftest import publish_new_version


def test_it_starts_a_draft_as_a_copy_of_the_current_version(v1, board):
    draft = services.version_draft_start(by=board)
    assert (draft.number, draft.status, draft.based_on) == (2, "draft", v1)
    copied = list(
        draft.articles.order_by("section__position", "number").values_list("anchor", "text")
    )
    original = list(
        v1.articles.order_by("section__position", "number").values_list("anchor", "text")
    )
    assert copied == original
    assert list(draft.sections.values_list("slug", "heading", "kind")) == list(
        v1.sections.values_list("slug", "heading", "kind")
    )


def test_it_allows_one_draft_at_a_time(v1, board):
    services.version_draft_start(by=board)
    with pytest.raises(ValidationError):
        services.version_draft_start(by=board)


def test_it_publishes_a_draft_as_the_new_current_version(v1, board):
    v2 = publish_new_version(board, change={"leren-2": "Nieuwe tekst voor leren 2."})
    assert ProtocolVersion.objects.current() == v2
    assert (v2.status, v2.published_by) == ("published", board)
    assert v2.published_at is not None
    assert v1.articles.get(anchor="leren-2").text != "Nieuwe tekst voor leren 2."


def test_it_refuses_to_publish_without_a_summary(v1, board):
    draft = services.version_draft_start(by=board)
    with pytest.raises(ValidationError):
        services.version_publish(version=draft, by=board)
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("kind", ["revision", "correction"])
def test_it_refuses_to_publish_a_draft_with_the_text_of_the_current_version(v1, board, kind):
    """An unchanged copy (or one changed and changed back) was published as a new
    version, and every staff member was asked to read it again. Nothing changes."""
    draft = services.version_draft_start(by=board)
    article = draft.articles.get(anchor="leren-2")
    original = article.text
    services.article_update(article=article, text="Even iets anders.")
    services.article_update(article=draft.articles.get(anchor="leren-2"), text=original)
    services.version_update_summary(version=draft, summary="Niets.")

    with pytest.raises(ValidationError) as refused:
        services.version_publish(version=draft, by=board, kind=kind)

    assert refused.value.messages == [
        "Dit concept heeft dezelfde tekst als de huidige versie 1, dus er is niets "
        "gepubliceerd. Wijzig eerst een artikel of een onderdeel, of gooi het concept weg."
    ]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.published_at is None
    assert ProtocolVersion.objects.current() == v1
    assert not Release.objects.exists() and not Duty.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda draft: services.section_update(
            section=draft.sections.get(slug="leren"), heading="LEREN EN ONDERWIJS"
        ),
        lambda draft: services.article_add(
            section=draft.sections.get(slug="leren"), text="Een nieuw artikel."
        ),
        lambda draft: services.article_remove(article=draft.articles.get(anchor="leren-4")),
    ],
    ids=["heading", "added", "removed"],
)
def test_it_publishes_a_draft_with_any_change_readers_see(v1, board, change):
    draft = services.version_draft_start(by=board)
    change(draft)
    services.version_update_summary(version=draft, summary="Eén wijziging.")
    assert services.version_publish(version=draft, by=board) == ProtocolVersion.objects.current()


def test_it_normalises_line_breaks_in_edited_text(v1, board):
    draft = services.version_draft_start(by=board)
    article = services.article_update(
        article=draft.articles.get(anchor="leren-1"),
        text="Een zin die\nafbreekt.\r\n\r\nTweede  alinea. ",
    )
    assert article.text == "Een zin die afbreekt.\n\nTweede alinea."


def test_it_rejects_an_empty_article(v1, board):
    draft = services.version_draft_start(by=board)
    with pytest.raises(ValidationError):
        services.article_update(article=draft.articles.get(anchor="leren-1"), text=" \n ")


def test_it_adds_an_article_with_the_next_number_and_anchor(v1, board):
    draft = services.version_draft_start(by=board)
    article = services.article_add(section=draft.sections.get(slug="leren"), text="Vijfde punt.")
    assert (article.number, article.anchor) == (5, "leren-5")


def test_it_removes_only_the_last_article_of_a_section(v1, board):
    draft = services.version_draft_start(by=board)
    with pytest.raises(ValidationError):
        services.article_remove(article=draft.articles.get(anchor="leren-2"))
    services.article_remove(article=draft.articles.get(anchor="leren-4"))
    assert list(draft.articles.filter(section__slug="leren").values_list("anchor", flat=True)) == [
        "leren-1",
        "leren-2",
        "leren-3",
    ]


def test_it_adds_and_removes_an_empty_section(v1, board):
    draft = services.version_draft_start(by=board)
    section = services.section_add(version=draft, heading="SLOT", slug="slot", kind="text")
    assert section.position == 8
    with pytest.raises(ValidationError):
        services.section_add(version=draft, heading="Nog eens", slug="slot", kind="text")
    services.section_remove(section=section)
    assert not draft.sections.filter(slug="slot").exists()


def test_it_refuses_to_remove_a_section_with_articles(v1, board):
    draft = services.version_draft_start(by=board)
    with pytest.raises(ValidationError):
        services.section_remove(section=draft.sections.get(slug="leren"))


@pytest.mark.parametrize(
    "change",
    [
        lambda v: services.article_update(article=v.articles.get(anchor="leren-1"), text="x"),
        lambda v: services.article_add(section=v.sections.get(slug="leren"), text="x"),
        lambda v: services.article_remove(article=v.articles.get(anchor="leren-4")),
        lambda v: services.section_update(section=v.sections.get(slug="leren"), heading="x"),
        lambda v: services.section_add(version=v, heading="x", slug="x", kind="text"),
        lambda v: services.version_update_summary(version=v, summary="x"),
        lambda v: services.version_publish(version=v, by=None),
        lambda v: services.version_discard(version=v),
    ],
)
def test_it_refuses_every_change_to_a_published_version_in_the_services(v1, change):
    before = list(Article.objects.filter(version=v1).values_list("anchor", "text"))
    with pytest.raises(PublishedVersionIsFrozen):
        change(v1)
    assert list(Article.objects.filter(version=v1).values_list("anchor", "text")) == before
    assert ProtocolVersion.objects.filter(pk=v1.pk, status="published").exists()


def test_it_refuses_to_update_a_published_article_in_the_database(v1):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(version=v1, anchor="leren-1").update(text="Anders.")


def test_it_refuses_a_new_article_in_a_published_version_in_the_database(v1):
    section = v1.sections.get(slug="leren")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(version=v1, section=section, number=9, anchor="leren-9", text="x")


def test_it_refuses_to_update_a_published_section_or_version_in_the_database(v1):
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.filter(version=v1).update(heading="Anders")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtocolVersion.objects.filter(pk=v1.pk).update(summary="Anders")


def test_it_lets_the_database_accept_changes_to_a_draft(v1, board):
    draft = services.version_draft_start(by=board)
    assert Article.objects.filter(version=draft, anchor="leren-1").update(text="Anders.") == 1


def test_it_discards_a_draft_and_reuses_its_number(v1, board):
    draft = services.version_draft_start(by=board)
    services.version_discard(version=draft)
    assert not ProtocolVersion.objects.drafts().exists()
    assert services.version_draft_start(by=board).number == 2


def test_it_refuses_to_delete_a_published_version_on_postgresql(v1):
    from django.db import connection

    from conftest import require_service

    require_service("DATABASE_URL")
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE guard is PostgreSQL only (see migration 0002)")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(version=v1).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtocolVersion.objects.filter(pk=v1.pk).delete()
