import pytest

from policy import services
from policy.models import ProtocolVersion


@pytest.fixture
def v1(db) -> ProtocolVersion:
    """Version 1, loaded by the data migration from policy/seed/protocol_v1.json."""
    return ProtocolVersion.objects.get(number=1)


def publish_new_version(by, *, change: dict[str, str] | None = None) -> ProtocolVersion:
    """Draft a copy of the current version, change some articles by anchor (by default a
    sentence added to one: a copy unchanged is not published), publish it."""
    draft = services.version_draft_start(by=by)
    if change is None:
        change = {"leren-1": edited(draft, "leren-1")}
    for anchor, text in change.items():
        services.article_update(article=draft.articles.get(anchor=anchor), text=text)
    services.version_update_summary(version=draft, summary="Tekst aangepast.")
    return services.version_publish(version=draft, by=by)


def edited(draft: ProtocolVersion, anchor: str) -> str:
    """The text of the draft's article with a sentence added that names the draft."""
    return f"{draft.articles.get(anchor=anchor).text} Bijgewerkt in versie {draft.number}."


def edit_one_article(draft: ProtocolVersion, anchor: str = "leren-1") -> None:
    services.article_update(article=draft.articles.get(anchor=anchor), text=edited(draft, anchor))


def shown(text: str) -> dict[str, str]:
    """What an edit form (article text, heading, summary) sends of the text it showed:
    `text`, as it is stored (services.text_digest)."""
    return {"shown": services.text_digest(text)}


def publish_form(number: int, kind: str = "revision") -> dict[str, str]:
    """What the preview page's publish form sends for draft `number` as it stands now (a
    number that is no version: the kind alone)."""
    version = ProtocolVersion.objects.filter(number=number).first()
    if version is None:
        return {"kind": kind}
    return {"kind": kind, "previewed": services.version_fingerprint(version)}


def saves_to(number: int) -> dict[str, str]:
    """What a form that saves into a draft (adds a section or an article, edits an article,
    a heading or the summary) sends of the draft its page showed (forms.SavesToDraftForm):
    the id of draft `number` as it is now."""
    return {"draft": str(ProtocolVersion.objects.drafts().get(number=number).pk)}
