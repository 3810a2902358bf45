"""The learned layer: a linear model over word and character n-grams, next to the rules.

Trained (scikit-learn logistic regression, one per category) on the foundation's own
labelled posts: the development sets shipped here plus every staff mark. It only adds a
flag the rules did not raise, explained by the words that weighed most ("lijkt op eerdere
klachten"). Prediction needs no scikit-learn: a model is plain JSON (vocabulary, weights,
intercept and threshold per category), so it is stored in the database and never pickled.

Pupil names never enter the vocabulary: words of the register are masked before training
and before prediction.
"""

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import normalise

# Privacy needs the register and rules, not resemblance: the learned layer leaves it alone.
LEARNED_CATEGORIES = ("negative_experience", "insult", "verify_fact", "positive")
MASK = "_"
# Function words carry weight in a small training set but explain nothing to staff: they are
# left out of the words shown ("lijkt op eerdere klachten: ...").
NOT_SHOWN = frozenset(
    [
        "aan",
        "al",
        "als",
        "bij",
        "dat",
        "de",
        "den",
        "der",
        "des",
        "deze",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "het",
        "hij",
        "hem",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "jullie",
        "maar",
        "me",
        "met",
        "mijn",
        "na",
        "naar",
        "niet",
        "nog",
        "of",
        "om",
        "onze",
        "ons",
        "op",
        "over",
        "te",
        "tot",
        "u",
        "uit",
        "van",
        "voor",
        "was",
        "we",
        "wel",
        "werd",
        "wordt",
        "zal",
        "ze",
        "zij",
        "zijn",
        "zo",
        "zou",
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "is",
        "in",
        "on",
        "for",
        "it",
        "school",
        "juf",
        "meester",
        "kinderen",
        "kind",
        "zoon",
        "dochter",
        "groep",
    ]
)
CHAR_RANGE = (3, 5)
TOP_WORDS = 5
# Regularisation strength and decision thresholds, chosen by 5-fold cross-validation of the
# layer alone on devset + ownset, before any fresh post was written: precision ≈ 0.85-0.9
# first, recall second (the rules already catch what they know).
C = 10.0
THRESHOLD = 0.6
THRESHOLDS = {"negative_experience": 0.55, "insult": 0.6, "verify_fact": 0.6, "positive": 0.65}


@dataclass(frozen=True)
class Example:
    """One labelled post. `labels` holds only the categories someone decided on: a staff mark
    says "complaint" (or "not") for one category and nothing about the others."""

    text: str
    labels: dict[str, bool]


def features(text: str, mask: frozenset[str] = frozenset()) -> list[str]:
    """Word unigrams and bigrams ("w:") and character 3-5-grams inside words ("c:")."""
    words = [MASK if w in mask else w for w in normalise(text).split()]
    out = [f"w:{w}" for w in words]
    out += [f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        padded = f" {word} "
        for n in range(CHAR_RANGE[0], CHAR_RANGE[1] + 1):
            out += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    return out


@dataclass
class LearnedLayer:
    version: str
    vocabulary: dict[str, int]
    weights: dict[str, list[float]]
    intercepts: dict[str, float]
    thresholds: dict[str, float]
    _index: dict = field(default_factory=dict, repr=False)

    def probabilities(self, text: str, mask: frozenset[str] = frozenset()) -> dict[str, float]:
        found = self._present(text, mask)
        return {c: self._probability(c, found) for c in self.weights}

    def predict(
        self, text: str, mask: frozenset[str] = frozenset(), skip: Iterable[str] = ()
    ) -> list[tuple[str, float, tuple[str, ...]]]:
        """(category, probability, top words) for each category over its threshold."""
        found = self._present(text, mask)
        out = []
        for category in self.weights:
            if category in skip:
                continue
            probability = self._probability(category, found)
            if probability >= self.thresholds.get(category, THRESHOLD):
                out.append((category, probability, self._top_words(category, found)))
        return out

    def _present(self, text: str, mask: frozenset[str]) -> list[int]:
        return sorted({self.vocabulary[f] for f in features(text, mask) if f in self.vocabulary})

    def _probability(self, category: str, found: list[int]) -> float:
        weights = self.weights[category]
        norm = math.sqrt(len(found)) or 1.0
        z = self.intercepts[category] + sum(weights[i] for i in found) / norm
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def _top_words(self, category: str, found: list[int]) -> tuple[str, ...]:
        if not self._index:
            self._index.update({i: f for f, i in self.vocabulary.items()})
        weights = self.weights[category]
        words = [
            (weights[i], self._index[i][2:])
            for i in found
            if self._index[i].startswith("w:") and weights[i] > 0 and _shown(self._index[i][2:])
        ]
        return tuple(w for _weight, w in sorted(words, reverse=True)[:TOP_WORDS])

    def to_dict(self) -> dict:
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "version": self.version,
            "vocabulary": vocabulary,
            "weights": {c: [round(w, 5) for w in ws] for c, ws in self.weights.items()},
            "intercepts": self.intercepts,
            "thresholds": self.thresholds,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "LearnedLayer":
        return cls(
            version=str(data["version"]),
            vocabulary={f: i for i, f in enumerate(data["vocabulary"])},
            weights={c: list(ws) for c, ws in data["weights"].items()},
            intercepts={c: float(v) for c, v in data["intercepts"].items()},
            thresholds={c: float(v) for c, v in data["thresholds"].items()},
        )


def _shown(phrase: str) -> bool:
    words = phrase.split()
    return MASK not in words and not all(w in NOT_SHOWN or len(w) < 3 for w in words)


def train(
    examples: list[Example], *, version: str = "0", mask: frozenset[str] = frozenset()
) -> LearnedLayer:
    """Fit one logistic regression per category on the examples labelled for it."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    vectorizer = CountVectorizer(analyzer=lambda text: features(text, mask), binary=True)
    matrix = normalize(vectorizer.fit_transform([e.text for e in examples]))
    vocabulary = {f: int(i) for f, i in vectorizer.vocabulary_.items()}
    weights, intercepts = {}, {}
    for category in LEARNED_CATEGORIES:
        rows = [i for i, e in enumerate(examples) if category in e.labels]
        targets = [examples[i].labels[category] for i in rows]
        if len(set(targets)) < 2:
            continue  # nothing to learn from one kind of example
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
        model.fit(matrix[rows], targets)
        weights[category] = [float(w) for w in model.coef_[0]]
        intercepts[category] = float(model.intercept_[0])
    thresholds = {c: THRESHOLDS.get(c, THRESHOLD) for c in weights}
    return LearnedLayer(version, vocabulary, weights, intercepts, thresholds)


def examples_from_labelled(posts: Iterable[dict]) -> list[Example]:
    """Development-set lines (with "expected") as examples labelled for every category."""
    out = []
    for post in posts:
        expected = post["expected"]
        if not expected["schools"]:
            continue  # "no school, no categories" says nothing about the category itself
        wanted = set(expected["categories"])
        out.append(Example(post["text"], {c: c in wanted for c in LEARNED_CATEGORIES}))
    return out


def digest(examples: list[Example]) -> str:
    """Stable fingerprint of a training set: retraining on the same data is skipped."""
    blob = json.dumps([[e.text, sorted(e.labels.items())] for e in examples], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def cross_validate(
    examples: list[Example], *, folds: int = 5, mask: frozenset[str] = frozenset()
) -> dict[str, dict[str, float]]:
    """Precision/recall/F1 per category of the learned layer alone, on held-out folds."""
    counts = {c: [0, 0, 0] for c in LEARNED_CATEGORIES}
    for fold in range(folds):
        test = examples[fold::folds]
        trainset = [e for i, e in enumerate(examples) if i % folds != fold]
        layer = train(trainset, mask=mask)
        for example in test:
            got = {c for c, _p, _w in layer.predict(example.text, mask)}
            for category, wanted in example.labels.items():
                if category not in counts:
                    continue
                hit = category in got
                cell = counts[category]
                cell[0] += wanted and hit
                cell[1] += hit and not wanted
                cell[2] += wanted and not hit
    return {c: _scores(*cell) for c, cell in counts.items()}


def _scores(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }
