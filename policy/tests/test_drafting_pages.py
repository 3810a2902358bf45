"""Board staff draft, preview and publish a version on the portal's own pages."""

import pytest
from django.urls import reverse

from policy.models import Article, ProtocolVersion
from policy.tests.conftest import publish_form, saves_to, shown


def test_it_walks_a_board_member_from_draft_to_published(login, v1, board):
    c = login(board)
    response = c.post(reverse("policy:draft_start"))
    draft = ProtocolVersion.objects.drafts().get()
    assert response.url == reverse("policy:draft_edit", args=[draft.number])
    article = draft.articles.get(anchor="communiceren-2")

    response = c.post(
        reverse("policy:article_edit", args=[draft.number, article.pk]),
        {
            "text": "Nieuwe tekst over\nderden.\n\nMet een tweede alinea.",
            **shown(article.text),
            **saves_to(draft.number),
        },
    )
    assert response.url.endswith("#communiceren-2")
    c.post(
        reverse("policy:draft_edit", args=[draft.number]),
        {"summary": "COMMUNICEREN 2.", **shown(""), **saves_to(draft.number)},
    )

    preview = c.get(reverse("policy:draft_preview", args=[draft.number]))
    assert "Nieuwe tekst over derden." in preview.content.decode()
    assert [ch.anchor for ch in preview.context["changes"] if ch.change == "changed"] == [
        "communiceren-2"
    ]
    assert ProtocolVersion.objects.current() == v1  # preview publishes nothing

    response = c.post(
        reverse("policy:draft_publish", args=[draft.number]), publish_form(draft.number)
    )
    assert response.url == reverse("policy:current")
    assert ProtocolVersion.objects.current().number == 2
    page = c.get(reverse("policy:current")).content.decode()
    assert "<p>Nieuwe tekst over derden.</p><p>Met een tweede alinea.</p>" in page


def test_it_keeps_the_draft_when_publishing_without_a_summary(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    response = c.post(reverse("policy:draft_publish", args=[2]), publish_form(2), follow=True)
    assert ProtocolVersion.objects.get(number=2).status == "draft"
    assert "message--error" in response.content.decode()


def test_it_keeps_an_unchanged_draft_and_says_why(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    c.post(
        reverse("policy:draft_edit", args=[2]),
        {"summary": "Niets veranderd.", **shown(""), **saves_to(2)},
    )

    response = c.post(reverse("policy:draft_publish", args=[2]), publish_form(2), follow=True)

    assert response.redirect_chain == [(reverse("policy:draft_preview", args=[2]), 302)]
    assert ProtocolVersion.objects.get(number=2).status == "draft"
    assert ProtocolVersion.objects.current() == v1
    assert (
        "Dit concept heeft dezelfde tekst als de huidige versie 1, dus er is niets "
        "gepubliceerd." in response.content.decode()
    )


def test_it_shows_a_form_error_for_an_empty_article(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    article = Article.objects.get(version__number=2, anchor="leren-1")
    response = c.post(
        reverse("policy:article_edit", args=[2, article.pk]), {"text": "  \n ", **saves_to(2)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    article.refresh_from_db()
    assert article.text.startswith("Stichting")


def test_it_adds_a_section_and_an_article(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    response = c.post(
        reverse("policy:section_add", args=[2]),
        {"heading": "Slotbepaling", "kind": "text", "slug": "", **saves_to(2)},
    )
    assert response.status_code == 302
    section = ProtocolVersion.objects.get(number=2).sections.get(slug="slotbepaling")
    c.post(reverse("policy:article_add", args=[2, section.pk]), {"text": "Slot.", **saves_to(2)})
    assert section.articles.get().anchor == "slotbepaling-1"


def test_it_refuses_a_section_anchor_that_would_clash(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    # "-title" is the suffix of every heading's id: "inhoud-title" is the contents' heading
    for slug in ("leren", "bevestigen", "leren-9", "inhoud-title", "leren-title", "nieuw-title"):
        response = c.post(
            reverse("policy:section_add", args=[2]),
            {"heading": "X", "kind": "text", "slug": slug, **saves_to(2)},
        )
        assert response.status_code == 200, slug
        assert response.context["form"].errors, slug


@pytest.mark.parametrize("slug", ["changes", "publish", "session-warning", "session-warning-text"])
def test_it_refuses_a_section_anchor_another_part_of_the_page_uses(login, v1, board, slug):
    """The preview's "changes-title" and "publish-title" headings, and the base page's
    session warning, would be a second element with the section's id or its heading's."""
    c = login(board)
    c.post(reverse("policy:draft_start"))
    response = c.post(
        reverse("policy:section_add", args=[2]),
        {"heading": "X", "kind": "text", "slug": slug, **saves_to(2)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]


def test_it_refuses_a_heading_whose_anchor_would_be_too_long(login, v1, board):
    c = login(board)
    c.raise_request_exception = False
    c.post(reverse("policy:draft_start"))
    response = c.post(
        reverse("policy:section_add", args=[2]),
        {"heading": "Afspraken " * 15, "kind": "text", "slug": "", **saves_to(2)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert not ProtocolVersion.objects.get(number=2).sections.filter(heading__startswith="Afs")


def test_it_shows_an_error_when_removing_an_article_in_the_middle(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    article = Article.objects.get(version__number=2, anchor="leren-2")
    response = c.post(reverse("policy:article_remove", args=[2, article.pk]), follow=True)
    assert "message--error" in response.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()


def test_it_refuses_to_edit_a_published_versions_article_with_a_message(login, v1, board):
    """The edit form stood open while a colleague published: say so, with what was typed
    to copy (was a bare 404, then a redirect that lost the text: test_edit_draft_gone.py)."""
    article = v1.articles.get(anchor="leren-1")
    response = login(board).post(
        reverse("policy:article_edit", args=[1, article.pk]), {"text": "Anders."}
    )
    assert response.status_code == 200
    assert "Dit concept is gepubliceerd als versie 1" in response.content.decode()
    assert response.context["typed"][0][1] == "Anders."
    article.refresh_from_db()
    assert article.text.startswith("Stichting OPO Borger-Odoorn verwacht")


def test_it_answers_404_for_an_article_of_another_version(login, v1, board):
    login(board).post(reverse("policy:draft_start"))
    article = v1.articles.get(anchor="leren-1")
    response = login(board).post(
        reverse("policy:article_edit", args=[2, article.pk]), {"text": "Anders."}
    )
    assert response.status_code == 404


def test_it_adds_one_article_for_a_double_click(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    section = ProtocolVersion.objects.get(number=2).sections.get(slug="leren")
    url = reverse("policy:article_add", args=[2, section.pk])

    answers = [c.post(url, {"text": "Een nieuwe afspraak.", **saves_to(2)}) for _click in range(2)]

    assert [a.url for a in answers] == [reverse("policy:draft_edit", args=[2]) + "#leren-5"] * 2
    assert list(section.articles.values_list("anchor", flat=True)) == [
        "leren-1",
        "leren-2",
        "leren-3",
        "leren-4",
        "leren-5",
    ]


def test_it_answers_a_second_click_on_discard_with_the_drafts_page(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    c.post(reverse("policy:draft_discard", args=[2]))

    response = c.post(reverse("policy:draft_discard", args=[2]), follow=True)

    assert response.redirect_chain == [(reverse("policy:drafts"), 302)]
    assert "Het concept is al weggegooid." in response.content.decode()
    assert not ProtocolVersion.objects.filter(number=2).exists()


def test_it_refuses_to_publish_a_section_without_articles(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    c.post(
        reverse("policy:draft_edit", args=[2]),
        {"summary": "Slotbepaling.", **shown(""), **saves_to(2)},
    )
    c.post(
        reverse("policy:section_add", args=[2]),
        {"heading": "Slotbepaling", "kind": "text", "slug": "", **saves_to(2)},
    )

    response = c.post(reverse("policy:draft_publish", args=[2]), publish_form(2), follow=True)

    assert "Slotbepaling heeft nog geen artikelen" in response.content.decode()
    assert ProtocolVersion.objects.get(number=2).status == "draft"


def test_the_drafting_pages_do_not_promise_that_a_correction_asks_everyone_again(login, v1, board):
    """A spelling correction keeps everyone's confirmation: the drafts page said all staff
    are asked to read any published version, and the preview that every staff member
    sees a banner until they confirm, right above the choice of a correction."""
    c = login(board)
    c.post(reverse("policy:draft_start"))
    draft = ProtocolVersion.objects.drafts().get()
    drafts = c.get(reverse("policy:drafts")).content.decode()
    preview = c.get(reverse("policy:draft_preview", args=[draft.number])).content.decode()
    assert "en wordt al het personeel gevraagd het te lezen" not in drafts
    assert "een correctie van spelling behoudt hun bevestigingen" in drafts
    assert "Elk personeelslid ziet een melding totdat" not in preview
    assert "Na een nieuwe versie ziet elk personeelslid een melding" in preview


def test_it_names_an_article_by_its_heading_as_written(login, v1, board):
    """Only a heading in capitals ("COMMUNICEREN") is written as a word; "YouTube" and
    "OPO" in a heading are names and stay as they are."""
    c = login(board)
    c.post(reverse("policy:draft_start"))
    c.post(
        reverse("policy:section_add", args=[2]),
        {"heading": "Werken met YouTube bij OPO", "kind": "text", "slug": "youtube", **saves_to(2)},
    )
    section = ProtocolVersion.objects.get(number=2).sections.get(slug="youtube")
    c.post(
        reverse("policy:article_add", args=[2, section.pk]),
        {"text": "Eerst toestemming.", **saves_to(2)},
    )

    html = c.get(reverse("policy:draft_edit", args=[2])).content.decode()

    assert "Werken met YouTube bij OPO 1 bewerken" not in html  # running text: no number
    # its paragraphs by their place, so that their buttons do not all read the same
    assert ">Werken met YouTube bij OPO, alinea 1 bewerken<" in html
    assert "Communiceren 2 bewerken" in html


def test_it_numbers_only_articles_and_list_points_on_the_drafting_buttons(login, v1, board):
    """The diff and the protocol show "Inleiding" without a number; the drafting buttons
    said "Inleiding 1 bewerken", as if the introduction were an article."""
    c = login(board)
    c.post(reverse("policy:draft_start"))
    draft = ProtocolVersion.objects.get(number=2)
    html = " ".join(c.get(reverse("policy:draft_edit", args=[2])).content.decode().split())
    assert "Inleiding 1 bewerken" not in html
    assert "Inleiding, alinea 1 bewerken" in html
    assert "Communiceren 2 bewerken" in html  # an article
    assert "Goed om te weten 1 bewerken" in html  # a list point
    intro = draft.articles.get(anchor="inleiding-1")
    form = c.get(reverse("policy:article_edit", args=[2, intro.pk])).content.decode()
    assert "<h1>Inleiding, alinea 1 bewerken</h1>" in form
    assert "<title>Inleiding, alinea 1 bewerken" in form


def _publish_draft(c, number: int) -> None:
    c.post(
        reverse("policy:draft_edit", args=[number]),
        {"summary": f"Versie {number}.", **shown(""), **saves_to(number)},
    )
    response = c.post(reverse("policy:draft_publish", args=[number]), publish_form(number))
    assert ProtocolVersion.objects.current().number == number, response


def test_it_never_gives_a_removed_articles_anchor_to_another_article(login, client, v1, board):
    """Version 2 removed Communiceren 5; an article added in version 3 was Communiceren 5
    again, and a link to #communiceren-5 landed on other text."""
    c = login(board)
    c.post(reverse("policy:draft_start"))
    removed = Article.objects.get(version__number=2, anchor="communiceren-5")
    c.post(reverse("policy:article_remove", args=[2, removed.pk]))
    _publish_draft(c, 2)

    c.post(reverse("policy:draft_start"))
    section = ProtocolVersion.objects.get(number=3).sections.get(slug="communiceren")
    response = c.post(
        reverse("policy:article_add", args=[3, section.pk]), {"text": "Nieuw.", **saves_to(3)}
    )
    assert response.url.endswith("#communiceren-6")
    _publish_draft(c, 3)

    page = client.get(reverse("policy:current")).content.decode()
    assert 'id="communiceren-5"' not in page
    assert 'id="communiceren-6"' in page and "Nieuw." in page
    old = client.get(reverse("policy:version", args=[1])).content.decode()
    assert 'id="communiceren-5"' in old  # the old link still reads what it meant
    diff = client.get(reverse("policy:diff", args=[1, 3]))
    by_anchor = {change.anchor: change.change for change in diff.context["changes"]}
    assert by_anchor["communiceren-5"] == "removed"
    assert by_anchor["communiceren-6"] == "added"


def test_it_numbers_on_from_an_article_removed_in_the_same_draft(login, v1, board):
    """Removed from the current version and added again in one draft: a new article."""
    c = login(board)
    c.post(reverse("policy:draft_start"))
    draft = ProtocolVersion.objects.get(number=2)
    c.post(reverse("policy:article_remove", args=[2, draft.articles.get(anchor="leren-4").pk]))
    section = draft.sections.get(slug="leren")
    response = c.post(
        reverse("policy:article_add", args=[2, section.pk]), {"text": "Ander.", **saves_to(2)}
    )
    assert response.url.endswith("#leren-5")


def test_it_reuses_the_number_of_an_article_never_published(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    section = ProtocolVersion.objects.get(number=2).sections.get(slug="leren")
    c.post(
        reverse("policy:article_add", args=[2, section.pk]), {"text": "Eerst dit.", **saves_to(2)}
    )
    added = Article.objects.get(version__number=2, anchor="leren-5")
    c.post(reverse("policy:article_remove", args=[2, added.pk]))
    response = c.post(
        reverse("policy:article_add", args=[2, section.pk]), {"text": "Dan dit.", **saves_to(2)}
    )
    assert response.url.endswith("#leren-5")
