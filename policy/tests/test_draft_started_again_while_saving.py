"""A save already waiting for the draft's lock while a colleague discards the draft and
starts a new one, which gets the same number, in one transaction (PostgreSQL: SQLite has
no row locks). The save found the old draft before it waited; once the colleague commits,
it writes nothing into the new draft and answers "Dit concept is weggegooid …" with what
was typed, to copy, and a link to the new draft. Until 2026-12-07 the edit pages (article,
heading, summary) answered a 404 that lost the text: their forms did not name the draft, and
a draft with the page's number existed again (views._draft_page). The sequential case,
discarded and started again before the save: test_draft_started_again.py."""

import os

import pytest
from django.db import connection
from django.urls import reverse

from conftest import Free, Held, wait_for, waits_for_a_lock
from policy import services
from policy.models import ProtocolVersion
from policy.tests.draft_discarded import (
    TYPED,
    assert_nothing_typed_written,
    assert_says_discarded_with_what_was_typed,
)


def _on_postgresql() -> None:
    if connection.vendor == "postgresql":
        return
    if os.environ.get("OPO_REQUIRE_SERVICES") == "1":
        pytest.fail("DATABASE_URL is not set but CI requires PostgreSQL")
    pytest.skip("SQLite has no row locks: no save can wait for the draft's lock")


def _shown(text: str) -> dict[str, str]:
    return {"shown": services.text_digest(text), "original": text}


def _pages(draft: ProtocolVersion) -> dict[str, tuple[str, dict[str, str]]]:
    """Each save of the draft's pages: its address and what its form sends."""
    article = draft.articles.get(anchor="leren-4")
    section = draft.sections.get(slug="leren")
    n, saves_to = draft.number, {"draft": str(draft.pk)}
    return {
        "section_add": (
            reverse("policy:section_add", args=[n]),
            {**saves_to, "heading": TYPED, "kind": "text", "slug": "slot"},
        ),
        "article_add": (
            reverse("policy:article_add", args=[n, section.pk]),
            {**saves_to, "text": TYPED},
        ),
        "article_edit": (
            reverse("policy:article_edit", args=[n, article.pk]),
            {**saves_to, "text": TYPED, "section": str(section.pk), **_shown(article.text)},
        ),
        "section_edit": (
            reverse("policy:section_edit", args=[n, section.pk]),
            {**saves_to, "heading": TYPED, **_shown(section.heading)},
        ),
        "draft_edit": (
            reverse("policy:draft_edit", args=[n]),
            {**saves_to, "summary": TYPED, **_shown(draft.summary)},
        ),
    }


def _contents(version: ProtocolVersion) -> tuple[list, list, str]:
    version.refresh_from_db()
    return (
        list(version.sections.values_list("slug", "heading").order_by("position")),
        list(version.articles.values_list("anchor", "text").order_by("anchor")),
        version.summary,
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "page", ["section_add", "article_add", "article_edit", "section_edit", "draft_edit"]
)
def test_it_writes_nothing_into_the_draft_started_again_while_the_save_waited(
    login, v1, board, page
):
    _on_postgresql()
    c = login(board)
    draft = services.version_draft_start(by=board)
    url, data = _pages(draft)[page]
    started: list[ProtocolVersion] = []
    answers: list = []

    def discard_and_start_again():  # a colleague, or another tab; committed on release
        services.version_discard(version=draft)
        started.append(services.version_draft_start(by=board))

    colleague = Held(discard_and_start_again)
    colleague.start()
    assert colleague.ready.wait(timeout=60) and colleague.error is None, colleague.error
    saving = Free(lambda: answers.append(c.post(url, data)))
    saving.start()
    assert saving.started_work.wait(timeout=60)
    # The save found the old draft and now waits for its lock (not a sleep: a poll)
    assert wait_for(lambda: not saving.is_alive() or waits_for_a_lock(saving.pid), timeout=60)
    assert saving.is_alive(), answers
    colleague.release.set()
    colleague.join(timeout=60)
    saving.join(timeout=60)
    assert colleague.error is None and saving.error is None, (colleague.error, saving.error)

    again = started[0]
    assert again.number == draft.number and again.pk != draft.pk
    [response] = answers
    assert_says_discarded_with_what_was_typed(response, again)
    # the new draft is the current version's copy, untouched
    assert _contents(again)[:2] == _contents(v1)[:2] and again.summary == ""
    assert_nothing_typed_written()
