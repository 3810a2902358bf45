"""An article or a section removed from the draft (by a colleague, or in another tab) while
its edit page was open: saving says it was removed, writes nothing and keeps what was
typed, in the form that adds it again (at the end of its section, or of the draft), or to
copy when its section went too. Until 2026-12-07 it was a plain 404 and the text was lost.
Whoever may not edit drafts still gets a 404, as does a board member posting to an article
or section of another version."""

import html
import re

import pytest
from django.urls import reverse

from policy import services
from policy.models import Article, ProtocolVersion, Section

REMOVED_ARTICLE = "Dit artikel is uit het concept verwijderd nadat u deze pagina opende"
REMOVED_SECTION = "Deze sectie is uit het concept verwijderd nadat u deze pagina opende"
TYPED = "MIJN NIEUWE WOORDEN over <b>derden</b>."


def _draft(board) -> ProtocolVersion:
    return services.version_draft_start(by=board)


def _hidden(page: str) -> dict[str, str]:
    """What the page's form sends back unseen (its hidden inputs)."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in found}


def _open(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return _hidden(response.content.decode())


def _form_action(page: str) -> str | None:
    found = re.search(r'<form method="post" action="([^"]*)" class="draft-form"', page)
    return html.unescape(found.group(1)) if found else None


def test_it_keeps_the_text_typed_for_an_article_removed_meanwhile(login, v1, board):
    c = login(board)
    draft = _draft(board)
    article = draft.articles.get(anchor="leren-4")
    url = reverse("policy:article_edit", args=[draft.number, article.pk])
    sent = _open(c, url)
    services.article_remove(article=article)  # a colleague, or another tab
    articles = Article.objects.count()

    response = c.post(url, {**sent, "text": TYPED})

    assert response.status_code == 200
    page = response.content.decode()
    assert REMOVED_ARTICLE in page
    assert Article.objects.count() == articles  # nothing written
    assert not Article.objects.filter(text__contains="MIJN NIEUWE WOORDEN").exists()
    # what was typed is in the form that adds it to the end of its section, escaped
    section = draft.sections.get(slug="leren")
    assert response.context["form"]["text"].value() == TYPED
    assert "&lt;b&gt;derden&lt;/b&gt;" in page and "<b>derden" not in page
    add_url = reverse("policy:article_add", args=[draft.number, section.pk])
    assert _form_action(page) == add_url

    sent = _hidden(page)
    assert sent["draft"] == str(draft.pk)  # the draft it was typed for, not only its number

    added = c.post(add_url, {**sent, "text": TYPED})

    assert added.status_code == 302
    assert section.articles.get(number=5).text == TYPED


def test_it_keeps_the_text_of_an_article_removed_while_the_save_waited(
    login, v1, board, monkeypatch
):
    """Removed after the page found the article, before the save took the draft's lock."""
    c = login(board)
    draft = _draft(board)
    article = draft.articles.get(anchor="leren-4")
    url = reverse("policy:article_edit", args=[draft.number, article.pk])
    sent = _open(c, url)
    update = services.article_update

    def colleague_first(*, article, **kwargs):
        services.article_remove(article=Article.objects.get(pk=article.pk))
        return update(article=article, **kwargs)

    monkeypatch.setattr(services, "article_update", colleague_first)

    response = c.post(url, {**sent, "text": TYPED})

    assert response.status_code == 200
    assert REMOVED_ARTICLE in response.content.decode()
    assert response.context["form"]["text"].value() == TYPED
    assert not Article.objects.filter(text=TYPED).exists()


def test_it_keeps_the_text_to_copy_when_the_section_went_too(login, v1, board):
    c = login(board)
    draft = _draft(board)
    section = services.section_add(version=draft, heading="Slot", slug="slot", kind="text")
    article = services.article_add(section=section, text="Tot slot.")
    url = reverse("policy:article_edit", args=[draft.number, article.pk])
    sent = _open(c, url)
    services.article_remove(article=article)
    services.section_remove(section=section)

    response = c.post(url, {**sent, "text": TYPED})

    assert response.status_code == 200
    page = response.content.decode()
    assert REMOVED_ARTICLE in page
    assert "&lt;b&gt;derden&lt;/b&gt;" in page  # to copy, escaped
    assert _form_action(page) is None  # no form that would save it anywhere
    assert reverse("policy:draft_edit", args=[draft.number]) in page
    assert not Article.objects.filter(text=TYPED).exists()


@pytest.mark.parametrize("section", ["", "9" * 30, "-1", "x", "1\x00"])
def test_it_keeps_the_text_to_copy_when_its_section_is_not_known(login, v1, board, section):
    """A page opened before the form carried its section, or a request made by hand."""
    c = login(board)
    draft = _draft(board)
    article = draft.articles.get(anchor="leren-4")
    url = reverse("policy:article_edit", args=[draft.number, article.pk])
    services.article_remove(article=article)

    response = c.post(url, {"text": TYPED, "section": section})

    assert response.status_code == 200
    assert REMOVED_ARTICLE in response.content.decode()
    assert response.context["typed"] == TYPED


def test_it_keeps_the_heading_typed_for_a_section_removed_meanwhile(login, v1, board):
    c = login(board)
    draft = _draft(board)
    section = services.section_add(version=draft, heading="Slot", slug="slot", kind="text")
    url = reverse("policy:section_edit", args=[draft.number, section.pk])
    sent = _open(c, url)
    services.section_remove(section=section)
    sections = Section.objects.count()

    response = c.post(url, {**sent, "heading": "Slotbepaling"})

    assert response.status_code == 200
    page = response.content.decode()
    assert REMOVED_SECTION in page
    assert Section.objects.count() == sections
    assert response.context["form"]["heading"].value() == "Slotbepaling"
    assert _form_action(page) == reverse("policy:section_add", args=[draft.number])
    assert _hidden(page)["draft"] == str(draft.pk)


def test_it_answers_an_article_of_another_version_with_a_404(login, v1, board):
    """Not removed: it belongs to a published version, which is never edited here."""
    c = login(board)
    draft = _draft(board)
    published = v1.articles.get(anchor="leren-1")
    response = c.post(
        reverse("policy:article_edit", args=[draft.number, published.pk]), {"text": TYPED}
    )
    assert response.status_code == 404
    assert TYPED not in response.content.decode()


def test_it_answers_a_section_of_another_version_with_a_404(login, v1, board):
    c = login(board)
    draft = _draft(board)
    published = v1.sections.get(slug="leren")
    response = c.post(
        reverse("policy:section_edit", args=[draft.number, published.pk]), {"heading": "X"}
    )
    assert response.status_code == 404


ROLES = ["parent_a", "teacher_a", "director_a", "privacy_officer", "outsider"]


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_who_may_not_edit_with_a_404(request, login, v1, board, role):
    draft = _draft(board)
    article = draft.articles.get(anchor="leren-4")
    section = services.section_add(version=draft, heading="Slot", slug="slot", kind="text")
    article_url = reverse("policy:article_edit", args=[draft.number, article.pk])
    section_url = reverse("policy:section_edit", args=[draft.number, section.pk])
    services.article_remove(article=article)
    services.section_remove(section=section)
    c = login(request.getfixturevalue(role))

    for url, data in ((article_url, {"text": TYPED}), (section_url, {"heading": "Slot 2"})):
        response = c.post(url, data)
        assert response.status_code == 404
        page = response.content.decode()
        assert REMOVED_ARTICLE not in page and REMOVED_SECTION not in page
        assert "MIJN NIEUWE WOORDEN" not in page


def test_it_answers_opening_a_removed_article_with_a_404(login, v1, board):
    """Nothing typed yet, so nothing to keep: the page is gone."""
    c = login(board)
    draft = _draft(board)
    article = draft.articles.get(anchor="leren-4")
    url = reverse("policy:article_edit", args=[draft.number, article.pk])
    services.article_remove(article=article)
    response = c.get(url)
    assert response.status_code == 404
