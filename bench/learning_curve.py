"""Learning curve: how complaint recall grows as simulated staff marks are added.

    python bench/learning_curve.py [--seeds 3]

Held out: fresh batches 4 and 5 (80 posts, never trained on here). Base training set (0
marks): the development set and the own set. A simulated staff mark is one post of fresh
batches 1-3, taken in a random order, with its true answer to "is dit een klacht?" — what a
director records with "dit is een klacht" or "onterecht signaal" on the Vermeldingen list.
Prints, per number of marks, the mean over the seeds of the rules + learned layer's
negative-experience precision and recall and the micro F1 over all five categories; the
rules alone are the first line.
"""

import argparse
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitoring.classify import learned  # noqa: E402
from monitoring.classify.context import context_from_file  # noqa: E402
from monitoring.classify.evaluate import evaluate, load_posts, register_words  # noqa: E402

SETS = ROOT / "monitoring" / "classify"
FRESH = SETS / "freshset"
HELD_OUT = (FRESH / "batch4", FRESH / "batch5")
MARKS = (0, 25, 50, 100)
NEG = "negative_experience"


def score(layer) -> tuple[float, float, float]:
    """Precision and recall of negative_experience, micro F1, over the held-out batches."""
    tp = fp = fn = 0
    micro = [0, 0, 0]
    for batch in HELD_OUT:
        report = evaluate(batch, learned=layer)
        row = report.row(NEG)
        tp, fp, fn = tp + row.tp, fp + row.fp, fn + row.fn
        for r in report.rows:
            if r.name != "schools":
                micro = [micro[0] + r.tp, micro[1] + r.fp, micro[2] + r.fn]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, 2 * micro[0] / (2 * micro[0] + micro[1] + micro[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    mask = frozenset(register_words(context_from_file(SETS / "devset" / "context.json")))
    base = []
    for name in ("devset", "ownset"):
        base += learned.examples_from_labelled(load_posts(SETS / name / "posts.jsonl"))
    pool = [
        learned.Example(p["text"], {NEG: NEG in p["expected"]["categories"]})
        for batch in ("batch1", "batch2", "batch3")
        for p in load_posts(FRESH / batch / "posts.jsonl")
        if p["expected"]["schools"]
    ]
    print(f"held out: {', '.join(b.name for b in HELD_OUT)}; mark pool: {len(pool)} posts")
    print("| staff marks | complaint precision | complaint recall | micro F1 (5 categories) |")
    print("| ---: | ---: | ---: | ---: |")
    p, r, f = score(None)
    print(f"| rules only | {p:.2f} | {r:.2f} | {f:.2f} |")
    for marks in MARKS:
        runs = []
        for seed in range(args.seeds if marks else 1):
            chosen = random.Random(seed).sample(pool, marks)
            runs.append(score(learned.train(base + chosen, mask=mask)))
        p, r, f = (statistics.mean(x) for x in zip(*runs, strict=True))
        print(f"| {marks} | {p:.2f} | {r:.2f} | {f:.2f} |", flush=True)


if __name__ == "__main__":
    main()
