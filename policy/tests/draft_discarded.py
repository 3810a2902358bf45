"""What a save of a page of a draft discarded since it was opened answers, when a new draft
with the same number was started meanwhile (test_draft_started_again.py, before the save;
test_draft_started_again_while_saving.py, while it waited for the draft's lock)."""

from django.urls import reverse

from policy.models import Article, ProtocolVersion, Section

DISCARDED = "Dit concept is weggegooid nadat u deze pagina opende"
TYPED = "MIJN NIEUWE WOORDEN over <b>derden</b>."
ESCAPED = "MIJN NIEUWE WOORDEN over &lt;b&gt;derden&lt;/b&gt;."


def assert_says_discarded_with_what_was_typed(response, again: ProtocolVersion) -> None:
    """The page says the draft was discarded, shows what was typed (read-only, escaped)
    and links to the draft started since (`again`), to go on in."""
    assert response.status_code == 200
    body = response.content.decode()
    assert DISCARDED in body
    assert ESCAPED in body and "<b>derden" not in body  # read-only, escaped
    assert response.context["typed"][0][1] == TYPED
    # the draft started since, to go on in
    assert reverse("policy:draft_edit", args=[again.number]) in body


def assert_nothing_typed_written() -> None:
    """No version's section, article or summary holds what was typed."""
    assert not Section.objects.filter(heading__contains="MIJN NIEUWE").exists()
    assert not Article.objects.filter(text__contains="MIJN NIEUWE").exists()
    assert not ProtocolVersion.objects.filter(summary__contains="MIJN NIEUWE").exists()
