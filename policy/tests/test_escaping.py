"""Whatever a board member types into a draft is shown as text, never run as HTML."""

from django.urls import reverse

from policy import services
from policy.models import ProtocolVersion
from policy.tests.conftest import saves_to, shown

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


RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows reads backwards (opo_portal.text)


def test_it_drops_direction_controls_from_what_is_typed_into_a_draft(login, v1, board):
    """A heading, article or summary with U+202E would read backwards on the protocol every
    parent reads, in the diff and in the e-mail to all staff. Until 2026-12-07 they were
    kept as typed."""
    c = login(board)
    c.post(reverse("policy:draft_start"))
    section = ProtocolVersion.objects.get(number=2).sections.get(slug="leren")
    article = section.articles.get(number=1)
    c.post(
        reverse("policy:section_edit", args=[2, section.pk]),
        {"heading": f"LE{RLO}REN", **shown(section.heading), **saves_to(2)},
    )
    c.post(
        reverse("policy:article_edit", args=[2, article.pk]),
        {"text": f"Tekst{RLO} A.\u2066", **shown(article.text), **saves_to(2)},
    )
    c.post(
        reverse("policy:article_add", args=[2, section.pk]),
        {"text": f"{RLO}Nieuw.\u2069", **saves_to(2)},
    )
    c.post(
        reverse("policy:draft_edit", args=[2]),
        {"summary": f"Samen{RLO}vatting.", **shown(""), **saves_to(2)},
    )
    c.post(
        reverse("policy:section_add", args=[2]),
        {"heading": f"Slot{RLO}bepaling", "kind": "text", "slug": "", **saves_to(2)},
    )

    section.refresh_from_db()
    article.refresh_from_db()
    draft = section.version
    draft.refresh_from_db()
    assert section.heading == "LEREN"
    assert article.text == "Tekst A."
    assert section.articles.get(number=5).text == "Nieuw."
    assert draft.summary == "Samenvatting."
    assert draft.sections.get(slug="slotbepaling").heading == "Slotbepaling"
    preview = c.get(reverse("policy:draft_preview", args=[2])).content.decode()
    assert RLO not in preview and "\u2066" not in preview


def test_it_refuses_a_heading_of_direction_controls_only_as_empty(login, v1, board):
    c = login(board)
    c.post(reverse("policy:draft_start"))
    section = ProtocolVersion.objects.get(number=2).sections.get(slug="leren")
    response = c.post(
        reverse("policy:section_edit", args=[2, section.pk]), {"heading": RLO, **saves_to(2)}
    )
    assert response.status_code == 200 and "Dit veld is verplicht." in response.content.decode()
    section.refresh_from_db()
    assert section.heading == "LEREN"
