"""The protocol page shows the source text: every article, in order, without PDF line breaks."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from policy.models import Article, Section
from policy.text import load_seed

SOURCE = Path(settings.BASE_DIR).parent / "shared" / "seed" / "social-media-protocol.txt"

EXPECTED_ANCHORS = [
    "inleiding-1",
    *(f"goed-om-te-weten-{n}" for n in range(1, 5)),
    *(f"goede-naam-{n}" for n in range(1, 4)),
    *(f"leren-{n}" for n in range(1, 5)),
    *(f"communiceren-{n}" for n in range(1, 6)),
    *(f"profileren-{n}" for n in range(1, 5)),
    "positieve-insteek-1",
    "positieve-insteek-2",
]


def words(text: str) -> str:
    """Whitespace-normalised text, with words split by a hyphen at a line end joined."""
    return " ".join(re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text).split())


def seed_articles() -> list[tuple[str, str]]:
    return [
        (f"{section['slug']}-{number}", text)
        for section in load_seed()["sections"]
        for number, text in enumerate(section["articles"], start=1)
    ]


def rendered_articles(page: str) -> dict[str, str]:
    """anchor -> the visible text of that article on the page."""
    found = re.findall(
        r'class="protocol-article[^"]*" id="([a-z0-9-]+)">.*?<div class="article-text">(.*?)</div>',
        page,
        flags=re.S,
    )
    return {anchor: words(html.unescape(re.sub(r"<[^>]+>", " ", body))) for anchor, body in found}


@pytest.fixture
def page(client, v1) -> str:
    return client.get(reverse("policy:current")).content.decode()


def test_it_loads_every_article_of_the_seed_in_order(v1):
    stored = list(v1.articles.order_by("section__position", "number").values_list("anchor", "text"))
    assert stored == seed_articles()


def test_it_shows_each_article_text_on_the_protocol_page(page):
    on_page = rendered_articles(page)
    for anchor, text in seed_articles():
        assert on_page.get(anchor) == words(text), anchor


def test_it_shows_the_articles_in_source_order(page):
    assert list(rendered_articles(page)) == EXPECTED_ANCHORS


def test_it_shows_the_section_headings_in_order(page):
    headings = re.findall(
        r'<section class="protocol-section[^"]*" id="([a-z-]+)".*?<h2[^>]*>(.*?)</h2>',
        page,
        flags=re.S,
    )
    assert headings == [(s["slug"], s["heading"]) for s in load_seed()["sections"]]


def test_it_keeps_the_sentence_about_negative_discussions_in_profileren_3(page):
    assert (
        "Behalve in geval van onjuistheden wordt op negatieve discussies niet gereageerd"
        in (rendered_articles(page)["profileren-3"])
    )


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared source text is not next to the repo")
def test_it_matches_the_source_text_word_for_word_and_in_order():
    source = words(SOURCE.read_text(encoding="utf-8"))
    position = 0
    for anchor, text in seed_articles():
        found = source.find(words(text), position)
        assert found >= 0, f"{anchor} is not in the source after the previous article"
        position = found + len(words(text))


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared source text is not next to the repo")
def test_it_leaves_out_nothing_of_the_source_but_headings_and_list_numbers():
    leftover = words(SOURCE.read_text(encoding="utf-8"))
    for _anchor, text in seed_articles():
        leftover = leftover.replace(words(text), " ", 1)
    # What the page shows as headings and list numbers instead of article text:
    assert " ".join(leftover.split()) == (
        "Goed om te weten: LEREN 1. 2. 3. 4. COMMUNICEREN 1. 2. 3. 4. 5. "
        "PROFILEREN 1. 2. 3. 4. POSITIEVE INSTEEK"
    )


@pytest.mark.django_db
def test_it_has_no_pdf_line_breaks_left_in_any_article(v1):
    for article in Article.objects.all():
        assert "-\n" not in article.text, article.anchor
        assert article.text == article.text.strip(), article.anchor
        assert "  " not in article.text, article.anchor
        for paragraph in article.paragraphs:
            assert "\n" not in paragraph, article.anchor
        # a paragraph break only after the end of a sentence
        for before in re.findall(r"(.)\n\n", article.text):
            assert before in ".;:!?", article.anchor


def test_it_gives_every_article_its_stable_anchor(v1):
    assert list(v1.articles.values_list("anchor", flat=True)) == EXPECTED_ANCHORS
    for article in v1.articles.select_related("section"):
        assert article.anchor == article.section.anchor_for(article.number)


def test_it_has_the_structure_of_the_protocol(v1):
    counts = {s.slug: (s.kind, s.articles.count()) for s in v1.sections.all()}
    assert counts == {
        "inleiding": (Section.Kind.INTRO, 1),
        "goed-om-te-weten": (Section.Kind.LIST, 4),
        "goede-naam": (Section.Kind.TEXT, 3),
        "leren": (Section.Kind.FUNCTION, 4),
        "communiceren": (Section.Kind.FUNCTION, 5),
        "profileren": (Section.Kind.FUNCTION, 4),
        "positieve-insteek": (Section.Kind.TEXT, 2),
    }


@pytest.mark.parametrize(
    "anchor",
    [
        "communiceren-2",
        "communiceren-4",
        "profileren-2",
        "profileren-3",
        "profileren-4",
        "goed-om-te-weten",
    ],
)
def test_it_has_a_target_for_every_anchor_other_pages_cite(page, anchor):
    assert f'id="{anchor}"' in page


@pytest.mark.parametrize("extra_articles", [0, 20])
def test_it_renders_the_protocol_page_with_the_same_queries_for_any_length(
    client, v1, board, extra_articles, django_assert_num_queries
):
    from policy import services
    from policy.tests.conftest import edit_one_article

    draft = services.version_draft_start(by=board)
    edit_one_article(draft)  # an unchanged copy is not published
    for i in range(extra_articles):
        services.article_add(section=draft.sections.get(slug="leren"), text=f"Extra {i}.")
    services.version_update_summary(version=draft, summary="Langer.")
    services.version_publish(version=draft, by=board)
    # 1. current version  2. its sections  3. their articles (prefetched)
    with django_assert_num_queries(3):
        response = client.get(reverse("policy:current"))
    assert len(rendered_articles(response.content.decode())) == 23 + extra_articles
