"""Monitoring throughput: feed parsing and the ingest pipeline (store + classify + flag).

    python bench/monitoring_pipeline.py

Runs on a throwaway SQLite database; prints items per second. Goals: parsing a feed at
2,000 items/s or more, ingesting 100 new posts/s or more (store, classify, flag, open or
join cases) on one core. A source yields tens of posts per run, so this is a wide margin.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="opo-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ["DJANGO_SETTINGS_MODULE"] = "opo_portal.settings"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from monitoring import services  # noqa: E402
from monitoring.models import Flag, Post, Source  # noqa: E402
from monitoring.sources import feeds  # noqa: E402
from monitoring.sources.base import FetchResult  # noqa: E402
from schools.models import School  # noqa: E402

PARSE_GOAL, INGEST_GOAL = 2000, 100
TEXTS = [
    "Wat een mooi schoolfeest op De Vlindertuin, echt geweldig georganiseerd!",
    "Ik hoor dat Het Zwanenhof volgend jaar sluit, klopt dat?",
    "Ouders zijn niet blij met het overblijven op De Esdoorn, veel te druk.",
    "Nieuwe speeltuin in Borger geopend aan de Hoofdstraat.",
    "Die meester van De Vlindertuin is een idioot.",
]


def rss(n: int) -> bytes:
    items = "".join(
        f"<item><title>Bericht {i}</title><guid>g{i}</guid><link>https://x.example/{i}</link>"
        f"<description>{TEXTS[i % len(TEXTS)]} ({i})</description>"
        f"<pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate></item>"
        for i in range(n)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    return f"{head}{items}</channel></rss>".encode()


def main() -> int:
    call_command("migrate", verbosity=0)
    for code, name, alias in (
        ("vlindertuin", "OBS De Vlindertuin", "De Vlindertuin"),
        ("zwanenhof", "OBS Het Zwanenhof", "Het Zwanenhof"),
        ("esdoorn", "OBS De Esdoorn", "De Esdoorn"),
    ):
        School.objects.create(code=code, name=name, aliases=[alias])
    data = rss(2000)
    start = time.perf_counter()
    posts = feeds.parse_feed(data)
    parse_rate = len(posts) / (time.perf_counter() - start)
    source = Source.objects.create(kind="rss", name="bench", url="https://bench.example/rss")
    start = time.perf_counter()
    services.source_ingest(source=source, result=FetchResult(posts=posts))
    ingest_rate = len(posts) / (time.perf_counter() - start)
    start = time.perf_counter()
    services.source_ingest(source=source, result=FetchResult(posts=posts))
    duplicate_rate = len(posts) / (time.perf_counter() - start)
    print(f"monitoring: parse {parse_rate:,.0f} items/s (goal {PARSE_GOAL:,})")
    print(
        f"monitoring: ingest {ingest_rate:,.0f} new posts/s (goal {INGEST_GOAL:,}); "
        f"{Post.objects.count()} posts, {Flag.objects.count()} flags"
    )
    print(f"monitoring: re-fetch {duplicate_rate:,.0f} duplicate posts/s")
    return 0 if parse_rate >= PARSE_GOAL and ingest_rate >= INGEST_GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
