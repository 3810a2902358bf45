"""Publishing publishes the draft as its preview showed it. A colleague's edit after the
preview was opened (or one's own in another tab), or a draft discarded and started again
under the same number, is not published unseen: the preview comes back with a message
and nothing is published. Until 2026-12-07 the draft as it stood was published."""

import re

import pytest
from django.urls import reverse

from policy import services
from policy.models import ProtocolVersion
from policy.tests.conftest import edit_one_article


def _draft_ready(board) -> ProtocolVersion:
    draft = services.version_draft_start(by=board)
    edit_one_article(draft, "communiceren-2")
    services.version_update_summary(version=draft, summary="COMMUNICEREN 2 verduidelijkt.")
    return draft


def _previewed(client, number: int) -> str:
    """The value the preview page's publish form sends with it."""
    html = client.get(reverse("policy:draft_preview", args=[number])).content.decode()
    found = re.search(r'name="previewed" value="([^"]*)"', html)
    assert found, "the publish form carries what the preview showed"
    return found.group(1)


def _publish(client, number: int, previewed: str | None):
    data = {"kind": "revision"}
    if previewed is not None:
        data["previewed"] = previewed
    return client.post(reverse("policy:draft_publish", args=[number]), data, follow=True)


CHANGED = "Het concept is gewijzigd nadat u het voorbeeld opende"


def test_it_publishes_the_draft_the_preview_showed(login, v1, board):
    c = login(board)
    draft = _draft_ready(board)
    response = _publish(c, draft.number, _previewed(c, draft.number))
    assert response.redirect_chain == [(reverse("policy:current"), 302)]
    assert ProtocolVersion.objects.current().number == 2


@pytest.mark.parametrize("edit", ["article", "summary", "heading", "added article"])
def test_it_publishes_nothing_a_colleague_changed_after_the_preview_was_opened(
    login, v1, board, edit
):
    c = login(board)
    draft = _draft_ready(board)
    previewed = _previewed(c, draft.number)
    leren = draft.sections.get(slug="leren")
    if edit == "article":
        services.article_update(article=leren.articles.get(number=1), text="Iets heel anders.")
    elif edit == "summary":
        services.version_update_summary(version=draft, summary="Iets anders samengevat.")
    elif edit == "heading":
        services.section_update(section=leren, heading="LEREN EN WERKEN")
    else:
        services.article_add(section=leren, text="Een artikel dat niemand zag.")

    response = _publish(c, draft.number, previewed)

    assert response.redirect_chain == [(reverse("policy:draft_preview", args=[2]), 302)]
    assert CHANGED in response.content.decode()
    assert ProtocolVersion.objects.current() == v1
    assert ProtocolVersion.objects.get(number=2).status == "draft"
    # the preview it came back to publishes what it shows now
    assert _publish(c, 2, _previewed(c, 2)).redirect_chain[-1][0] == reverse("policy:current")
    assert ProtocolVersion.objects.current().number == 2


def test_it_publishes_nothing_from_a_preview_of_a_discarded_draft(login, v1, board):
    """A preview left open in a tab, its draft discarded and a new one started as number 2:
    its button would have published the colleague's unfinished draft."""
    c = login(board)
    old = _draft_ready(board)
    previewed = _previewed(c, old.number)
    services.version_discard(version=old)
    new = services.version_draft_start(by=board)
    edit_one_article(new, "leren-1")
    services.version_update_summary(version=new, summary="Half af.")
    assert new.number == old.number

    response = _publish(c, new.number, previewed)

    assert CHANGED in response.content.decode()
    assert ProtocolVersion.objects.current() == v1


def test_it_publishes_nothing_from_a_form_without_what_the_preview_showed(login, v1, board):
    """A preview opened before this check existed, or a request made up by hand."""
    c = login(board)
    draft = _draft_ready(board)
    response = _publish(c, draft.number, None)
    assert CHANGED in response.content.decode()
    assert ProtocolVersion.objects.current() == v1
