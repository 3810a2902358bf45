"""How a school's name may be written: its bare core, spelling variants and
diminutives, hashtag and handle forms, the towns in its aliases, a link's path words."""

import re
from dataclasses import dataclass

from . import lexicon as lx
from .text import normalise

HOST = re.compile(r"(?:https?://)?(?:www\.)?([a-z0-9.-]+)\.[a-z]{2,}", re.IGNORECASE)


@dataclass(frozen=True)
class NameTerm:
    school: str
    strong: bool
    term: str


def name_core(tokens: list[str]) -> tuple[list[str], bool]:
    """Strip leading articles and school-type words; say whether a type word was there."""
    typed = False
    while tokens and (tokens[0] in lx.NAME_ARTICLES or tokens[0] in lx.SCHOOL_TYPE_WORDS):
        typed = typed or tokens[0] in lx.SCHOOL_TYPE_WORDS
        tokens = tokens[1:]
    return tokens, typed


def one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours apart."""
    if a == b:
        return True
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i:] == b[i + 1 :]


def spelling_variants(word: str) -> set[str]:
    """Misspellings a reader still recognises: one doubled vowel single, ui -> uu, ..."""
    out = set()
    for written, read in lx.SPELLING_VARIANTS:
        start = word.find(written)
        while start != -1:
            out.add(word[:start] + read + word[start + len(written) :])
            start = word.find(written, start + 1)
    out.discard(word)
    return {v for v in out if len(v) >= 5}


def alias_towns(school) -> set[str]:
    """The towns in a school's aliases: "Vlindertuin Exloo" -> "exloo", where the alias is
    a bare name of the school followed by more words."""
    cores, rests = set(), []
    for raw in (school.name, school.code, *school.aliases):
        core, _typed = name_core(normalise(raw.lstrip("#@").replace("-", " ")).split())
        if len(core) == 1:
            cores.add(core[0])
        elif core:
            rests.append(core)
    return {" ".join(core[1:]) for core in rests if core[0] in cores}


def without_prefixes(body: str) -> str:
    """'obsdevlindertuin' -> 'vlindertuin': articles and school-type words taken off."""
    *_, last = prefixes_taken_off(body)
    return last


def prefixes_taken_off(body: str):
    """'obsdevlindertuin', 'devlindertuin', 'vlindertuin': the body after each leading
    article or school-type word taken off (none with nothing left after it)."""
    stripped = True
    while stripped:
        stripped = False
        for prefix in _TAG_PREFIXES:
            if body.startswith(prefix) and len(body) > len(prefix):
                body, stripped = body[len(prefix) :], True
                break
        yield body


# Words a glued dot follows in a name: "De.Vlindertuin", "OBS.Het.Zwanenhof"
GLUE_BEFORE = lx.NAME_ARTICLES | lx.SCHOOL_TYPE_WORDS
# A link's path part: words split at - _ + . and %20, an extension dropped
LINK_WORD_BREAKS = re.compile(r"[-_+.]+|%20")
LINK_SUFFIX = re.compile(r"\.(?:html?|php|aspx?)$", re.IGNORECASE)


def name_forms(words: list[str]) -> list[str]:
    """The words as school names are matched, one form per word (indexes stay): a handle
    or hashtag without its server and underscores ("@vlindertuin_exloo@mastodon" ->
    "@vlindertuinexloo", as the forms generated from the names), a name without a
    possessive "'s" ("Vlindertuin's juf")."""
    forms = []
    for word in words:
        if word[0] in "#@":
            word = word[0] + word[1:].split("@", 1)[0].replace("_", "")
        if word.endswith("'s") and len(word) > 3:
            word = word[:-2]
        forms.append(word)
    return forms


# Words a hashtag or handle may put before a school's name: #DeVlindertuin, @obshetzwanenhof
_TAG_PREFIXES = tuple(
    sorted((lx.NAME_ARTICLES | lx.SCHOOL_TYPE_WORDS) - {"'t"}, key=len, reverse=True)
)
TAG_PREFIXES_SET = frozenset(_TAG_PREFIXES)


def name_diminutives(core: str) -> set[str]:
    """'esdoorntje(s)', 'zwanenhofje': the name made small, as parents and pupils say it."""
    return {core + suffix for suffix in lx.NAME_DIMINUTIVES}
