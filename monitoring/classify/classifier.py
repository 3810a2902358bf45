"""The classifier: build once per context, then `classify` many posts."""

from . import lexicon as lx
from .context import CATEGORIES, Classification, Context, FlagResult
from .learned import LearnedLayer
from .register import RegisterFinder
from .rules import (
    INSULT,
    NEG,
    PATTERNS,
    POS,
    RULE_VERSION,
    SARCASM_TERM,
    Evidence,
    _longest,
    combine,
    emoji_evidence,
    insult_evidence,
    polarity_evidence,
    praise_of_pupil_only,
    privacy_evidence,
    resolved,
    sarcasm,
    silent_school_evidence,
    verify_evidence,
)
from .schools import SchoolFinder, SchoolHits
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
        silent_school_evidence(post, school_words, ev)
        disease = insult_evidence(post, matches, ev, school_words)
        emoji_evidence(post, ev, _school_word_count(post, school_terms))
        privacy_evidence(post, matches, pupils, ev, disease)
        verify_evidence(post, matches, pupils, ev, school_sentences)
        resolved(post, matches, ev)
        if post.mostly_upper and len(post.words) >= 6 and ev.score(NEG) > 0:
            ev.add(NEG, "capitals", 0.15)
        sarcastic = sarcasm(post, matches, positives, ev)
        of_pupils = praise_of_pupil_only(post, positives, pupils)
        if of_pupils or ev.score(INSULT) >= 0.7:
            ev.terms.pop(POS, None)
        elif sarcastic:
            _drop_winked_praise(post, hits, ev)
        flags = tuple(
            FlagResult(category, score, self._redact(ev.matched(category)))
            for category in CATEGORIES
            if (score := ev.score(category)) >= lx.THRESHOLD
        )
        per_school = _per_school(post, hits, ev, flags) if len(schools) > 1 else {}
        version = RULE_VERSION
        if self.learned is not None:
            rules_only = flags
            # praise the rules read as of pupils only is no praise the layer may add back
            flags = self._add_learned(
                text,
                flags,
                frozenset(" ".join(school_terms).split()),
                skip=frozenset({POS}) if of_pupils else frozenset(),
            )
            learned = tuple(f for f in flags if f not in rules_only)
            per_school = {code: _merged(own, learned) for code, own in per_school.items()}
            version = f"{RULE_VERSION}+learned-{self.learned.version}"
        school_flags = tuple(
            (code, tuple(self._redacted_flag(f) for f in own)) for code, own in per_school.items()
        )
        return Classification(schools, flags, version, self._redact(school_terms), school_flags)

    def _redacted_flag(self, flag: FlagResult) -> FlagResult:
        return FlagResult(flag.category, flag.score, self._redact(flag.matched))

    def _add_learned(
        self,
        text: str,
        flags: tuple[FlagResult, ...],
        school_words: frozenset[str],
        skip: frozenset[str] = frozenset(),
    ) -> tuple[FlagResult, ...]:
        """Flags the rules missed but the learned layer finds, in CATEGORIES order; matched
        terms are "learned:v<version>" and the words that weighed most. Only called with a
        learned layer."""
        learned = self.learned
        assert learned is not None
        have = {f.category for f in flags} | skip
        extra = {
            category: FlagResult(
                category,
                round(probability, 3),
                (
                    f"{LEARNED_PREFIX}v{learned.version}",
                    *self._redact(tuple(w for w in words if school_words.isdisjoint(w.split()))),
                ),
            )
            for category, probability, words in learned.predict(text, self._name_words, skip=have)
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


def _drop_winked_praise(post: Prepared, hits: SchoolHits, ev: Evidence) -> None:
    """Sarcasm takes the praise back. In a post naming several schools, only the praise of
    a school with a complaint of its own: "vlindertuin super geregeld, zwanenhof weer eens
    niks laten weten 🙄" winks at the Zwanenhof; the Vlindertuin's praise stays."""
    if len(hits.schools) < 2:
        ev.terms.pop(POS, None)
        return
    owners, every = _clause_owners(post, hits), frozenset(hits.schools)
    complained = {
        code
        for term, weight in ev.terms.get(NEG, ())
        if weight > 0 and None not in ev.where[(NEG, term)]
        for code in _term_owners(post, NEG, term, ev, owners, every)
    }
    kept = [
        (term, weight)
        for term, weight in ev.terms.get(POS, ())
        if complained.isdisjoint(_term_owners(post, POS, term, ev, owners, every))
    ]
    if not complained or not kept:
        ev.terms.pop(POS, None)
        return
    ev.terms[POS] = kept
    # the wink itself is at the schools complained about, no longer at every school
    ev.where[(NEG, SARCASM_TERM)] = {
        i for term, _w in ev.terms[NEG] for i in ev.where[(NEG, term)] if i is not None
    }


def _per_school(
    post: Prepared, hits: SchoolHits, ev: Evidence, flags: tuple[FlagResult, ...]
) -> dict[str, tuple[FlagResult, ...]]:
    """Each school's flags in a post naming several: a flag's terms belong to the schools
    named in their clause, else in their sentence, else to every school named (a pupil of
    the register to the pupil's school). A school gets the flag when its own terms reach
    the threshold; when no school's do, every school gets the post's flag."""
    owners = _clause_owners(post, hits)
    every = frozenset(hits.schools)
    own: dict[str, list[FlagResult]] = {code: [] for code in hits.schools}
    for flag in flags:
        items = [(t, w) for t, w in ev.terms.get(flag.category, ()) if w > 0]
        taken = []
        for code in hits.schools:
            mine = [
                (t, w)
                for t, w in items
                if code in _term_owners(post, flag.category, t, ev, owners, every)
            ]
            score = combine(w for _t, w in mine)
            if score >= lx.THRESHOLD:
                matched = tuple(dict.fromkeys(t for t, _w in mine))
                own[code].append(FlagResult(flag.category, score, matched))
                taken.append(code)
        if not taken:  # no school's own words say it: the whole post does
            for code in hits.schools:
                own[code].append(flag)
    return {code: tuple(flags) for code, flags in own.items()}


def _clause_owners(post: Prepared, hits: SchoolHits) -> dict[int, frozenset[str]]:
    """Token index -> the schools named in its clause, else in its sentence, else in the last
    sentence before it that names one ("De Vlindertuin? Top!"), else all named. A clause
    of names only ("De Vlindertuin, Het Zwanenhof en De Esdoorn gaan dicht") lends its
    schools to the clause after it in the sentence."""
    clauses, sentences, words = _name_clauses(post, hits), post.sentences, post.words
    in_clause: dict[int, set[str]] = {}
    in_sentence: dict[int, set[str]] = {}
    naming: set[int] = set()
    for code, indexes in hits.positions.items():
        naming.update(indexes)
        for i in indexes:
            in_clause.setdefault(clauses[i], set()).add(code)
            in_sentence.setdefault(sentences[i], set()).add(code)
    names_only = set(in_clause)
    for i, clause in enumerate(clauses):
        if i not in naming and words[i] not in _LIST_WORDS:
            names_only.discard(clause)
    topic: frozenset[str] = frozenset(hits.schools)  # before any name: the whole post
    owners: dict[int, frozenset[str]] = {}
    listed: set[str] = set()  # schools of the name-only clauses just before
    for i, clause in enumerate(clauses):
        if sentences[i] in in_sentence:
            topic = frozenset(in_sentence[sentences[i]])
        if clause in owners:
            continue
        if i and sentences[i - 1] != sentences[i]:
            listed = set()
        own = in_clause.get(clause, set()) | listed
        owners[clause] = frozenset(own or topic)
        listed = listed | in_clause[clause] if clause in names_only else set()
    return {i: owners[clause] for i, clause in enumerate(clauses)}


def _name_clauses(post: Prepared, hits: SchoolHits) -> list[int]:
    """The post's clauses, also split where another school's name follows a word that is
    no name or list word: "vlindertuin top zwanenhof slecht" is two ("De Vlindertuin en
    Het Zwanenhof", "zowel bij De Vlindertuin als bij Het Zwanenhof" stay one)."""
    school_at = {i: code for code, indexes in hits.positions.items() for i in indexes}
    clauses, words, out, shift = post.clauses, post.words, [], 0
    named: set[str] = set()  # schools named so far in the clause
    for i, clause in enumerate(clauses):
        if i and clause != clauses[i - 1]:
            named = set()
        code = school_at.get(i)
        if code is not None:
            if named - {code} and not _listed(words, school_at, i):
                shift += 1
                named = set()
            named.add(code)
        out.append(clause + shift)
    return out


def _listed(words: list[str], school_at: dict[int, str], index: int) -> bool:
    """The word before a name (articles and school-type words aside) is a name or a list
    word: "en", "of", "als", "bij"."""
    k = index - 1
    while k >= 0 and (words[k] in lx.NAME_ARTICLES or words[k] in lx.SCHOOL_TYPE_WORDS):
        k -= 1
    return k < 0 or k in school_at or words[k] in _LIST_WORDS


# Words a list of school names may hold besides the names: "zowel De Vlindertuin als ..."
_LIST_WORDS = lx.NAME_ARTICLES | lx.SCHOOL_TYPE_WORDS | {
    "en", "of", "and", "or", "zowel", "als", "ook", "bij", "op", "van", "over", "naar",
}  # fmt: skip


def _term_owners(
    post: Prepared,
    category: str,
    term: str,
    ev: Evidence,
    owners: dict[int, frozenset[str]],
    every: frozenset[str],
) -> frozenset[str]:
    """The schools a term speaks of: its clauses' schools (a term read in no clause, as a
    photo of children, speaks of every school named)."""
    if term.startswith("register:pupil:") and term.split(":")[2] in every:
        return frozenset({term.split(":")[2]})  # the named pupil's school
    found: set[str] = set()
    for index in ev.where.get((category, term), {None}):
        if index is None:
            return every
        found |= owners.get(index, every)
    return frozenset(found)


def _merged(own: tuple[FlagResult, ...], learned: tuple[FlagResult, ...]) -> tuple[FlagResult, ...]:
    by_category = {f.category: f for f in own} | {f.category: f for f in learned}
    return tuple(by_category[c] for c in CATEGORIES if c in by_category)
