import pytest

from policy import services
from policy.models import ProtocolVersion


@pytest.fixture
def v1(db) -> ProtocolVersion:
    """Version 1, loaded by the data migration from policy/seed/protocol_v1.json."""
    return ProtocolVersion.objects.get(number=1)


def publish_new_version(by, *, change: dict[str, str] | None = None) -> ProtocolVersion:
    """Draft a copy of the current version, change some articles by anchor, publish it."""
    draft = services.version_draft_start(by=by)
    for anchor, text in (change or {}).items():
        services.article_update(article=draft.articles.get(anchor=anchor), text=text)
    services.version_update_summary(version=draft, summary="Tekst aangepast.")
    return services.version_publish(version=draft, by=by)
