"""Classification throughput on one core: the devset repeated to ~20,000 posts.

    python bench/classify_bench.py [--posts 20000] [--learned]

Pure Python, no database: builds the classifier from the devset context once, then
classifies every post and prints posts per second (goal: thousands). Posts per second of
CPU time is the figure to quote: wall time also counts other processes on a busy machine.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitoring.classify import Classifier, context_from_file  # noqa: E402

DEVSET = ROOT / "monitoring" / "classify" / "devset"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument(
        "--learned", action="store_true", help="with the learned layer (trained on devset)"
    )
    args = parser.parse_args()
    lines = (DEVSET / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    posts = [json.loads(line) for line in lines if line.strip()]
    batch = (posts * (args.posts // len(posts) + 1))[: args.posts]

    started = time.perf_counter()
    context = context_from_file(DEVSET / "context.json")
    layer = None
    if args.learned:
        from monitoring.classify.evaluate import train_on

        layer = train_on([DEVSET])
    classifier = Classifier(context, learned=layer)
    built = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), time.process_time()
    flagged = 0
    for post in batch:
        flagged += bool(classifier.classify(post["text"], has_media=post["has_media"]).flags)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(f"classifier built in {built * 1000:.1f} ms")
    print(f"{len(batch)} posts in {elapsed:.2f} s wall, {cpu:.2f} s CPU (one core)")
    print(f"{len(batch) / cpu:,.0f} posts/second of CPU time ({len(batch) / elapsed:,.0f} wall)")
    print(f"{flagged} posts flagged")


if __name__ == "__main__":
    main()
