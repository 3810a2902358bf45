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
from collections.abc import Callable
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
# Between two tokens: a comma, colon, dash or an emoji (a symbol) ends a clause.
_CLAUSE_BREAK = re.compile(
    r"[,:()\"\u201c\u201d\u201e\u00ab\u00bb\u2013\u2014]|\s-\s|[\u2600-\u27bf\U0001f000-\U0001faff]"
)
_GLUED_DOT = re.compile(r"[A-Za-z]\.[A-Za-z]")
_CONTRAST_WORDS = frozenset({"maar", "terwijl", "echter", "daarentegen", "but", "whereas"})
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


def _line_gap(gap: str) -> bool:
    """Only white space between two tokens, or a hyphen glued to the first: 'Vlinder-\n'."""
    return gap.isspace() or (gap[:1] == "-" and gap[1:].isspace())


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
        offsets: list[int] = []
        sentence = 0
        for match in _TOKEN_ANY_CASE.finditer(self.folded):
            token = match.group()
            if token[0] in _SENTENCE_CHARS:
                if "?" in token:
                    questions.add(sentence)
                sentence += 1
            else:
                cased.append(token)
                sentences.append(sentence)
                offsets.append(match.start())
        self._offsets = offsets
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

    @property
    def offsets(self) -> list[int]:
        """Where each token starts in `folded`."""
        self._tokens  # noqa: B018 (computes the offsets with the tokens)
        return self._offsets

    @cached_property
    def clauses(self) -> list[int]:
        """The clause number of each token: a sentence end, a comma, colon, quote, dash or emoji
        between two tokens, or a contrasting conjunction ("maar", "terwijl") starts a new
        clause. "en" does not: "De Vlindertuin en Het Zwanenhof zijn ..." is one clause."""
        words, sentences, folded = self.words, self.sentences, self.folded
        clauses: list[int] = []
        clause = 0
        for i, word in enumerate(words):
            if i and (
                sentences[i] != sentences[i - 1]
                or word in _CONTRAST_WORDS
                or _CLAUSE_BREAK.search(
                    folded, self.offsets[i - 1] + len(self.cased[i - 1]), self.offsets[i]
                )
            ):
                clause += 1
            clauses.append(clause)
        return clauses

    def token_before(self, offset: int) -> int | None:
        """The last token starting before a character offset of `folded` (an emoji belongs
        to the clause before it: "Het Zwanenhof 👎 De Vlindertuin 👍")."""
        index = bisect_right(self.offsets, offset) - 1
        return index if index >= 0 else (0 if self.offsets else None)

    @cached_property
    def url_spans(self) -> list[tuple[str, int, int]]:
        """Each link with the first and one past the last token inside it."""
        if "." not in self.folded:
            return []
        out = []
        for match in _URL.finditer(self.folded):
            first = bisect_left(self.offsets, match.start())
            last = bisect_left(self.offsets, match.end())
            out.append((match.group(), first, last))
        return out

    def with_glued_words_apart(self, before: frozenset[str]) -> "Prepared":
        """The same post with "De.Vlindertuin" read as "De Vlindertuin": a dot right
        between one of the words `before` and the next word is no sentence end. The
        tokens stay the same (a dot is no word); only their sentence numbers change."""
        if not _GLUED_DOT.search(self.folded):
            return self
        glued = [
            i
            for i in range(1, len(self.words))
            if self.words[i - 1] in before
            and self.folded[self.offsets[i] - 1 : self.offsets[i]] == "."
            and self.offsets[i - 1] + len(self.cased[i - 1]) == self.offsets[i] - 1
        ]
        return self._with_spaces_at([self.offsets[i] - 1 for i in glued])

    def with_wrapped_lines_joined(self, wraps: Callable[[int], bool]) -> "Prepared":
        """The same post with a single line break after token i read as a space where
        `wraps(i)` says the word cannot end a sentence ("geen reactie van de\nEsdoorn": a
        wrapped line) or goes on past the break ("Zwanen\nhof"); a hyphen glued to the word
        before the break ("Vlinder-\ntuin") may stand in the gap. As with glued words, only
        sentence numbers change."""
        if "\n" not in self.folded:
            return self
        breaks = []
        for i in range(len(self.words) - 1):
            gap = self.folded[self.offsets[i] + len(self.cased[i]) : self.offsets[i + 1]]
            if gap.count("\n") == 1 and _line_gap(gap) and wraps(i):
                breaks.append(self.offsets[i] + len(self.cased[i]) + gap.index("\n"))
        return self._with_spaces_at(breaks)

    def _with_spaces_at(self, positions: list[int]) -> "Prepared":
        if not positions:
            return self
        text = list(self.folded)
        for position in positions:
            text[position] = " "
        apart = Prepared("".join(text), self.has_media)
        return apart if apart.words == self.words else self

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
