"""A draft discarded and a new one started while one of its pages that save was open (add
a section, add an article, edit an article, a heading or the summary): the new draft has
the same number, so the address alone no longer says which draft the page showed. The
forms carry the draft's own id (`draft`); saving writes nothing into the new draft and
keeps what was typed, to copy ("Dit concept is weggegooid …", views._draft_gone). Until
2026-12-07 a new section landed in the new draft unseen and a new article was a 404 that
lost the text; a summary landed in the new draft unseen too, and an article or heading was
said to be "removed from the draft". Whoever may not edit drafts still gets a 404."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from outbox.models import Duty
from policy import services
from policy.models import Article, ProtocolVersion, Section
from policy.tests.draft_discarded import (
    DISCARDED,
    ESCAPED,
    TYPED,
    assert_nothing_typed_written,
    assert_says_discarded_with_what_was_typed,
)

PUBLISHED = "gepubliceerd als versie"
NOT_SHOWN = "Deze pagina hoort niet bij het concept van versie 2 zoals het nu is"


def _hidden(page: str) -> dict[str, str]:
    """What the page's form sends back unseen (its hidden inputs)."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in found}


@pytest.fixture
def board_client(login, board):
    """The client of board staff, who edit the drafts."""
    return login(board)


@pytest.fixture
def draft(v1, board) -> ProtocolVersion:
    """The draft of version 2, a copy of version 1."""
    return services.version_draft_start(by=board)


def _open(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return _hidden(response.content.decode())


def _pages(draft: ProtocolVersion) -> dict[str, tuple[str, dict[str, str]]]:
    """The draft's pages that save: the address and what is typed into the form."""
    section = draft.sections.get(slug="leren")
    article = draft.articles.get(anchor="leren-4")
    return {
        "section_add": (
            reverse("policy:section_add", args=[draft.number]),
            {"heading": TYPED, "kind": "text", "slug": "slot"},
        ),
        "article_add": (
            reverse("policy:article_add", args=[draft.number, section.pk]),
            {"text": TYPED},
        ),
        "article_edit": (
            reverse("policy:article_edit", args=[draft.number, article.pk]),
            {"text": TYPED},
        ),
        "section_edit": (
            reverse("policy:section_edit", args=[draft.number, section.pk]),
            {"heading": TYPED},
        ),
        "draft_edit": (reverse("policy:draft_edit", args=[draft.number]), {"summary": TYPED}),
    }


def _open_page(client, draft: ProtocolVersion, page: str) -> tuple[str, dict, dict]:
    """Opens one of the draft's pages that save (_pages): its address, what is typed
    into its form and what the form sends back unseen."""
    url, typed = _pages(draft)[page]
    return url, typed, _open(client, url)


ADDS = ["section_add", "article_add"]
EDITS = ["article_edit", "section_edit", "draft_edit"]
PAGES = ADDS + EDITS


def _started_again(board, draft: ProtocolVersion) -> ProtocolVersion:
    """A colleague (or another tab) discards the draft and starts a new one."""
    services.version_discard(version=draft)
    again = services.version_draft_start(by=board)
    assert again.number == draft.number and again.pk != draft.pk
    return again


def _contents() -> tuple[list, list, list]:
    """Every version's sections, articles and summary, as stored."""
    return (
        list(Section.objects.values_list("pk", "heading").order_by("pk")),
        list(Article.objects.values_list("pk", "text").order_by("pk")),
        list(ProtocolVersion.objects.values_list("pk", "summary").order_by("pk")),
    )


@pytest.mark.parametrize("page", PAGES)
def test_it_writes_nothing_into_a_draft_started_again_under_the_same_number(
    board_client, draft, board, page
):
    url, typed, sent = _open_page(board_client, draft, page)
    assert sent["draft"] == str(draft.pk)
    again = _started_again(board, draft)
    before = _contents()
    duties = Duty.objects.count()

    response = board_client.post(url, {**sent, **typed})

    assert_says_discarded_with_what_was_typed(response, again)
    assert _contents() == before
    assert_nothing_typed_written()
    assert Duty.objects.count() == duties and mail.outbox == []  # nothing to tell anyone


@pytest.mark.parametrize("page", PAGES)
def test_it_says_discarded_when_the_draft_started_again_was_published(
    board_client, draft, board, page
):
    """Its number is now a published version, but the page's draft was discarded."""
    url, typed, sent = _open_page(board_client, draft, page)
    again = _started_again(board, draft)
    leren = again.articles.get(anchor="leren-1")
    services.article_update(article=leren, text=leren.text + " Bijgewerkt.")
    services.version_update_summary(version=again, summary="Tekst aangepast.")
    services.version_publish(version=again, by=board)

    response = board_client.post(url, {**sent, **typed})

    assert response.status_code == 200
    body = response.content.decode()
    assert DISCARDED in body and PUBLISHED not in body
    assert ESCAPED in body and "<b>derden" not in body
    assert_nothing_typed_written()


def test_it_adds_a_section_to_the_draft_the_page_showed(board_client, draft):
    url = reverse("policy:section_add", args=[draft.number])
    sent = _open(board_client, url)
    assert sent["draft"] == str(draft.pk)

    response = board_client.post(url, {**sent, "heading": "Slot", "kind": "text", "slug": ""})

    assert response.status_code == 302
    assert draft.sections.get(slug="slot").heading == "Slot"


def test_it_adds_an_article_to_the_draft_the_page_showed(board_client, draft):
    section = draft.sections.get(slug="leren")
    url = reverse("policy:article_add", args=[draft.number, section.pk])
    sent = _open(board_client, url)
    assert sent["draft"] == str(draft.pk)

    response = board_client.post(url, {**sent, "text": "Tot slot."})

    assert response.status_code == 302
    assert section.articles.order_by("-number").first().text == "Tot slot."


@pytest.mark.parametrize("page", EDITS)
def test_it_saves_an_edit_into_the_draft_the_page_showed(board_client, draft, page):
    url, typed, sent = _open_page(board_client, draft, page)
    assert sent["draft"] == str(draft.pk)

    response = board_client.post(url, {**sent, **typed})

    assert response.status_code == 302
    draft.refresh_from_db()
    saved = {
        "article_edit": lambda: draft.articles.get(anchor="leren-4").text,
        "section_edit": lambda: draft.sections.get(slug="leren").heading,
        "draft_edit": lambda: draft.summary,
    }[page]()
    assert saved == TYPED
    assert Duty.objects.count() == 0 and mail.outbox == []


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("sent", [None, "", "x", "9" * 30, "1\x00"])
def test_it_asks_again_when_the_form_does_not_say_its_draft(board_client, draft, page, sent):
    """A page opened before the forms carried the draft's id, or a request made by hand:
    nothing written, the form kept, now with the draft's id, so saving again saves it."""
    url, typed, opened = _open_page(board_client, draft, page)
    shown = {name: value for name, value in opened.items() if name != "draft"}
    before = _contents()

    response = board_client.post(
        url, {**shown, **typed, **({} if sent is None else {"draft": sent})}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert NOT_SHOWN in body
    assert _contents() == before
    assert ESCAPED in body and "<b>derden" not in body  # kept in the form
    again = _hidden(body)
    assert again["draft"] == str(draft.pk)

    assert board_client.post(url, {**again, **typed}).status_code == 302
    assert _contents() != before


@pytest.mark.parametrize("page", PAGES)
def test_it_asks_again_when_the_form_names_another_version(board_client, v1, draft, page):
    """By hand: the id of a version that is not this draft (here the published one)."""
    url, typed, sent = _open_page(board_client, draft, page)
    before = _contents()

    response = board_client.post(url, {**sent, **typed, "draft": str(v1.pk)})

    assert response.status_code == 200
    assert NOT_SHOWN in response.content.decode()
    assert _contents() == before


ROLES = ["parent_a", "teacher_a", "director_a", "privacy_officer", "outsider"]


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_who_may_not_edit_with_a_404(request, login, draft, board, role):
    pages = _pages(draft)
    _started_again(board, draft)
    before = _contents()
    c = login(request.getfixturevalue(role))

    for url, typed in pages.values():
        response = c.post(url, {**typed, "draft": str(draft.pk)})
        assert response.status_code == 404
        body = response.content.decode()
        assert DISCARDED not in body and "MIJN NIEUWE WOORDEN" not in body
    assert _contents() == before
