"""A draft may not remove what other pages cite ({% cite_protocol %}): their links would
point at an anchor the published protocol no longer has."""

from django.urls import reverse

from policy.citations import cited_anchors
from policy.models import Article, ProtocolVersion, Section


def test_it_finds_the_anchors_the_portals_pages_cite():
    assert {"profileren-4", "communiceren-2", "goed-om-te-weten"} <= cited_anchors()


def test_every_cited_anchor_is_on_the_current_protocol(v1):
    anchors = set(v1.articles.values_list("anchor", flat=True))
    anchors |= set(v1.sections.values_list("slug", flat=True))
    assert cited_anchors() <= anchors


def test_it_refuses_to_remove_an_article_other_pages_cite(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    article = Article.objects.get(version__number=2, anchor="profileren-4")  # the last one

    response = c.post(reverse("policy:article_remove", args=[2, article.pk]), follow=True)

    assert "Profileren 4 wordt geciteerd" in response.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()


def test_it_refuses_to_remove_a_section_other_pages_cite(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    section = Section.objects.get(version__number=2, slug="goed-om-te-weten")
    for article in section.articles.order_by("-number"):  # none of them is cited itself
        c.post(reverse("policy:article_remove", args=[2, article.pk]))
    assert not section.articles.exists()

    response = c.post(reverse("policy:section_remove", args=[2, section.pk]), follow=True)

    assert "Goed om te weten wordt geciteerd" in response.content.decode()
    assert ProtocolVersion.objects.get(number=2).sections.filter(pk=section.pk).exists()


def test_it_still_removes_an_article_nobody_cites(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    article = Article.objects.get(version__number=2, anchor="communiceren-5")
    c.post(reverse("policy:article_remove", args=[2, article.pk]))
    assert not Article.objects.filter(pk=article.pk).exists()
