"""Demo data: sample feeds shipped with the portal, run through the real pipeline.

`load()` adds one source per sample file and ingests the file's posts with the same parser
(`monitoring.sources.feeds.parse_feed`, `mastodon.parse_status`) and the same service
(`services.source_ingest`: store idempotently, classify, flag, open cases) that a fetch
uses. Only the HTTP step is skipped: the demo feeds live on fictional hosts, so the demo
sources are created paused and the beat never polls them. Running it twice changes nothing.

So that reports show a trend on first run, each sample file is ingested as if fetched some
days ago, and the oldest case has had its conversation and is closed.
"""

import datetime
import json
from pathlib import Path

from django.utils import timezone

from monitoring import services
from monitoring.models import FollowUp, Source
from monitoring.sources import feeds, mastodon
from monitoring.sources.base import FetchResult
from schools.models import School

DEMO_DIR = Path(__file__).parent

DEMO_SOURCES = [
    {
        "file": "buurtnieuws.rss",
        "kind": Source.Kind.RSS,
        "name": "Buurtnieuws Borger-Odoorn (demo)",
        "url": "https://buurtnieuws.demo.example/feed.rss",
        "school": None,
        "days_ago": 40,
    },
    {
        "file": "dorpsblog.atom",
        "kind": Source.Kind.RSS,
        "name": "Dorpsblog Odoorn (demo)",
        "url": "https://dorpsblog.demo.example/atom.xml",
        "school": None,
        "days_ago": 33,
    },
    {
        "file": "mastodon_esdoorn.json",
        "kind": Source.Kind.MASTODON,
        "name": "#esdoorn op Mastodon (demo)",
        "url": "https://mastodon.demo.example/tags/esdoorn",
        "school": "esdoorn",
        "days_ago": 2,
    },
]


def _parse(spec: dict):
    data = (DEMO_DIR / spec["file"]).read_bytes()
    if spec["kind"] == Source.Kind.MASTODON:
        return [mastodon.parse_status(status) for status in json.loads(data)]
    return feeds.parse_feed(data)


def load() -> None:
    classifier = services.build_classifier()
    now = timezone.now()
    for spec in DEMO_SOURCES:
        school = School.objects.filter(code=spec["school"]).first() if spec["school"] else None
        source, created = Source.objects.get_or_create(
            kind=spec["kind"],
            url=spec["url"],
            defaults={"name": spec["name"], "school": school, "active": False},
        )
        if created:
            services.source_ingest(
                source=source,
                result=FetchResult(posts=_parse(spec)),
                classifier=classifier,
                now=now - datetime.timedelta(days=spec["days_ago"]),
            )
    _hold_oldest_conversation(now)


def _hold_oldest_conversation(now: datetime.datetime) -> None:
    oldest = FollowUp.objects.filter(status=FollowUp.Status.NEW).order_by("opened_at").first()
    if oldest is None or (now - oldest.opened_at).days < 30:
        return
    held = timezone.localdate(oldest.opened_at) + datetime.timedelta(days=4)
    services.followup_update(
        case=oldest,
        status=FollowUp.Status.CONVERSATION_HELD,
        held_on=held,
        notes="Demo: gesprek met de ouders gevoerd.",
    )
    services.followup_update(
        case=oldest, status=FollowUp.Status.CLOSED, notes=oldest.notes, now=now
    )
