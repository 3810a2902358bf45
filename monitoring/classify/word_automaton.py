"""Word-level multi-pattern matching on pyahocorasick (a C extension from PyPI).

Same interface as the hand-written `ahocorasick.Automaton` used on lists of words. The
words are joined with single spaces and framed by a space, and every pattern is its words
framed the same way, so a match always starts and ends on a word boundary; a match's word
positions are recovered by counting spaces (matches are rare, texts short).
`bench/automaton_bench.py` measures both and checks they find the same matches.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Generic, TypeVar

import ahocorasick

T = TypeVar("T")


class WordAutomaton(Generic[T]):
    """Patterns (sequences of words without spaces) mapped to values; `finditer(words)`
    yields (start, end, pattern, value) for every occurrence, overlapping ones included."""

    def __init__(self, patterns: Iterable[tuple[Sequence[str], T]] = ()) -> None:
        self._automaton = ahocorasick.Automaton()
        for pattern, value in patterns:
            if not pattern:
                raise ValueError("an empty pattern would match everywhere")
            key = " " + " ".join(pattern) + " "
            self._automaton.add_word(key, (tuple(pattern), value))
        if len(self._automaton):
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def finditer(self, words: Sequence[str]) -> Iterator[tuple[int, int, tuple, T]]:
        if not len(self._automaton):
            return
        text = " " + " ".join(words) + " "
        for last, (pattern, value) in self._automaton.iter(text):
            end = text.count(" ", 0, last)  # words before the closing space
            yield end - len(pattern), end, pattern, value
