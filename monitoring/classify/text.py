"""Normalising post text: one place, so patterns and posts are folded the same way.

`fold` unescapes HTML entities and strips accents but keeps case and punctuation.
`Prepared` holds what every rule reads: the padded match string for the automata (word
characters, '#', '@' and apostrophes, single spaces), the same string with its original
case (for "is this a proper noun?"), and the tokens with their sentence numbers.
"""

import html
import re
import unicodedata
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
_TOKEN_ANY_CASE = re.compile(_TOKEN.pattern, re.IGNORECASE)
_SENTENCE_CHARS = frozenset(".!?;\n")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_HAS_LETTER = re.compile(r"[a-z]")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)


# Combining accents, variation selectors, and the invisible characters a web page or feed
# puts inside words (soft hyphen, zero-width space/joiners, word joiner, BOM): "Vlinder\u00ad
# tuin" is one word to a reader and on screen.
_MARKS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe0e\ufe0f"
    "\u00ad\u200b-\u200d\u2060\ufeff]+"
)
_REPEATS = re.compile(r"(.)\1+")
_NOT_UPPER = re.compile(r"[^A-Z]+")
_NOT_LETTER = re.compile(r"[^A-Za-z]+")


def fold(text: str) -> str:
    """Unescape HTML entities (also double-escaped ones) and strip accents; keep case."""
    if "&" in text:
        for _ in range(2):
            unescaped = html.unescape(text)
            if unescaped == text:
                break
            text = unescaped
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def tokens(text: str) -> list[str]:
    """Lower-case tokens of already folded text, sentence ends left out."""
    return [t for t in _TOKEN.findall(text.lower()) if t[0] not in _SENTENCE_CHARS]


def normalise(text: str) -> str:
    """Lower case, no accents or entities; tokens joined by single spaces (for patterns)."""
    return " ".join(tokens(fold(text)))


def squeeze(word: str) -> str:
    """Collapse repeated letters: 'kloootzaaak' -> 'klotzak'. Apply to both sides."""
    return _REPEATS.sub(r"\1", word)


def deleet(word: str) -> str:
    """Undo leetspeak in a word that has letters: 'm0ng00l' -> 'mongool'; '12' stays."""
    if _HAS_LETTER.search(word):
        return word.translate(_LEET)
    return word


@dataclass
class Prepared:
    """One post, normalised once for every rule.

    `words` are the lower-case tokens (sentence ends dropped), `cased` the same tokens with
    their original case, `sentences` the sentence number of each token.
    """

    raw: str
    has_media: bool

    @cached_property
    def folded(self) -> str:
        return fold(self.raw)

    @cached_property
    def _tokens(self) -> tuple[list[str], list[str], list[int], frozenset[int]]:
        cased: list[str] = []
        sentences: list[int] = []
        questions: set[int] = set()
        sentence = 0
        for token in _TOKEN_ANY_CASE.findall(self.folded):
            if token[0] in _SENTENCE_CHARS:
                if "?" in token:
                    questions.add(sentence)
                sentence += 1
            else:
                cased.append(token)
                sentences.append(sentence)
        return [w.lower() for w in cased], cased, sentences, frozenset(questions)

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
    def questions(self) -> frozenset[int]:
        """Sentences that end with a question mark."""
        return self._tokens[3]

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def joined(self) -> str:
        return " ".join(self.words)

    @cached_property
    def mostly_upper(self) -> bool:
        """Shouting: capitals then tell nothing about proper nouns."""
        letters = len(_NOT_LETTER.sub("", self.folded))
        return bool(letters) and len(_NOT_UPPER.sub("", self.folded)) / letters > 0.6

    @cached_property
    def urls(self) -> list[str]:
        return _URL.findall(self.folded) if "." in self.folded else []

    @cached_property
    def insult_words(self) -> list[tuple[str, int, int]]:
        """(squeezed de-leeted word, first token, one past its last); s p a c e d letters joined."""
        words = self.words
        # Whole-string passes are C-speed; digits-only tokens ("groep 4") keep their digits.
        forms = squeeze(self.joined.translate(_LEET)).split(" ")
        out: list[tuple[str, int, int]] = []
        i = 0
        while i < len(words):
            j = i
            while j < len(words) and len(words[j]) == 1 and words[j].isalpha():
                j += 1
            if j - i >= 3:
                out.append((squeeze("".join(words[i:j])), i, j))
                i = j
                continue
            word = words[i]
            if word.isdigit():
                form = word
            elif word[0] in "#@":  # a hashtag or handle: the word after the mark
                form = forms[i][1:]
            else:
                form = forms[i]
            out.append((form, i, i + 1))
            i += 1
        return out

    def sentence_at(self, offset: int) -> int:
        """Sentence number of a character offset of `folded` (for emoji)."""
        return sum(
            1 for t in _TOKEN_ANY_CASE.findall(self.folded[:offset]) if t[0] in _SENTENCE_CHARS
        )
