"""Which register pupils a post names: one Aho–Corasick automaton of full and first names,
built once per context; a first name counts only in a school context."""

from dataclasses import dataclass

from . import lexicon as lx
from .context import RegisterPupil
from .school_signs import OWN_POSSESSIVES, before_in_sentence
from .text import Prepared, normalise
from .word_automaton import WordAutomaton as Automaton

# Surname prefixes are ordinary words ("de", "van"): not redacted from matched terms.
_NAME_PARTICLES = frozenset(
    {"de", "den", "der", "van", "het", "'t", "ter", "ten", "te", "op", "in"}
)


@dataclass(frozen=True)
class PupilHit:
    index: int  # first token
    school: str
    full_name: bool


class RegisterFinder:
    """Register pupils named in a post. Names stay in memory; hits carry no name."""

    def __init__(self, pupils: tuple[RegisterPupil, ...]) -> None:
        patterns: dict[tuple[str, ...], list[tuple[str, bool]]] = {}
        self.name_words: set[str] = set()
        for pupil in pupils:
            first = normalise(pupil.first_name)
            full = normalise(f"{pupil.first_name} {pupil.last_name}")
            if not first:
                continue
            self.name_words.update(w for w in full.split() if w not in _NAME_PARTICLES)
            patterns.setdefault(tuple(full.split()), []).append((pupil.school, True))
            patterns.setdefault(tuple(first.split()), []).append((pupil.school, False))
        self._automaton = Automaton(patterns.items()) if patterns else None

    def find(self, post: Prepared, schools: tuple[str, ...]) -> list[PupilHit]:
        if self._automaton is None:
            return []
        full_spans: list[tuple[int, int]] = []
        hits: list[PupilHit] = []
        firsts: list[tuple[int, list[tuple[str, bool]]]] = []
        for start, end, _pattern, owners in self._automaton.finditer(post.words):
            if owners[0][1]:
                full_spans.append((start, end))
                if not _after_title(post, start):  # "juf Julia Smit" is a teacher
                    hits.append(PupilHit(start, owners[0][0], True))
            else:
                firsts.append((start, owners))
        for index, owners in firsts:
            if any(s <= index < e for s, e in full_spans):
                continue
            school = next((code for code, _ in owners if code in schools), None)
            if school and _first_name_in_school_context(post, index):
                hits.append(PupilHit(index, school, False))
        return hits


def _first_name_in_school_context(post: Prepared, index: int) -> bool:
    """A first name near the pupil's group or teacher ("Storm uit groep 6"), or written as
    a name after the writer's possessive in a post naming the pupil's school ("onze Storm
    … bij Het Zwanenhof": a capital after "onze" is a child, not the weather)."""
    words, sentences = post.words, post.sentences
    sentence = sentences[index]
    if _after_title(post, index) or before_in_sentence(post, index) in _NAME_ARTICLES:
        return False  # "juf Noor" is a teacher, "de storm" weather, "een mees" a bird
    if before_in_sentence(post, index) in OWN_POSSESSIVES and _written_as_name(post, index):
        return True
    lo, hi = max(0, index - 10), min(len(words), index + 11)
    return any(
        words[k] in lx.PUPIL_CONTEXT_WORDS and sentences[k] == sentence for k in range(lo, hi)
    )


_NAME_ARTICLES = frozenset({"de", "het", "'t", "een", "the", "a"})


def _written_as_name(post: Prepared, index: int) -> bool:
    return not post.mostly_upper and post.cased[index][:1].isupper()


def _after_title(post: Prepared, index: int) -> bool:
    return before_in_sentence(post, index) in lx.STAFF_TITLES
