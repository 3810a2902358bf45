"""The category rules. Each collects evidence (term, weight) and scores it as a noisy-or.

A post that mentions no school gets no category at all (LABELS.md): the classifier checks
schools first and only then runs these rules.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import product

from . import lexicon as lx
from .patterns import Entry, Match, PatternSet
from .register import PupilHit
from .text import Prepared, squeeze

RULE_VERSION = "2026.12.9"

NEG, POS, INSULT, VERIFY, SENSITIVE, SARCASM, SARCASM_HINT, RESOLVED, EVENT_DATE = (
    "negative_experience",
    "positive",
    "insult",
    "verify_fact",
    "sensitive",
    "sarcasm",
    "sarcasm_hint",
    "resolved",
    "event_date",
)


# The matched term of a wink read as sarcasm ("super geregeld weer", "🙄" with praise)
SARCASM_TERM = "sarcasm"


def _entries(kind: str, table) -> list[Entry]:
    """One Entry per comma-separated pattern of each (patterns, weight) line."""
    return [
        Entry(pattern.strip(), weight, kind)
        for patterns, weight in table
        for pattern in patterns.split(",")
        if pattern.strip()
    ]


PATTERNS = PatternSet(
    _entries(NEG, lx.NEGATIVE)
    + _entries(POS, lx.POSITIVE)
    # not praise alone, but a complaint once negated ("niet oke", "niet veilig")
    + _entries(POS, [("|".join(lx.NEGATED_ONLY_POSITIVE), 0.0)])
    + _entries(SARCASM, lx.SARCASM)
    + _entries(SARCASM_HINT, lx.SARCASM_HINTS)
    + _entries(INSULT, lx.INSULT_PHRASES)
    + _entries(SENSITIVE, lx.SENSITIVE)
    + _entries(VERIFY, lx.VERIFY)
    + _entries(RESOLVED, lx.RESOLVED)
    + _entries(EVENT_DATE, lx.EVENT_DATES)
)
# A school's name among the words, for SCHOOL_SILENCE ("<school> ~ zegt ~ niks")
SCHOOL_NAME_WORD = "<school>"
_SILENCE = PatternSet(_entries(NEG, lx.SCHOOL_SILENCE))
_SILENCE_WORDS = frozenset({"niks", "niets"})  # every SCHOOL_SILENCE pattern ends in one
_SQ_INSULTS = {squeeze(w): (w, s) for w, s in lx.INSULT_WORDS.items()}
_SQ_SWEARS = {squeeze(w): (w, s) for w, s in lx.SWEAR_WORDS.items()}
_SQ_PREFIXES = re.compile(
    "|".join(sorted({squeeze(p) for p in lx.CURSE_PREFIXES}, key=len, reverse=True))
)
# First three letters of anything the insult rules look up: most words are skipped at once.
_SQ_STARTS = frozenset(
    w[:3] for w in (*_SQ_INSULTS, *_SQ_SWEARS, *(squeeze(p) for p in lx.CURSE_PREFIXES))
)
# Swear words that take the school as their object: "F*ck De Esdoorn".
_SQ_OBJECT_SWEARS = frozenset({"fuck", "fck"})
_SQ_PERSON = frozenset(squeeze(w) for w in lx.PERSON_HEADS)
_SQ_PRAISE = frozenset(squeeze(w) for w in lx.PRAISE_HEADS)
_VOWELS = "aeiou"
_FLIP_WEIGHT = 0.5
_INTENSIFY = 1.3


def combine(weights) -> float:
    score = 1.0
    for weight in weights:
        score *= 1.0 - min(max(weight, 0.0), 1.0)
    return round(1.0 - score, 3)


@dataclass
class Evidence:
    terms: dict[str, list[tuple[str, float]]] = field(default_factory=lambda: defaultdict(list))
    # (category, term) -> the tokens it was read at; None: no place (a photo, shouting)
    where: dict[tuple[str, str], set[int | None]] = field(default_factory=lambda: defaultdict(set))

    def add(self, category: str, term: str, weight: float, at: int | None = None) -> None:
        self.terms[category].append((term, min(weight, 0.95)))
        self.where[(category, term)].add(at)

    def score(self, category: str) -> float:
        return combine(w for _t, w in self.terms.get(category, ()))

    def matched(self, category: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t, w in self.terms.get(category, ()) if w > 0))


def _span_text(post: Prepared, match: Match) -> str:
    if any(item in ("~", "~~") for item in match.entry.pattern.split()):
        return f"{post.words[match.start]} … {post.words[match.end - 1]}"
    return " ".join(post.words[match.start : match.end])


def _longest(matches: list[Match]) -> list[Match]:
    """Drop a match inside a longer one of the same kind: 'prima' in 'prima geregeld'."""
    kept: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if not any(
            k.entry.kind == m.entry.kind and k.start <= m.start and m.end <= k.end for k in kept
        ):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _negator_before(post: Prepared, index: int, polar: frozenset[int] = frozenset()) -> str | None:
    """The negation of the term at `index`, up to three words before it; a negation with
    another polar term in between is that term's ("niet slecht hoor, prima": prima is
    praise, not "niet prima")."""
    words, sentences = post.words, post.sentences
    for k in range(index - 1, max(-1, index - 4), -1):
        if sentences[k] != sentences[index] or words[k] in {"maar", "but"} or k in polar:
            return None
        if words[k] in lx.NEGATORS:
            return words[k]
    return None


def _intensified(post: Prepared, index: int) -> bool:
    words, sentences = post.words, post.sentences
    return any(
        k >= 0 and sentences[k] == sentences[index] and words[k] in lx.INTENSIFIERS
        for k in (index - 1, index - 2)
    )


def polarity_evidence(post: Prepared, matches: list[Match], ev: Evidence) -> list[Match]:
    """Negative and positive terms, with negation and intensifiers; returns positive ones."""
    positives: list[Match] = []
    polar = frozenset(
        i for m in matches if m.entry.kind in (NEG, POS) for i in range(m.start, m.end)
    )
    for m in matches:
        kind = m.entry.kind
        if kind not in (NEG, POS):
            continue
        first = post.words[m.start]
        if kind == NEG and _nothing_but_praise(post, m):
            continue
        term = _span_text(post, m)
        weight = m.entry.weight * (_INTENSIFY if _intensified(post, m.start) else 1.0)
        negatable = first in lx.NEGATABLE_POSITIVE or first in lx.NEGATABLE_NEGATIVE
        negator = _negator_before(post, m.start, polar) if negatable else None
        if negator:
            flipped = POS if kind == NEG else NEG
            if kind == NEG:
                weight = lx.NEGATABLE_NEGATIVE.get(first, _FLIP_WEIGHT)
            else:
                weight = lx.NEGATED_ONLY_POSITIVE.get(first, _FLIP_WEIGHT)
            if _intensified(post, m.start) or negator in lx.STRONG_NEGATORS:
                weight *= _INTENSIFY  # "geen enkel probleem", "allesbehalve goed"
            ev.add(flipped, f"{negator} {term}", weight, m.start)
            continue
        ev.add(kind, term, weight, m.start)
        if kind == POS and weight > 0:
            positives.append(m)
    return positives


def silent_school_evidence(post: Prepared, school_words: frozenset[int], ev: Evidence) -> None:
    """'Zwanenhof zegt niks': the school's own name as who says nothing (the lexicon's
    'zegt niks' needs a person or 'school' before it: 'een cijfer zegt niks')."""
    if post.word_set.isdisjoint(_SILENCE_WORDS):
        return
    named = [SCHOOL_NAME_WORD if i in school_words else w for i, w in enumerate(post.words)]
    for m in _SILENCE.find(named, post.sentences):
        if not _nothing_but_praise(post, m):
            ev.add(NEG, _span_text(post, m), m.entry.weight, m.start)


def _nothing_but_praise(post: Prepared, m: Match) -> bool:
    """'ik hoor niks dan lof', 'niks mis mee', 'zegt niks verkeerds': "niks" here is no
    complaint."""
    words = post.words
    return (
        words[m.end - 1] in ("niks", "niets")
        and m.end < len(words)
        and words[m.end]
        in ("dan", "mis", "op", "aan", "verkeerds", "slechts", "onaardigs", "lelijks")
    )


def emoji_evidence(post: Prepared, ev: Evidence, school_words: int) -> None:
    raw = post.folded
    positive = [e for e in lx.POSITIVE_EMOJI if e in raw]
    negative = [e for e in lx.NEGATIVE_EMOJI if e in raw]
    words = [w for w in post.words if w[:1] not in "#@" and not w.startswith("http")]
    emoji_only = len(words) - school_words <= 2
    for e in positive:
        _add_emoji(post, ev, POS, e, 0.6 if emoji_only else 0.3)
    for e in negative:
        _add_emoji(post, ev, NEG, e, 0.3)
    for e, weight in lx.INSULT_EMOJI.items():
        if e in raw:
            _add_emoji(post, ev, INSULT, e, weight)


def _add_emoji(post: Prepared, ev: Evidence, category: str, emoji: str, weight: float) -> None:
    """One term per emoji, read after each word it follows."""
    raw = post.folded
    start = raw.find(emoji)
    ev.add(category, emoji, weight, post.token_before(start))
    while (start := raw.find(emoji, start + 1)) != -1:
        ev.where[(category, emoji)].add(post.token_before(start))


def _star_forms(word: str) -> list[str]:
    """'f*cking' -> fucking, facking, ...: a masked letter can be any vowel."""
    stars = word.count("*")
    if not stars:
        return [word]
    if stars > 3 or stars == len(word):
        return [word.replace("*", "")]
    forms = []
    for fill in product(_VOWELS, repeat=stars):
        it = iter(fill)
        forms.append(squeeze("".join(next(it) if c == "*" else c for c in word)))
    return forms


def insult_evidence(
    post: Prepared, matches: list[Match], ev: Evidence, school_words: frozenset[int]
) -> set[int]:
    """Abuse, curse compounds aimed at people, threats; returns tokens read as the disease."""
    disease: set[int] = set()
    words = post.words
    for m in matches:
        if m.entry.kind == INSULT:
            ev.add(INSULT, _span_text(post, m), m.entry.weight, m.start)
    for word, i, end in post.insult_words:
        for form in _star_forms(word) if "*" in word else (word,):
            if form[:3] not in _SQ_STARTS:
                continue
            if form in _SQ_INSULTS:
                term, weight = _SQ_INSULTS[form]
                if _denied(words, i):
                    break  # "ze is geen idioot"
                if i and words[i - 1] in lx.INSULT_MODIFIERS:
                    weight += 0.1
                ev.add(INSULT, words[i] if end == i + 1 else term, weight, i)
                break
            if form in _SQ_SWEARS:
                if _is_disease(post, i, form):
                    disease.add(i)
                    break
                term, weight = _SQ_SWEARS[form]
                nxt = _next_word(post, end - 1)
                if nxt and (nxt in _SQ_PRAISE):
                    ev.add(POS, f"{term} {words[end]}", 0.5, i)  # "fucking goed": praise
                elif _aimed(post, i, nxt) or (form in _SQ_OBJECT_SWEARS and end in school_words):
                    ev.add(INSULT, term, weight, i)
                break
            prefix = _SQ_PREFIXES.match(form)
            if prefix and len(form) - prefix.end() >= 2:
                head = form[prefix.end() :]
                term = words[i] if end == i + 1 else form
                if _is_person(head) or head in _SQ_INSULTS:
                    ev.add(INSULT, term, 0.9, i)
                elif head in _SQ_PRAISE:
                    ev.add(POS, term, 0.5, i)  # "teringgezellig": an intensifier of praise
                break
    return disease


def _denied(words: list[str], i: int) -> bool:
    """'geen idioot', 'geen complete idioot' (a plain denial right before the word)."""
    before = words[max(0, i - 2) : i]
    if before[-1:] == ["geen"]:
        return True
    return len(before) == 2 and before[0] == "geen" and before[1] in lx.INSULT_MODIFIERS


def _next_word(post: Prepared, i: int) -> str | None:
    if i + 1 < len(post.words) and post.sentences[i + 1] == post.sentences[i]:
        return squeeze(post.words[i + 1])
    return None


def _is_person(head: str) -> bool:
    return any(h in _SQ_PERSON for h in (head, head[:-2], head[:-1]) if h)


def _aimed(post: Prepared, i: int, nxt: str | None) -> bool:
    """A curse is aimed when it qualifies a person or the school, or follows "die"/"wat"
    ("die kut Bram", "wat een shit school"); "Shit, vergeten!" is not aimed."""
    if nxt and (_is_person(nxt) or nxt in _SQ_INSULTS):
        return True
    return bool(i) and post.words[i - 1] in {"die", "dat", "wat", "jij", "je", "vuile", "stomme"}


def _is_disease(post: Prepared, i: int, form: str) -> bool:
    if form not in ("kanker", "kenker"):
        return False
    words, sentences = post.words, post.sentences
    lo, hi = max(0, i - 3), min(len(words), i + 4)
    return any(
        words[k] in lx.DISEASE_CONTEXT and sentences[k] == sentences[i]
        for k in range(lo, hi)
        if k != i
    )


def privacy_evidence(
    post: Prepared, matches: list[Match], pupils: list[PupilHit], ev: Evidence, disease: set[int]
) -> None:
    for hit in pupils:
        weight = 0.9 if hit.full_name else 0.75
        ev.add("privacy", f"register:pupil:{hit.school}", weight, hit.index)
    _media_evidence(post, pupils, ev)
    words = post.words
    for m in matches:
        if m.entry.kind != SENSITIVE:
            continue
        if words[m.start] in ("kanker", "kenker") and m.start not in disease:
            continue  # the curse, not the disease
        if _about_someone_else(post, m, {h.index for h in pupils}):
            ev.add("privacy", _span_text(post, m), m.entry.weight, m.start)


def _about_someone_else(post: Prepared, m: Match, pupil_tokens: set[int]) -> bool:
    """Whose detail is it? The nearest person before it (else after it) in the sentence:
    staff or a named pupil -> someone else; "ik", "mijn", "onze" -> the writer's own."""
    words, sentences = post.words, post.sentences
    sentence = sentences[m.start]
    before = range(m.start - 1, -1, -1)
    after = range(m.end, len(words))
    for indexes in (before, after):
        for k in indexes:
            if sentences[k] != sentence:
                break
            if words[k] in lx.STAFF_TITLES or k in pupil_tokens:
                return True
            if words[k] in lx.FIRST_PERSON:
                return False
    in_sentence = {w for w, s in zip(words, sentences, strict=True) if s == sentence}
    return bool(in_sentence & lx.THIRD_PARTY_SUBJECTS)


def _media_evidence(post: Prepared, pupils: list[PupilHit], ev: Evidence) -> None:
    words, sentences = post.words, post.sentences
    media_sentences = {s for w, s in zip(words, sentences, strict=True) if w in lx.MEDIA_WORDS}
    raw = post.folded
    for e in lx.MEDIA_EMOJI:
        start = raw.find(e)
        if start != -1:
            media_sentences.add(post.sentence_at(start))
    children = {s for w, s in zip(words, sentences, strict=True) if w in lx.CHILDREN_WORDS}
    named = bool(pupils)
    if post.has_media:
        if media_sentences & children:
            ev.add("privacy", "media:children", 0.75)
        elif children and not media_sentences:
            ev.add("privacy", "media:children", 0.5)
        elif named:
            ev.add("privacy", "media:pupil", 0.6)
    elif post.urls and media_sentences and (children or named):
        ev.add("privacy", "link:media", 0.6)


def verify_evidence(
    post: Prepared,
    matches: list[Match],
    pupils: list[PupilHit],
    ev: Evidence,
    school_sentences: frozenset[int],
) -> None:
    words, sentences = post.words, post.sentences
    pupil_sentences = {sentences[h.index] for h in pupils}
    for m in matches:
        if m.entry.kind == EVENT_DATE and sentences[m.start] not in post.questions:
            ev.add(VERIFY, _span_text(post, m), m.entry.weight, m.start)
        if m.entry.kind != VERIFY:
            continue
        if words[m.start] in lx.VERIFY_SCHOOL_GUARDED:
            sentence = sentences[m.start]
            things = {w for w, s in zip(words, sentences, strict=True) if s == sentence}
            if sentence not in school_sentences and "school" not in things:
                continue  # "de deur is dicht": closing, but not the school
            if things & lx.FACILITIES:
                continue  # the gym is closed: a fact inside a complaint
            wish = words[max(0, m.start - 3) : m.start]
            if lx.VERIFY_WISH_WORDS.intersection(wish):
                continue  # "kan beter gesloten worden": an opinion
        if words[m.end - 1] == "naam" and _named_thing_is_not_the_school(words, m.end):
            continue  # "een nieuwe naam voor de schoolkrant"
        if words[m.start] in lx.VERIFY_PERSON_GUARDED:
            sentence = sentences[m.start]
            people = {w for w, s in zip(words, sentences, strict=True) if s == sentence}
            if sentence in pupil_sentences or people & lx.STAFF_TITLES or people & lx.FIRST_PERSON:
                continue  # a person moving house, not the school
        ev.add(VERIFY, _span_text(post, m), m.entry.weight, m.start)


def resolved(post: Prepared, matches: list[Match], ev: Evidence) -> None:
    """A problem reported as solved well is not a negative experience: halve its weight."""
    solved = any(m.entry.kind == RESOLVED and not _negator_before(post, m.start) for m in matches)
    if solved and NEG in ev.terms:
        ev.terms[NEG] = [(term, weight / 2) for term, weight in ev.terms[NEG]]


def _named_thing_is_not_the_school(words: list[str], after: int) -> bool:
    following = [w for w in words[after : after + 4] if w not in ("de", "het", "onze", "ons")]
    return following[:1] == ["voor"] and following[1:2] not in ([], ["school"])


def sarcasm(post: Prepared, matches: list[Match], positives: list[Match], ev: Evidence) -> bool:
    """Praise with a wink: 'Super georganiseerd weer ...' among complaints."""
    explicit = [m for m in matches if m.entry.kind == SARCASM]
    for m in explicit:
        ev.add(NEG, _span_text(post, m), m.entry.weight, m.start)
    if explicit:
        return True
    if ev.score(NEG) < 0.3:
        return False
    hints = [m for m in matches if m.entry.kind == SARCASM_HINT]
    for m in hints:
        ev.add(NEG, _span_text(post, m), m.entry.weight, m.start)
    if hints:
        return True
    words, sentences = post.words, post.sentences
    winks = any(
        k < len(words) and sentences[k] == sentences[m.start] and words[k] in lx.SARCASM_AFTER
        for m in positives
        for k in (m.end, m.end + 1)
    )
    if winks or ("🙄" in post.folded and positives):
        ev.add(NEG, SARCASM_TERM, 0.5)
        return True
    return False


def praise_of_pupil_only(post: Prepared, positives: list[Match], pupils: list[PupilHit]) -> bool:
    """Praise of a named pupil, or of how the children in a picture look ("wat zien ze er
    mooi uit" under a class photo), with no staff or school praised beside it."""
    if not pupils and not _looks_of_pictured_children(post, positives):
        return False
    sentences = {post.sentences[m.start] for m in positives} or set(post.sentences)
    targets = {w for w, s in zip(post.words, post.sentences, strict=True) if s in sentences}
    return not targets & lx.PRAISE_TARGETS


def _looks_of_pictured_children(post: Prepared, positives: list[Match]) -> bool:
    """A post with a picture of children whose every praise word is about looks."""
    if not post.has_media or post.word_set.isdisjoint(lx.CHILDREN_WORDS):
        return False
    words, sentences = post.words, post.sentences
    looking = {s for w, s in zip(words, sentences, strict=True) if w in lx.LOOKS_VERBS}
    return all(
        words[m.start] in lx.LOOKS_PRAISE or sentences[m.start] in looking for m in positives
    )
