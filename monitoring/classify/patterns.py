"""Token patterns: the lexicon's small language, matched over a post's tokens.

A pattern is items separated by spaces; it matches consecutive tokens of one sentence.
  word        the token itself            pest*     a token starting with "pest"
  a|b|c       any of the alternatives     *school   a token ending with "school"
  <num>       a token of digits           ~         a gap of 0 to 4 tokens
                                          ~~        a gap of 0 to 10 tokens
Patterns are indexed by their first item, so a post costs a few dictionary look-ups per
token however long the lexicon is.
"""

from collections import defaultdict
from dataclasses import dataclass

GAP = 4
LONG_GAP = 10


@dataclass(frozen=True)
class Entry:
    """One lexicon line: the pattern text is what `matched` reports."""

    pattern: str
    weight: float
    kind: str  # the category (or rule) the entry speaks for
    negatable: bool = False  # a negator before it flips its polarity


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int  # first token
    end: int  # one past the last token


class _Item:
    __slots__ = ("exact", "prefixes", "suffixes", "number", "gap")

    def __init__(self, text: str) -> None:
        self.gap = {"~": GAP, "~~": LONG_GAP}.get(text, 0)
        self.exact: set[str] = set()
        self.number = False
        # tuples: what str.startswith and str.endswith take at once
        self.prefixes: tuple[str, ...] = ()
        self.suffixes: tuple[str, ...] = ()
        if self.gap:
            return
        prefixes, suffixes = [], []
        for alt in text.split("|"):
            if alt == "<num>":
                self.number = True
            elif alt.endswith("*") and len(alt) > 1:
                prefixes.append(alt[:-1])
            elif alt.startswith("*") and len(alt) > 1:
                suffixes.append(alt[1:])
            else:
                self.exact.add(alt)
        self.prefixes, self.suffixes = tuple(prefixes), tuple(suffixes)

    def accepts(self, token: str) -> bool:
        return (
            token in self.exact
            or (self.number and token.isdigit())
            or (bool(self.prefixes) and token.startswith(self.prefixes))
            or (bool(self.suffixes) and token.endswith(self.suffixes))
        )


class PatternSet:
    def __init__(self, entries) -> None:
        self._by_word: dict[str, list[tuple[Entry, list[_Item]]]] = defaultdict(list)
        self._by_prefix: dict[str, list[tuple[Entry, list[_Item]]]] = defaultdict(list)
        self._scan: list[tuple[Entry, list[_Item]]] = []
        for entry in entries:
            items = [_Item(part) for part in entry.pattern.split()]
            if not items or items[0].gap or items[-1].gap:
                raise ValueError(f"pattern cannot start or end with a gap: {entry.pattern!r}")
            first = items[0]
            compiled = (entry, items)
            for word in first.exact:
                self._by_word[word].append(compiled)
            for prefix in first.prefixes:
                if len(prefix) < 3:
                    raise ValueError(f"prefix too short to index: {entry.pattern!r}")
                self._by_prefix[prefix[:3]].append(compiled)
            if first.suffixes or first.number:
                self._scan.append(compiled)

    def find(self, words: list[str], sentences: list[int]) -> list[Match]:
        found: list[Match] = []
        by_word, by_prefix, scan = self._by_word, self._by_prefix, self._scan
        for i, token in enumerate(words):
            exact = by_word.get(token)
            if exact:  # the first item accepts this token by construction
                _extend(found, exact, words, sentences, i)
            fuzzy = by_prefix.get(token[:3])
            if fuzzy:
                _extend(found, [c for c in fuzzy if c[1][0].accepts(token)], words, sentences, i)
            if scan:
                _extend(found, [c for c in scan if c[1][0].accepts(token)], words, sentences, i)
        return found


def _extend(found: list[Match], candidates, words, sentences, i: int) -> None:
    for entry, items in candidates:
        if len(items) == 1:
            found.append(Match(entry, i, i + 1))
            continue
        end = _match_rest(items, 1, words, sentences, i + 1, sentences[i])
        if end is not None:
            found.append(Match(entry, i, end))


def _match_rest(items, k, words, sentences, pos, sentence):
    """End position if items[k:] match from pos within the sentence, else None."""
    if k == len(items):
        return pos
    item = items[k]
    if item.gap:
        for skip in range(item.gap + 1):
            end = _match_rest(items, k + 1, words, sentences, pos + skip, sentence)
            if end is not None:
                return end
        return None
    if pos >= len(words) or sentences[pos] != sentence or not item.accepts(words[pos]):
        return None
    return _match_rest(items, k + 1, words, sentences, pos + 1, sentence)
