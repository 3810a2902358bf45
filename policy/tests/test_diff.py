"""What changed between two versions: per article, with the words that changed."""

from types import SimpleNamespace

from django.urls import reverse

from policy import services
from policy.diff import Change, compare_articles, word_diff


def article(anchor, text, heading="LEREN", number=1):
    return SimpleNamespace(
        anchor=anchor, text=text, number=number, section=SimpleNamespace(heading=heading)
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
