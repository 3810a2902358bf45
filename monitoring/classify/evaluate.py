"""Precision and recall of the classifier on a labelled development set.

    python -m monitoring.classify.evaluate [DEVSET_DIR] [--errors] [--train DIR ...]

DEVSET_DIR holds posts.jsonl (with "expected") and context.json; the default is the copy
shipped in this package. Prints one row per category and one for school detection.
With --train, a learned layer is trained on the given labelled sets first and classifies
next to the rules (never train on the set you score).
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .classifier import Classifier
from .context import CATEGORIES, context_from_file
from .learned import LearnedLayer, examples_from_labelled, train
from .register import RegisterFinder

DEVSET = Path(__file__).resolve().parent / "devset"


@dataclass(frozen=True)
class Row:
    name: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Report:
    rows: tuple[Row, ...]  # one per category, then "schools"
    errors: tuple[str, ...]  # "id: expected ..., got ..." per wrong post
    posts: int

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)

    @property
    def macro_f1(self) -> float:
        rows = [r for r in self.rows if r.name in CATEGORIES]
        return sum(r.f1 for r in rows) / len(rows)

    @property
    def micro_f1(self) -> float:
        rows = [r for r in self.rows if r.name in CATEGORIES]
        return Row("micro", *(sum(getattr(r, k) for r in rows) for k in ("tp", "fp", "fn"))).f1

    @property
    def exact(self) -> int:
        return self.posts - len(self.errors)

    def table(self) -> str:
        lines = [
            "| label | precision | recall | F1 | TP | FP | FN |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in self.rows:
            lines.append(
                f"| {r.name} | {r.precision:.2f} | {r.recall:.2f} | {r.f1:.2f}"
                f" | {r.tp} | {r.fp} | {r.fn} |"
            )
        lines.append(f"| macro F1 (categories) | | | {self.macro_f1:.2f} | | | |")
        lines.append(f"| micro F1 (categories) | | | {self.micro_f1:.2f} | | | |")
        lines.append("")
        lines.append(f"{self.exact} of {self.posts} posts fully right (schools and categories).")
        return "\n".join(lines)


def load_posts(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def train_on(devsets: list[Path], version: str = "eval") -> LearnedLayer:
    """A learned layer trained on labelled sets (register names of each set masked)."""
    examples, mask = [], set()
    for devset in devsets:
        examples += examples_from_labelled(load_posts(devset / "posts.jsonl"))
        mask |= register_words(context_from_file(devset / "context.json"))
    return train(examples, version=version, mask=frozenset(mask))


def register_words(context) -> set[str]:
    return set(RegisterFinder(context.pupils).name_words)


def evaluate(devset: Path = DEVSET, learned: LearnedLayer | None = None) -> Report:
    classifier = Classifier(context_from_file(devset / "context.json"), learned=learned)
    counts = {name: [0, 0, 0] for name in (*CATEGORIES, "schools")}
    errors = []
    posts = load_posts(devset / "posts.jsonl")
    for post in posts:
        result = classifier.classify(post["text"], has_media=bool(post.get("has_media")))
        expected = post["expected"]
        pairs = (*((c, set(expected["categories"]), set(result.categories)) for c in CATEGORIES),)
        for category, want, got in pairs:
            _count(counts[category], category in want, category in got)
        want_schools, got_schools = set(expected["schools"]), set(result.schools)
        counts["schools"][0] += len(want_schools & got_schools)
        counts["schools"][1] += len(got_schools - want_schools)
        counts["schools"][2] += len(want_schools - got_schools)
        if want_schools != got_schools or set(expected["categories"]) != set(result.categories):
            errors.append(
                f"{post['id']}: expected {sorted(want_schools)} {sorted(expected['categories'])},"
                f" got {sorted(got_schools)} {sorted(result.categories)} {list(result.matched)}"
            )
    rows = tuple(Row(name, *counts[name]) for name in counts)
    return Report(rows=rows, errors=tuple(errors), posts=len(posts))


def _count(cell: list[int], wanted: bool, got: bool) -> None:
    if wanted and got:
        cell[0] += 1
    elif got:
        cell[1] += 1
    elif wanted:
        cell[2] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", nargs="?", type=Path, default=DEVSET)
    parser.add_argument("--errors", action="store_true", help="list the posts it gets wrong")
    parser.add_argument(
        "--train", nargs="+", type=Path, default=[], help="labelled sets for the learned layer"
    )
    args = parser.parse_args(argv)
    report = evaluate(args.devset, learned=train_on(args.train) if args.train else None)
    print(report.table())
    if args.errors:
        print("\n".join(report.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
