"""Two tabs (or two board members) editing the same article text, section heading or
summary of a draft: the second save no longer overwrites the first unseen. Each edit form
carries a digest of the text it showed (`shown`); a save over text changed since is
refused with a message, the text as it is now and the typed text kept in the form, and
nothing saved. Until 2026-12-07 the last save won and the first person's words were lost."""

import re

import pytest
from django.urls import reverse

from policy import services
from policy.models import Article, ProtocolVersion, Section

CHANGED = "Deze tekst is gewijzigd nadat u deze pagina opende"


def _draft(board) -> ProtocolVersion:
    return services.version_draft_start(by=board)


class Edit:
    """One of the three edit forms: its page, the field it edits and the text stored."""

    def __init__(self, kind: str, draft: ProtocolVersion):
        self.kind = kind
        self.draft_id = str(draft.pk)  # what the form sends of its draft (SavesToDraftForm)
        if kind == "article":
            self.article = draft.articles.get(anchor="leren-1")
            self.url = reverse("policy:article_edit", args=[draft.number, self.article.pk])
            self.field = "text"
        elif kind == "heading":
            self.section = draft.sections.get(slug="leren")
            self.url = reverse("policy:section_edit", args=[draft.number, self.section.pk])
            self.field = "heading"
        else:
            self.draft = draft
            self.url = reverse("policy:draft_edit", args=[draft.number])
            self.field = "summary"

    def stored(self) -> str:
        if self.kind == "article":
            return Article.objects.get(pk=self.article.pk).text
        if self.kind == "heading":
            return Section.objects.get(pk=self.section.pk).heading
        return ProtocolVersion.objects.get(pk=self.draft.pk).summary

    def post(self, client, text: str, shown: str | None):
        data = {self.field: text, "draft": self.draft_id}
        if shown is not None:
            data["shown"] = shown
        return client.post(self.url, data)


def _shown(html: str) -> str | None:
    """What the page's edit form sends back of the text it showed (None: nothing)."""
    found = re.search(r'name="shown" value="([^"]*)"', html)
    return found.group(1) if found else None


def _open(client, edit: Edit) -> str | None:
    response = client.get(edit.url)
    assert response.status_code == 200
    return _shown(response.content.decode())


KINDS = ["article", "heading", "summary"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_second_of_two_tabs_does_not_overwrite_the_first(login, v1, board, kind):
    c = login(board)
    edit = Edit(kind, _draft(board))
    first_tab, second_tab = _open(c, edit), _open(c, edit)

    assert edit.post(c, "WOORDEN VAN DE EERSTE", first_tab).status_code == 302
    response = edit.post(c, "WOORDEN VAN DE TWEEDE", second_tab)

    assert response.status_code == 200
    html = response.content.decode()
    assert CHANGED in html
    assert edit.stored() == "WOORDEN VAN DE EERSTE"  # nothing saved
    # the text as it is now is shown, and what the second tab typed is still in the form
    assert "WOORDEN VAN DE EERSTE" in html
    assert response.context["form"][edit.field].value() == "WOORDEN VAN DE TWEEDE"
    # having seen it, saving again is a choice made knowingly: it saves
    assert _shown(html) is not None and _shown(html) != second_tab
    assert edit.post(c, "WOORDEN VAN DE TWEEDE", _shown(html)).status_code == 302
    assert edit.stored() == "WOORDEN VAN DE TWEEDE"


@pytest.mark.parametrize("kind", KINDS)
def test_an_identical_double_submit_saves_once_without_a_message(login, v1, board, kind):
    c = login(board)
    edit = Edit(kind, _draft(board))
    shown = _open(c, edit)

    assert edit.post(c, "DEZELFDE WOORDEN", shown).status_code == 302
    assert edit.post(c, "DEZELFDE WOORDEN", shown).status_code == 302
    assert edit.stored() == "DEZELFDE WOORDEN"


@pytest.mark.parametrize("kind", KINDS)
def test_a_form_that_does_not_say_what_it_showed_overwrites_nothing(login, v1, board, kind):
    """A page opened before the forms carried it, or a request made by hand."""
    c = login(board)
    edit = Edit(kind, _draft(board))
    before = edit.stored()

    response = edit.post(c, "ONGEZIEN OVERSCHREVEN", None)

    assert response.status_code == 200
    assert CHANGED in response.content.decode()
    assert edit.stored() == before


def test_a_save_over_an_unchanged_text_saves(login, v1, board):
    c = login(board)
    edit = Edit("article", _draft(board))
    shown = _open(c, edit)
    assert edit.post(c, "Een nieuwe tekst.", shown).status_code == 302
    assert edit.stored() == "Een nieuwe tekst."


def test_a_colleague_saving_the_same_words_is_no_conflict(login, v1, board):
    """Both typed the same correction: nothing of anyone's is lost."""
    c = login(board)
    draft = _draft(board)
    edit = Edit("article", draft)
    shown = _open(c, edit)
    services.article_update(article=edit.article, text="Dezelfde verbetering.")
    assert edit.post(c, "Dezelfde verbetering.", shown).status_code == 302
