"""A draft's texts have a ceiling: ample for the protocol (about 6,000 characters in
all), not a pasted file of megabytes stored and rendered on every draft page."""

import pytest
from django.urls import reverse

from policy import services
from policy.models import Article, ProtocolVersion
from policy.tests.conftest import saves_to, shown

LIMIT = 60_000  # policy.forms.DraftTextField.MAX_LENGTH, as the message says it
PARAGRAPH = "Wij vragen ouders vooraf om toestemming voor beeldmateriaal. " * 2


@pytest.fixture
def draft(v1, board) -> ProtocolVersion:
    return services.version_draft_start(by=board)


def _text(length: int) -> str:
    return (PARAGRAPH * (length // len(PARAGRAPH) + 1))[:length]


def test_it_leaves_ten_times_the_whole_protocol_for_one_text(v1):
    protocol = sum(len(article.text) for article in v1.articles.all())
    assert 5000 < protocol < LIMIT // 10


def test_it_refuses_an_article_longer_than_the_limit_and_keeps_the_text(login, draft, board):
    article = draft.articles.get(anchor="leren-1")
    before = article.text
    pasted = _text(LIMIT + 1)
    response = login(board).post(
        reverse("policy:article_edit", args=[draft.number, article.pk]),
        {"text": pasted, **shown(before), **saves_to(draft.number)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "mag niet meer dan 60000 tekens hebben (deze heeft er 60001)" in page
    assert pasted[-200:] in page  # what was typed is still in the form
    assert 'maxlength="' not in page  # a pasted text is not cut short unseen
    article.refresh_from_db()
    assert article.text == before


def test_it_refuses_a_new_article_longer_than_the_limit(login, draft, board):
    section = draft.sections.get(slug="leren")
    count = Article.objects.filter(version=draft).count()
    response = login(board).post(
        reverse("policy:article_add", args=[draft.number, section.pk]),
        {"text": _text(LIMIT + 1), **saves_to(draft.number)},
    )
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert Article.objects.filter(version=draft).count() == count


def test_it_refuses_a_summary_longer_than_the_limit_and_keeps_the_text(login, draft, board):
    pasted = _text(LIMIT + 1)
    response = login(board).post(
        reverse("policy:draft_edit", args=[draft.number]),
        {"summary": pasted, **shown(""), **saves_to(draft.number)},
    )
    assert response.status_code == 200
    assert "mag niet meer dan 60000 tekens hebben" in response.content.decode()
    assert pasted[-200:] in response.content.decode()
    before = draft.summary
    draft.refresh_from_db()
    assert draft.summary == before


def test_it_counts_a_line_break_as_one_character(login, draft, board):
    """A browser sends each break as \\r\\n: a text at the limit is not refused for it."""
    article = draft.articles.get(anchor="leren-1")
    text = _text(LIMIT - 2)
    at_limit = text[:1000] + "\r\n\r\n" + text[1000:]
    response = login(board).post(
        reverse("policy:article_edit", args=[draft.number, article.pk]),
        {"text": at_limit, **shown(article.text), **saves_to(draft.number)},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.text.startswith(text[:1000].strip())
