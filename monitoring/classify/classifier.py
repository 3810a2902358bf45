"""The classifier: build once per context, then `classify` many posts."""

from . import lexicon as lx
from .context import CATEGORIES, Classification, Context, FlagResult
from .learned import LearnedLayer
from .rules import (
    INSULT,
    NEG,
    PATTERNS,
    POS,
    RULE_VERSION,
    Evidence,
    _longest,
    emoji_evidence,
    insult_evidence,
    polarity_evidence,
    praise_of_pupil_only,
    privacy_evidence,
    resolved,
    sarcasm,
    verify_evidence,
)
from .schools import RegisterFinder, SchoolFinder
from .text import Prepared

_REDACTED = "…"
LEARNED_PREFIX = "learned:"  # same as monitoring.models.LEARNED_PREFIX (no Django here)


class Classifier:
    """Explainable rules over one post's text; no I/O, no logging (names stay in memory)."""

    def __init__(self, context: Context, learned: LearnedLayer | None = None) -> None:
        self._schools = SchoolFinder(context)
        self._register = RegisterFinder(context.pupils)
        self._name_words = frozenset(self._register.name_words)
        self.learned = learned

    def classify(self, text: str, *, has_media: bool = False) -> Classification:
        post = Prepared(text or "", bool(has_media))
        hits = self._schools.find(post)
        schools, school_terms, school_words = hits.schools, hits.terms, hits.words
        school_sentences = frozenset(post.sentences[i] for i in school_words)
        if not schools:  # no school, no categories (LABELS.md)
            return Classification((), (), RULE_VERSION)
        pupils = self._register.find(post, schools)
        matches = _longest(PATTERNS.find(post.words, post.sentences))
        ev = Evidence()
        positives = polarity_evidence(post, matches, ev)
        disease = insult_evidence(post, matches, ev, school_words)
        emoji_evidence(post, ev, _school_word_count(post, school_terms))
        privacy_evidence(post, matches, pupils, ev, disease)
        verify_evidence(post, matches, pupils, ev, school_sentences)
        resolved(post, matches, ev)
        if post.mostly_upper and len(post.words) >= 6 and ev.score(NEG) > 0:
            ev.add(NEG, "capitals", 0.15)
        if (
            sarcasm(post, matches, positives, ev)
            or praise_of_pupil_only(post, positives, pupils)
            or ev.score(INSULT) >= 0.7
        ):
            ev.terms.pop(POS, None)
        flags = tuple(
            FlagResult(category, score, self._redact(ev.matched(category)))
            for category in CATEGORIES
            if (score := ev.score(category)) >= lx.THRESHOLD
        )
        version = RULE_VERSION
        if self.learned is not None:
            flags = self._add_learned(text, flags, frozenset(" ".join(school_terms).split()))
            version = f"{RULE_VERSION}+learned-{self.learned.version}"
        return Classification(schools, flags, version, self._redact(school_terms))

    def _add_learned(
        self, text: str, flags: tuple[FlagResult, ...], school_words: frozenset[str]
    ) -> tuple[FlagResult, ...]:
        """Flags the rules missed but the learned layer finds, in CATEGORIES order; matched
        terms are "learned:v<version>" and the words that weighed most."""
        have = {f.category for f in flags}
        extra = {
            category: FlagResult(
                category,
                round(probability, 3),
                (
                    f"{LEARNED_PREFIX}v{self.learned.version}",
                    *self._redact(tuple(w for w in words if school_words.isdisjoint(w.split()))),
                ),
            )
            for category, probability, words in self.learned.predict(
                text, self._name_words, skip=have
            )
        }
        merged = {f.category: f for f in flags} | extra
        return tuple(merged[c] for c in CATEGORIES if c in merged)

    def _redact(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        """Matched terms never carry a register name, even an ordinary word like 'roos'."""
        if not self._name_words:
            return terms
        out = []
        for term in terms:
            if term.startswith("register:"):
                out.append(term)
                continue
            words = term.split(" ")
            if any(w in self._name_words for w in words):
                term = " ".join(_REDACTED if w in self._name_words else w for w in words)
            out.append(term)
        return tuple(dict.fromkeys(out))


def _school_word_count(post: Prepared, school_terms: tuple[str, ...]) -> int:
    school_words = set(" ".join(school_terms).split()) | lx.NAME_ARTICLES | lx.SCHOOL_TYPE_WORDS
    return sum(1 for w in post.words if w in school_words and w[:1] not in "#@")
