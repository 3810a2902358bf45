"""The whole draft discarded, or published, while one of its edit pages was open (article,
section heading, summary, article add, section add): saving tells board staff what happened
("weggegooid", or "gepubliceerd als versie 2" with a link to it), writes nothing and shows
what was typed, read-only and escaped, to copy. Until 2026-12-07 it was a plain 404 (or the
redirect saying the version is published) and the text was lost; a draft discarded or
published while the save waited for its lock was a 500. Whoever may not edit drafts still
gets a 404, as does a save to a draft number that never was one."""

import pytest
from django.urls import reverse

from policy import services
from policy.models import Article, ProtocolVersion, Section
from policy.tests.conftest import edit_one_article

DISCARDED = "Dit concept is weggegooid nadat u deze pagina opende"
PUBLISHED = "Dit concept is gepubliceerd als versie 2 nadat u deze pagina opende"
TYPED = "MIJN NIEUWE WOORDEN over <b>derden</b>."
ESCAPED = "MIJN NIEUWE WOORDEN over &lt;b&gt;derden&lt;/b&gt;."


def _pages(draft: ProtocolVersion) -> dict[str, tuple[str, dict[str, str]]]:
    """Each edit page of the draft: its address and what its form sends."""
    article = draft.articles.get(anchor="leren-4")
    section = draft.sections.get(slug="leren")
    n, saves_to = draft.number, {"draft": str(draft.pk)}  # SavesToDraftForm
    return {
        "article_edit": (
            reverse("policy:article_edit", args=[n, article.pk]),
            {**saves_to, "text": TYPED, "section": str(section.pk), **_shown(article.text)},
        ),
        "article_add": (
            reverse("policy:article_add", args=[n, section.pk]),
            {**saves_to, "text": TYPED},
        ),
        "section_edit": (
            reverse("policy:section_edit", args=[n, section.pk]),
            {**saves_to, "heading": TYPED, **_shown(section.heading)},
        ),
        "section_add": (
            reverse("policy:section_add", args=[n]),
            {**saves_to, "heading": TYPED, "kind": "text", "slug": ""},
        ),
        "draft_edit": (
            reverse("policy:draft_edit", args=[n]),
            {**saves_to, "summary": TYPED, **_shown(draft.summary)},
        ),
    }


def _shown(text: str) -> dict[str, str]:
    """What an edit form sends of the text it showed (ShowsTextForm)."""
    return {"shown": services.text_digest(text), "original": text}


PAGES = ["article_edit", "article_add", "section_edit", "section_add", "draft_edit"]


def _nothing_written() -> None:
    assert not Article.objects.filter(text__contains="MIJN NIEUWE").exists()
    assert not Section.objects.filter(heading__contains="MIJN NIEUWE").exists()
    assert not ProtocolVersion.objects.filter(summary__contains="MIJN NIEUWE").exists()


@pytest.mark.parametrize("page", PAGES)
def test_it_keeps_what_was_typed_in_a_draft_discarded_meanwhile(login, v1, board, page):
    c = login(board)
    draft = services.version_draft_start(by=board)
    url, data = _pages(draft)[page]
    services.version_discard(version=draft)  # a colleague, or another tab

    response = c.post(url, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert DISCARDED in body
    assert ESCAPED in body and "<b>derden" not in body  # read-only, escaped
    assert "readonly" in body
    assert response.context["typed"][0][1] == TYPED
    assert reverse("policy:draft_start") in body  # start a new draft from here
    assert reverse("policy:current") in body
    _nothing_written()
    assert not ProtocolVersion.objects.filter(number=draft.number).exists()


@pytest.mark.parametrize("page", PAGES)
def test_it_keeps_what_was_typed_in_a_draft_published_meanwhile(login, v1, board, page):
    c = login(board)
    draft = services.version_draft_start(by=board)
    url, data = _pages(draft)[page]
    edit_one_article(draft)
    services.version_update_summary(version=draft, summary="Tekst aangepast.")
    services.version_publish(version=draft, by=board)
    articles, sections = Article.objects.count(), Section.objects.count()

    response = c.post(url, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert PUBLISHED in body
    assert ESCAPED in body and "<b>derden" not in body
    assert reverse("policy:version", args=[2]) in body
    assert reverse("policy:draft_start") in body
    _nothing_written()
    assert (Article.objects.count(), Section.objects.count()) == (articles, sections)
    draft.refresh_from_db()
    assert draft.summary == "Tekst aangepast."


def test_it_links_to_the_draft_a_colleague_started_since(login, v1, board):
    """Published as version 2, and version 3 already started: no second draft to start."""
    c = login(board)
    draft = services.version_draft_start(by=board)
    url, data = _pages(draft)["article_edit"]
    edit_one_article(draft)
    services.version_update_summary(version=draft, summary="Tekst aangepast.")
    services.version_publish(version=draft, by=board)
    services.version_draft_start(by=board)

    response = c.post(url, data)

    body = response.content.decode()
    assert PUBLISHED in body
    assert reverse("policy:draft_edit", args=[3]) in body
    assert reverse("policy:draft_start") not in body


@pytest.mark.parametrize("gone", ["discarded", "published"])
def test_it_keeps_what_was_typed_when_it_happened_while_the_save_waited(
    login, v1, board, monkeypatch, gone
):
    """Discarded or published after the page found the draft, before the save took its
    lock: it was a 500 for a discarded draft."""
    c = login(board)
    draft = services.version_draft_start(by=board)
    url, data = _pages(draft)["article_edit"]
    update = services.article_update

    def colleague_first(*, article, **kwargs):
        version = ProtocolVersion.objects.get(pk=article.version_id)
        if gone == "discarded":
            services.version_discard(version=version)
        else:
            leren = version.articles.get(anchor="leren-1")
            update(article=leren, text=leren.text + " Bijgewerkt.")
            services.version_update_summary(version=version, summary="Tekst aangepast.")
            services.version_publish(version=version, by=board)
        return update(article=article, **kwargs)

    monkeypatch.setattr(services, "article_update", colleague_first)

    response = c.post(url, data)

    assert response.status_code == 200
    assert (DISCARDED if gone == "discarded" else PUBLISHED) in response.content.decode()
    _nothing_written()


ROLES = ["parent_a", "teacher_a", "director_a", "privacy_officer", "outsider"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("gone", ["discarded", "published"])
def test_it_answers_who_may_not_edit_with_a_404(request, login, v1, board, role, gone):
    draft = services.version_draft_start(by=board)
    pages = _pages(draft)
    if gone == "discarded":
        services.version_discard(version=draft)
    else:
        edit_one_article(draft)
        services.version_update_summary(version=draft, summary="Tekst aangepast.")
        services.version_publish(version=draft, by=board)
    c = login(request.getfixturevalue(role))

    for url, data in pages.values():
        response = c.post(url, data)
        assert response.status_code == 404
        body = response.content.decode()
        assert DISCARDED not in body and PUBLISHED not in body
        assert "MIJN NIEUWE WOORDEN" not in body


def test_a_draft_number_that_never_was_one_is_a_404(login, v1, board):
    """Only the number a discarded draft had (the one after the highest version) is said
    to be discarded; a made-up one is not found."""
    c = login(board)
    response = c.post(reverse("policy:draft_edit", args=[7]), {"summary": TYPED})
    assert response.status_code == 404
    assert DISCARDED not in response.content.decode()


def test_opening_a_discarded_draft_is_still_a_404(login, v1, board):
    """Nothing typed yet, so nothing to keep."""
    c = login(board)
    draft = services.version_draft_start(by=board)
    services.version_discard(version=draft)
    assert c.get(reverse("policy:draft_edit", args=[draft.number])).status_code == 404


def test_removing_from_a_discarded_draft_is_still_a_404(login, v1, board):
    """Nothing typed to keep; it was a 500 when discarded while the removal waited."""
    c = login(board)
    draft = services.version_draft_start(by=board)
    article = draft.articles.get(anchor="leren-4")
    services.version_discard(version=draft)
    url = reverse("policy:article_remove", args=[draft.number, article.pk])
    assert c.post(url).status_code == 404
