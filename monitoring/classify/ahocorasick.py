"""A small Aho–Corasick automaton, in pure Python.

Build it once with every pattern, then find all occurrences of all patterns in one pass
over a text, however many patterns there are. A text is any sequence of hashable symbols:
a string (patterns are strings) or a list of words (patterns are tuples of words, so every
match starts and ends on a word boundary). Matching is exact: normalise patterns and text
the same way before (see `monitoring.classify.text`).
"""

from collections import deque
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Automaton(Generic[T]):
    """Patterns mapped to values; `finditer` yields (start, end, pattern, value)."""

    def __init__(self, patterns: Iterable[tuple[Sequence, T]] = ()) -> None:
        self._goto: list[dict[Hashable, int]] = [{}]
        self._fail: list[int] = [0]
        # Every state lists the patterns ending there, including via fail links.
        self._out: list[list[int]] = [[]]
        self._patterns: list[tuple[Sequence, T]] = []
        self._built = False
        for pattern, value in patterns:
            self.add(pattern, value)
        self.build()

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, pattern: Sequence, value: T) -> None:
        if not pattern:
            raise ValueError("an empty pattern would match everywhere")
        state = 0
        for char in pattern:
            nxt = self._goto[state].get(char)
            if nxt is None:
                nxt = len(self._goto)
                self._goto[state][char] = nxt
                self._goto.append({})
                self._fail.append(0)
                self._out.append([])
            state = nxt
        self._out[state].append(len(self._patterns))
        self._patterns.append((pattern, value))
        self._built = False

    def build(self) -> None:
        """Compute fail links breadth-first; called by the constructor and after `add`."""
        queue: deque[int] = deque()
        for nxt in self._goto[0].values():
            self._fail[nxt] = 0
            queue.append(nxt)
        while queue:
            state = queue.popleft()
            for char, nxt in self._goto[state].items():
                queue.append(nxt)
                fallback = self._fail[state]
                while fallback and char not in self._goto[fallback]:
                    fallback = self._fail[fallback]
                target = self._goto[fallback].get(char, 0)
                self._fail[nxt] = target if target != nxt else 0
                self._out[nxt] = self._out[nxt] + [
                    i for i in self._out[self._fail[nxt]] if i not in self._out[nxt]
                ]
        self._built = True

    def finditer(self, text: Sequence) -> Iterator[tuple[int, int, Sequence, T]]:
        """Every (start, end, pattern, value), overlapping ones included, by end."""
        if not self._built:
            self.build()
        goto, fail, out, patterns = self._goto, self._fail, self._out, self._patterns
        state = 0
        for index, char in enumerate(text):
            while state and char not in goto[state]:
                state = fail[state]
            state = goto[state].get(char, 0)
            for pattern_index in out[state]:
                pattern, value = patterns[pattern_index]
                end = index + 1
                yield end - len(pattern), end, pattern, value
