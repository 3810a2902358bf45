"""What changed between two versions: per article, with the words that changed."""

import re
from types import SimpleNamespace

from django.urls import reverse

from policy import services
from policy.diff import Change, compare_articles, word_diff


def article(anchor, text, heading="LEREN", number=1):
    return SimpleNamespace(
        anchor=anchor,
        text=text,
        number=number,
        section=SimpleNamespace(heading=heading, shows_numbers=True),
    )


def test_it_marks_changed_words():
    assert word_diff("de goede naam van de school", "de naam van onze school") == [
        ("same", "de"),
        ("del", "goede"),
        ("same", "naam van"),
        ("del", "de"),
        ("ins", "onze"),
        ("same", "school"),
    ]


def test_it_marks_every_word_of_a_text_where_there_was_none_as_added():
    assert word_diff("", "Nieuwe samenvatting.") == [("ins", "Nieuwe samenvatting.")]
    assert word_diff("Oude samenvatting.", "") == [("del", "Oude samenvatting.")]


def test_it_matches_articles_by_anchor():
    old = [article("leren-1", "a"), article("leren-2", "b"), article("leren-3", "c")]
    new = [article("leren-1", "a"), article("leren-2", "b b"), article("leren-4", "d")]
    changes = [(c.anchor, c.change) for c in compare_articles(old, new)]
    assert changes == [
        ("leren-1", Change.UNCHANGED),
        ("leren-2", Change.CHANGED),
        ("leren-4", Change.ADDED),
        ("leren-3", Change.REMOVED),
    ]


def test_it_shows_the_changes_between_two_published_versions(client, v1, board):
    draft = services.version_draft_start(by=board)
    services.article_update(
        article=draft.articles.get(anchor="profileren-4"),
        text=draft.articles.get(anchor="profileren-4").text.replace("ouders", "beide ouders"),
    )
    services.article_add(section=draft.sections.get(slug="leren"), text="Een nieuw artikel.")
    services.article_remove(article=draft.articles.get(anchor="communiceren-5"))
    services.version_update_summary(version=draft, summary="Drie wijzigingen.")
    services.version_publish(version=draft, by=board)

    response = client.get(reverse("policy:diff", args=[1, 2]))
    page = response.content.decode()
    by_anchor = {c.anchor: c.change for c in response.context["changes"]}
    assert by_anchor["profileren-4"] == Change.CHANGED
    assert by_anchor["leren-5"] == Change.ADDED
    assert by_anchor["communiceren-5"] == Change.REMOVED
    assert sum(c == Change.UNCHANGED for c in by_anchor.values()) == 21
    assert "beide</ins>" in page
    assert "Een nieuw artikel.</ins>" in page
    assert "diff-item--unchanged" not in page  # unchanged articles are only listed, folded
    assert '<code class="diff-anchor">#leren-1</code>' in page
    # every status carries a symbol, not only a colour
    for symbol in ("+", "−", "±"):
        assert f'<span aria-hidden="true">{symbol}</span>' in page


def test_it_redirects_the_compare_form_to_the_diff_page(client, v1, board):
    from policy.tests.conftest import publish_new_version

    publish_new_version(board)
    response = client.get(reverse("policy:diff_choose"), {"old": 1, "new": 2})
    assert response.url == reverse("policy:diff", args=[1, 2])


def test_it_shows_a_form_error_for_the_same_version_twice(client, v1, board):
    from policy.tests.conftest import publish_new_version

    publish_new_version(board)
    response = client.get(reverse("policy:diff_choose"), {"old": 2, "new": 2})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_it_shows_a_form_error_for_a_version_that_does_not_exist(client, v1):
    response = client.get(reverse("policy:diff_choose"), {"old": 1, "new": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_it_shows_a_renamed_section_heading(client, login, v1, board):
    """Only a heading changed: the page said "no article was added, removed or changed"."""
    draft = services.version_draft_start(by=board)
    services.section_update(section=draft.sections.get(slug="leren"), heading="LEREN EN ONDERWIJS")
    services.version_update_summary(version=draft, summary="Kop van LEREN aangepast.")
    preview = login(board).get(reverse("policy:draft_preview", args=[draft.number]))
    services.version_publish(version=draft, by=board)

    for response in (preview, client.get(reverse("policy:diff", args=[1, 2]))):
        page = response.content.decode()
        assert "geen artikel toegevoegd" not in page
        assert "Kop van een onderdeel" in page
        assert "</span>LEREN</del>" in page
        assert "</span>LEREN EN ONDERWIJS</ins>" in page


def test_it_offers_the_previous_and_the_current_version_to_compare(client, v1, board):
    """Both lists started at the newest version, so "Show changes" as offered was an error."""
    from policy.tests.conftest import publish_new_version

    publish_new_version(board)
    publish_new_version(board)
    page = client.get(reverse("policy:history")).content.decode()
    assert '<option value="2" selected>2</option>' in page.split('name="new"')[0]
    assert '<option value="3" selected>3</option>' in page.split('name="new"')[1]


# --- Summaries of the versions between the two compared ---------------------------------
V1_SUMMARY = "Eerste versie van het protocol sociale media."


def _publish(board, summary: str, kind: str = "revision"):
    draft = services.version_draft_start(by=board)
    article = draft.articles.get(anchor="communiceren-2")
    services.article_update(article=article, text=f"{article.text} {summary}")
    services.version_update_summary(version=draft, summary=summary)
    return services.version_publish(version=draft, by=board, kind=kind)


def test_it_shows_the_summary_of_every_version_after_the_older_up_to_the_newer(
    client, v1, board, django_assert_num_queries
):
    """From 1 to 3 the page showed version 3's summary only: version 2's changes were
    in the diff, unexplained."""
    _publish(board, "Tweede: toestemming per kanaal.")
    _publish(board, "Derde: tikfouten.", kind="correction")

    # the versions 1 to 3 (one query for both ends and the summaries); each one's articles
    with django_assert_num_queries(3):
        page = client.get(reverse("policy:diff", args=[1, 3])).content.decode()

    assert V1_SUMMARY not in page
    assert 0 < page.index("Tweede: toestemming per kanaal.") < page.index("Derde: tikfouten.")
    second = page.split("Tweede: toestemming per kanaal.")[0].rsplit("<p", 1)[1]
    third = page.split("Derde: tikfouten.")[0].rsplit("<p", 1)[1]
    assert "Versie 2" in second and "correctie van spelling" not in second
    assert "Versie 3" in third and "correctie van spelling" in third


def test_it_shows_the_newer_versions_summary_when_compared_from_new_to_old(client, v1, board):
    """From 2 to 1 (the form allows it) the page showed version 1's summary, "Eerste versie
    van het protocol", as if that described the changes."""
    _publish(board, "Tweede: toestemming per kanaal.")

    page = client.get(reverse("policy:diff", args=[2, 1])).content.decode()

    assert "Tweede: toestemming per kanaal." in page
    assert V1_SUMMARY not in page


def test_it_404s_a_compared_version_that_is_not_published(client, v1, board):
    _publish(board, "Tweede.")
    services.version_draft_start(by=board)  # version 3, a draft

    for old, new in ((1, 3), (3, 1), (1, 9)):
        assert client.get(reverse("policy:diff", args=[old, new])).status_code == 404


def test_the_history_marks_the_spelling_corrections(client, v1, board, django_assert_num_queries):
    _publish(board, "Tweede: toestemming per kanaal.")
    _publish(board, "Derde: tikfouten.", kind="correction")

    with django_assert_num_queries(1):  # the published versions with how each was published
        page = client.get(reverse("policy:history")).content.decode()

    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    marked = ["correctie van spelling" in row for row in rows]
    assert marked == [True, False, False]  # versions 3, 2, 1


def _diff_headings(page: str) -> list[str]:
    """The text of every change's heading on a diff page, badge left out."""
    headings = re.findall(r">\s*([^<>]*?)\s*<code class=\"diff-anchor\">#([\w-]+)", page)
    return [f"{text} #{anchor}" for text, anchor in headings]


def test_it_numbers_only_articles_not_the_paragraphs_before_them(client, login, v1, board):
    """The introduction read "Inleiding 1", as if it were an article."""
    draft = services.version_draft_start(by=board)
    for anchor in ("inleiding-1", "goede-naam-2", "leren-1"):
        article = draft.articles.get(anchor=anchor)
        services.article_update(article=article, text=f"{article.text} Aangepast.")
    services.version_update_summary(version=draft, summary="Drie alinea's aangepast.")
    preview = login(board).get(reverse("policy:draft_preview", args=[draft.number]))
    services.version_publish(version=draft, by=board)

    for response in (preview, client.get(reverse("policy:diff", args=[1, 2]))):
        headings = _diff_headings(response.content.decode())
        assert "Inleiding #inleiding-1" in headings
        assert "De goede naam van de school #goede-naam-2" in headings
        assert "LEREN 1 #leren-1" in headings
        assert "Goed om te weten 1 #goed-om-te-weten-1" in headings  # a list keeps numbers
        assert "POSITIEVE INSTEEK #positieve-insteek-1" in headings  # unchanged, folded
