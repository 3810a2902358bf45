"""Whatever a board member types into a draft is shown as text, never run as HTML."""

from django.urls import reverse

from policy import services

SCRIPT = "<script>alert(1)</script>"


def test_it_escapes_html_in_a_drafts_text_on_every_page(client, login, v1, board):
    draft = services.version_draft_start(by=board)
    leren = draft.sections.get(slug="leren")
    services.section_update(section=leren, heading=f"LEREN {SCRIPT}")
    services.article_update(article=leren.articles.get(number=1), text=f"Tekst {SCRIPT}")
    services.article_add(section=leren, text=f"<b>Nieuw</b> {SCRIPT}")
    services.version_update_summary(version=draft, summary=f"Samenvatting {SCRIPT}")
    board_client = login(board)
    pages = [board_client.get(reverse("policy:draft_preview", args=[2]))]
    pages.append(board_client.get(reverse("policy:draft_edit", args=[2])))
    services.version_publish(version=draft, by=board)
    for name, args in [("policy:current", []), ("policy:history", []), ("policy:diff", [1, 2])]:
        pages.append(client.get(reverse(name, args=args)))

    for page in pages:
        html = page.content.decode()
        assert "<script>alert" not in html and "<b>Nieuw" not in html, page.request
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page.request
