"""Normalising post text: one place, so patterns and posts are folded the same way.

`fold` unescapes HTML entities and strips accents but keeps case and punctuation.
`Prepared` holds what every rule reads: the padded match string for the automata (word
characters, '#', '@' and apostrophes, single spaces), the same string with its original
case (for "is this a proper noun?"), and the tokens with their sentence numbers.
"""

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_TOKEN = re.compile(
    r"(?:[a-z]\.){2,}"  # abbreviations: i.v.m., o.a.
    r"|\d+(?:[.,:]\d+)+"  # 7.45, 1,5 — not a sentence end
    r"|[#@]?[\w*$@]+(?:'[a-z]+)*"  # words, hashtags, handles, leetspeak, m'n, foto's
    r"|'[a-z]+"  # 't
    r"|[.!?;]+|\n"  # sentence ends
)
_SENTENCE_END = re.compile(r"^(?:[.!?;]+|\n)$")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_HAS_LETTER = re.compile(r"[a-z]")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)


def fold(text: str) -> str:
    """Unescape HTML entities (also double-escaped ones) and strip accents; keep case."""
    for _ in range(2):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def normalise(text: str) -> str:
    """Lower case, no accents or entities; tokens joined by single spaces (for patterns)."""
    return " ".join(t for t in _TOKEN.findall(fold(text).lower()) if not _SENTENCE_END.match(t))


def squeeze(word: str) -> str:
    """Collapse repeated letters: 'kloootzaaak' -> 'klotzak'. Apply to both sides."""
    out = []
    for char in word:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


def deleet(word: str) -> str:
    """Undo leetspeak in a word that has letters: 'm0ng00l' -> 'mongool'; '12' stays."""
    if _HAS_LETTER.search(word):
        return word.translate(_LEET)
    return word


@dataclass
class Prepared:
    """One post, normalised once for every rule.

    `words` are the lower-case tokens (sentence ends dropped), `cased` the same tokens with
    their original case, `sentences` the sentence number of each. `match` is
    " word word | word " — the tokens joined by single spaces, sentence ends as "|" so no
    pattern spans two sentences — and `starts` the offset of each word in it.
    """

    raw: str
    has_media: bool

    @cached_property
    def folded(self) -> str:
        return fold(self.raw)

    @cached_property
    def _tokens(self) -> tuple[list[str], list[str], list[int], str, list[int], list[int]]:
        ends: list[int] = []
        cased: list[str] = []
        sentences: list[int] = []
        starts: list[int] = []
        parts = [" "]
        length = 1
        sentence = 0
        text = self.folded
        lowered = text.lower()
        if len(lowered) != len(text):  # a rare character whose lower case is longer
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        for m in _TOKEN.finditer(lowered):
            token = m.group()
            if _SENTENCE_END.match(token):
                sentence += 1
                ends.append(m.start())
                parts.append("| ")
                length += 2
                continue
            cased.append(text[m.start() : m.end()])
            sentences.append(sentence)
            starts.append(length)
            parts.append(token + " ")
            length += len(token) + 1
        words = [w.lower() for w in cased]
        return words, cased, sentences, "".join(parts), starts, ends

    @property
    def words(self) -> list[str]:
        return self._tokens[0]

    @property
    def cased(self) -> list[str]:
        return self._tokens[1]

    @property
    def sentences(self) -> list[int]:
        return self._tokens[2]

    @property
    def match(self) -> str:
        return self._tokens[3]

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def mostly_upper(self) -> bool:
        """Shouting: capitals then tell nothing about proper nouns."""
        letters = [c for c in self.folded if c.isalpha()]
        upper = sum(1 for c in letters if c.isupper())
        return bool(letters) and upper / len(letters) > 0.6

    @cached_property
    def urls(self) -> list[str]:
        return _URL.findall(self.folded)

    @cached_property
    def insult_words(self) -> list[tuple[str, int]]:
        """(squeezed de-leeted word, index of its first token); s p a c e d letters joined."""
        out: list[tuple[str, int]] = []
        words = self.words
        i = 0
        while i < len(words):
            j = i
            while j < len(words) and len(words[j]) == 1 and words[j].isalpha():
                j += 1
            if j - i >= 3:
                out.append((squeeze("".join(words[i:j])), i))
                i = j
                continue
            word = words[i].lstrip("#@") or words[i]
            out.append((squeeze(deleet(word)), i))
            i += 1
        return out

    def sentence_at(self, offset: int) -> int:
        """Sentence number of a character offset of `folded` (for emoji)."""
        return bisect_right(self._tokens[5], offset)

    def token_at(self, offset: int) -> int:
        """Index of the word starting at or after `offset` of `match`."""
        return bisect_left(self._tokens[4], offset)
