"""A save refused because the text changed since the page was opened
(test_edit_what_was_shown.py) shows, word by word, what changed between the text the
editor started from and the text as it is now. The form carries the text it showed next
to its digest; a start text that does not match the digest (a page opened before the
forms carried it, a request made by hand) is not known: the page says so and shows the
text as it is now, as before 2026-12-07."""

import html
import re

import pytest

from policy import services
from policy.tests.test_edit_what_was_shown import KINDS, Edit, _draft

COMPARED = "Wat er is gewijzigd sinds u deze pagina opende"
NOT_KNOWN = "De tekst waarmee u begon is niet meer te achterhalen"


def _hidden(page: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in found}


def _open(client, edit: Edit) -> dict[str, str]:
    response = client.get(edit.url)
    assert response.status_code == 200
    return _hidden(response.content.decode())


def _store(edit: Edit, text: str) -> None:
    """A colleague (or another tab) saves `text`."""
    if edit.kind == "article":
        services.article_update(article=edit.article, text=text)
    elif edit.kind == "heading":
        services.section_update(section=edit.section, heading=text)
    else:
        services.version_update_summary(version=edit.draft, summary=text)


def _start(client, edit: Edit, text: str) -> dict[str, str]:
    """The page opened on `text`."""
    _store(edit, text)
    return _open(client, edit)


@pytest.mark.parametrize("kind", KINDS)
def test_it_shows_which_words_a_colleague_changed(login, v1, board, kind):
    c = login(board)
    edit = Edit(kind, _draft(board))
    sent = _start(c, edit, "Ouders geven vooraf toestemming")
    _store(edit, "Beide ouders geven schriftelijk toestemming")

    response = c.post(edit.url, {**sent, edit.field: "Mijn eigen versie"})

    assert response.status_code == 200
    page = response.content.decode()
    assert COMPARED in page and NOT_KNOWN not in page
    assert response.context["changes"] == [
        ("del", "Ouders"),
        ("ins", "Beide ouders"),
        ("same", "geven"),
        ("del", "vooraf"),
        ("ins", "schriftelijk"),
        ("same", "toestemming"),
    ]
    assert re.search(r"<del>(<span[^>]*>[^<]*</span>)?vooraf</del>", page)
    assert re.search(r"<ins>(<span[^>]*>[^<]*</span>)?schriftelijk</ins>", page)
    assert response.context["form"][edit.field].value() == "Mijn eigen versie"  # kept


def test_it_escapes_the_compared_words(login, v1, board):
    c = login(board)
    edit = Edit("article", _draft(board))
    sent = _start(c, edit, "Een <i>oude</i> tekst.")
    _store(edit, "Een <script>alert(1)</script> tekst.")

    page = c.post(edit.url, {**sent, "text": "Iets anders."}).content.decode()

    assert COMPARED in page
    assert "<script>alert(1)" not in page and "<i>oude" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;i&gt;oude&lt;/i&gt;" in page


def test_it_compares_from_a_text_sent_back_with_a_browsers_line_breaks(login, v1, board):
    """A browser sends each line break of a form's value as \\r\\n."""
    c = login(board)
    edit = Edit("summary", _draft(board))
    sent = _start(c, edit, "Eerste regel.\nTweede regel.")
    _store(edit, "Eerste regel.\nDerde regel.")
    sent["original"] = sent["original"].replace("\n", "\r\n")

    response = c.post(edit.url, {**sent, "summary": "Mijn samenvatting."})

    assert COMPARED in response.content.decode()


def test_a_second_refusal_compares_from_the_text_the_first_one_showed(login, v1, board):
    c = login(board)
    edit = Edit("article", _draft(board))
    sent = _start(c, edit, "Versie een.")
    _store(edit, "Versie twee.")
    first = c.post(edit.url, {**sent, "text": "Mijn tekst."}).content.decode()
    _store(edit, "Versie drie.")

    response = c.post(edit.url, {**_hidden(first), "text": "Mijn tekst."})

    assert response.context["changes"] == [("same", "Versie"), ("del", "twee."), ("ins", "drie.")]


@pytest.mark.parametrize("kind", KINDS)
def test_it_says_when_the_start_text_is_not_known(login, v1, board, kind):
    """A page opened before the forms carried their text: the digest alone."""
    c = login(board)
    edit = Edit(kind, _draft(board))
    sent = _start(c, edit, "Ouders geven vooraf toestemming")
    _store(edit, "Beide ouders geven schriftelijk toestemming")
    del sent["original"]

    response = c.post(edit.url, {**sent, edit.field: "Mijn eigen versie"})

    page = response.content.decode()
    assert NOT_KNOWN in page and COMPARED not in page
    assert response.context["changes"] is None
    assert "Beide ouders geven schriftelijk toestemming" in page  # the text as it is now


def test_it_does_not_compare_from_a_text_that_is_not_what_the_page_showed(login, v1, board):
    """A start text that does not match the digest is not trusted: no made-up comparison."""
    c = login(board)
    edit = Edit("article", _draft(board))
    sent = _start(c, edit, "Ouders geven vooraf toestemming.")
    _store(edit, "Beide ouders geven toestemming.")
    sent["original"] = "Iets wat nooit op de pagina stond."

    response = c.post(edit.url, {**sent, "text": "Mijn eigen versie."})

    assert NOT_KNOWN in response.content.decode()
    assert response.context["changes"] is None
