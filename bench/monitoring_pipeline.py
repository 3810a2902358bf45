"""Monitoring throughput: feed parsing and the ingest pipeline (store + classify + flag).

    python bench/monitoring_pipeline.py

Runs on a throwaway SQLite database; prints items per CPU second of the process (and per
wall second, which depends on the machine's load), for a feed of as many items as one run
takes (MAX_POSTS_PER_RUN); the learned layer a worker builds once is timed apart. Goals:
parsing a feed at 2,000 items/s or more, ingesting 100 new posts/s or more (store,
classify, flag, open or join cases) on one core. A source yields tens of posts per run, so
this is a wide margin.
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

from monitoring import learning, services  # noqa: E402
from monitoring.models import Flag, Post, Source  # noqa: E402
from monitoring.sources import feeds  # noqa: E402
from monitoring.sources.base import MAX_POSTS_PER_RUN, FetchResult  # noqa: E402
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
    # As many items as one run takes from a feed: of a longer feed only the newest
    # MAX_POSTS_PER_RUN become posts, and a rate per post would count items never made.
    data = rss(MAX_POSTS_PER_RUN)
    parse, posts = timed(lambda: feeds.parse_feed(data))
    n = len(posts)
    # Once per worker process, not per run: the learned layer, trained on the bundled sets
    # while no model is stored (scikit-learn imported on the way); then cached.
    layer, _ = timed(learning.current_layer)
    source = Source.objects.create(kind="rss", name="bench", url="https://bench.example/rss")
    ingest, _ = timed(
        lambda: services.source_ingest(source=source, result=FetchResult(posts=posts))
    )
    duplicate, _ = timed(
        lambda: services.source_ingest(source=source, result=FetchResult(posts=posts))
    )
    # Per CPU second of this process (SQLite runs in it, so that is all the work) and per
    # wall second; the goals are on one core, so they are judged on CPU time, which hardly
    # depends on what else the machine runs.
    print(f"monitoring: parse {rates(n, parse)}; goal {PARSE_GOAL:,} items/s; {n} items")
    print(
        f"monitoring: the classifier's learned layer, once per worker process: "
        f"{layer[0]:.2f} CPU s ({layer[1]:.2f} s wall)"
    )
    print(
        f"monitoring: ingest {rates(n, ingest)}; goal {INGEST_GOAL:,} new posts/s; "
        f"{Post.objects.count()} posts, {Flag.objects.count()} flags"
    )
    print(f"monitoring: re-fetch of duplicates {rates(n, duplicate)}")
    print(f"monitoring: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if n / parse[0] >= PARSE_GOAL and n / ingest[0] >= INGEST_GOAL else 1


def timed(work) -> tuple[tuple[float, float], object]:
    """Run work(); return ((CPU seconds of this process, wall seconds), its result)."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    return (time.process_time() - cpu, time.perf_counter() - wall), result


def rates(n: int, seconds: tuple[float, float]) -> str:
    cpu, wall = seconds
    return f"{n / cpu:,.0f} per CPU second ({n / wall:,.0f} per wall second)"


if __name__ == "__main__":
    sys.exit(main())
