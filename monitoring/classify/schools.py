"""Which schools a post mentions, and which register pupils it names.

Both use one Aho–Corasick automaton each, built once per context, over the post's words
(so every match starts and ends on a word boundary). A school's name and
aliases are split into *strong* terms (a hashtag, a handle, the full name with "OBS",
name + town, "esdoornschool") and its *core*, the bare name ("vlindertuin"), which is
often an ordinary word (a butterfly garden, a maple, swans). A core, or a spelling variant
of it, counts only when written as a proper noun (capitalised in mid-sentence, "De" or
"Het" included, in a post that does not shout in capitals), when the post also speaks of
school things (juf, groep, ouders, ...), or when a strong term of the same school is
present.
"""

import re
from dataclasses import dataclass

from . import lexicon as lx
from .context import Context, RegisterPupil
from .text import Prepared, normalise
from .word_automaton import WordAutomaton as Automaton

# Surname prefixes are ordinary words ("de", "van"): not redacted from matched terms.
_NAME_PARTICLES = frozenset(
    {"de", "den", "der", "van", "het", "'t", "ter", "ten", "te", "op", "in"}
)
_FUZZY_MIN = 7  # names this long still read right with one typo
_SPLIT_PART_MIN = 3  # "Zwanen hof": each part of a name written as two words
_BROKEN_PART_MIN = 2  # "Es↵doorn": a part of a name broken over a line
_HOST = re.compile(r"(?:https?://)?(?:www\.)?([a-z0-9.-]+)\.[a-z]{2,}", re.IGNORECASE)


@dataclass(frozen=True)
class _SchoolTerm:
    school: str
    strong: bool
    term: str


@dataclass(frozen=True)
class SchoolHits:
    schools: tuple[str, ...]  # codes, in the order found
    terms: tuple[str, ...]  # the terms that named them
    words: frozenset[int]  # indexes of the words naming a school in the text
    # per school, the indexes of the words that name it, a link naming it included
    positions: dict[str, frozenset[int]]


@dataclass(frozen=True)
class PupilHit:
    index: int  # first token
    school: str
    full_name: bool


def _core(tokens: list[str]) -> tuple[list[str], bool]:
    """Strip leading articles and school-type words; say whether a type word was there."""
    typed = False
    while tokens and (tokens[0] in lx.NAME_ARTICLES or tokens[0] in lx.SCHOOL_TYPE_WORDS):
        typed = typed or tokens[0] in lx.SCHOOL_TYPE_WORDS
        tokens = tokens[1:]
    return tokens, typed


def _one_edit(a: str, b: str) -> bool:
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


class SchoolFinder:
    def __init__(self, context: Context) -> None:
        patterns: dict[tuple[str, ...], _SchoolTerm] = {}
        self._fuzzy: dict[str, list[_SchoolTerm]] = {}  # long cores by first letter
        self._towns: dict[str, set[str]] = {}
        self._compact: dict[str, set[str]] = {}
        self._split: dict[str, _SchoolTerm] = {}  # a bare name, read from two words
        self._tags: dict[str, _SchoolTerm] = {}  # hashtag/handle bodies: "vlindertuinexloo"
        town_of = {school.code: _alias_towns(school) for school in context.schools}
        places = (
            lx.PLACES | lx.PLACES_ELSEWHERE | {town for towns in town_of.values() for town in towns}
        )
        for school in context.schools:
            towns: set[str] = set()
            compact: set[str] = set()
            cores: set[str] = set()

            def add(term: str, strong: bool, code: str = school.code) -> None:
                key = tuple(term.split())
                known = patterns.get(key)
                # an alias makes strong what the school's name gave as a bare name
                if known is None or (strong and not known.strong and known.school == code):
                    patterns[key] = _SchoolTerm(code, strong, term)

            for raw in (school.name, school.code, *school.aliases):
                term = normalise(raw.replace("-", " ").replace("_", " "))
                if not term:
                    continue
                if term[0] in "#@":
                    add(term, True)
                    term = term[1:]
                core, typed = _core(term.split())
                if not core:
                    continue
                if " ".join(core) in places:
                    # "OBS Exloo": the village alone is no school, nor "#exloo"
                    town_of[school.code].add(" ".join(core))
                    if typed:
                        add(term, True)
                        form = "".join(term.split())
                        compact.add(form)
                        add("#" + form, True)
                        add("@" + form, True)
                        self._tags.setdefault(form, _SchoolTerm(school.code, True, "#" + form))
                    continue
                compact.add("".join(core))
                for form in {"".join(core), "".join(term.split())}:
                    add("#" + form, True)
                    add("@" + form, True)
                    self._tags.setdefault(form, _SchoolTerm(school.code, True, "#" + form))
                if typed and len(core) == 1 and not core[0].endswith("school"):
                    cores.add(core[0])  # "OBS De Esdoorn" is mostly written "De Esdoorn"
                elif typed:
                    add(" ".join(core), core[0].endswith("school"))  # "De Zilveren Eik"
                if typed or len(core) > 1 or core[0].endswith("school"):
                    add(term, True)
                    towns.update(core[1:])
                    continue
                cores.add(core[0])
            for core in cores:
                add(core, False)
                add(core + "school", True)  # "de Vlindertuinschool", as "esdoornschool"
                for head in lx.NAME_COMPOUND_HEADS:
                    add(core + head, True)  # "de vlindertuinjuf", "Zwanenhofouders"
                for variant in spelling_variants(core) | name_diminutives(core):
                    add(variant, False)
                self._split.setdefault(core, _SchoolTerm(school.code, False, core))
                if len(core) >= _FUZZY_MIN:
                    self._fuzzy.setdefault(core[0], []).append(
                        _SchoolTerm(school.code, False, core)
                    )
            self._towns[school.code] = towns
            self._compact[school.code] = {c for c in compact if len(c) >= 5}
        self._automaton = Automaton(patterns.items())
        # "de school in Exloo": towns with exactly one of the foundation's schools
        schools_in: dict[tuple[str, ...], set[str]] = {}
        for code, towns in town_of.items():
            for town in towns:
                schools_in.setdefault(tuple(town.split()), set()).add(code)
        self._elsewhere = {tuple(place.split()) for place in lx.PLACES_ELSEWHERE}
        self._town_of = {code: {tuple(t.split()) for t in towns} for code, towns in town_of.items()}
        self._town_school = {
            town: _SchoolTerm(next(iter(codes)), True, " ".join(town))
            for town, codes in schools_in.items()
            if len(codes) == 1
        }

    def find(self, post: Prepared) -> SchoolHits:
        """The schools a post names, the terms and the words that name them."""
        post = post.with_glued_words_apart(_GLUE_BEFORE)  # "De.Vlindertuin"
        broken: set[int] = set()  # "Es↵doorn": a name's first part before a line break

        def wraps(i: int) -> bool:
            if self._name_broken_after(post.words, i):
                broken.add(i)
                return True
            return _wraps_after(post.words, i)

        post = post.with_wrapped_lines_joined(wraps)
        sentences = post.sentences
        strong: dict[str, list[str]] = {}
        at: dict[str, set[int]] = {}
        ambiguous: list[tuple[int, _SchoolTerm]] = []
        mentioned: set[int] = set()  # word indexes

        def take(term: _SchoolTerm, indexes, in_text: bool = True) -> None:
            strong.setdefault(term.school, []).append(term.term)
            at.setdefault(term.school, set()).update(indexes)
            if in_text:
                mentioned.update(indexes)

        for start, end, _pattern, term in self._automaton.finditer(_name_forms(post.words)):
            if sentences[start] != sentences[end - 1]:
                continue
            if term.strong:
                if term.term[0] not in "#@" and self._in_another_place(post, term.school, end):
                    continue  # "OBS De Esdoorn in Emmen": a namesake elsewhere
                take(term, range(start, end))
            else:
                ambiguous.append((start, term))
        for index, term in self._prefixed_tags(post, mentioned):
            take(term, (index,))
        for index, term in (*self._genitives(post), *self._town_schools(post)):
            take(term, (index,))
        ambiguous += self._split_names(post, broken)
        ambiguous += self._typos(post, {i for i, _t in ambiguous})
        for term, span in (*self._websites(post), *self._link_paths(post)):
            take(term, span, in_text=False)
        found = dict(strong)
        later = []
        paired = _side_by_side(post, ambiguous)
        proper = set(strong) | {t.school for i, t in ambiguous if _written_as_proper_noun(post, i)}
        for index, term in ambiguous:
            if (
                term.school in strong
                or index in paired
                or self._is_school(post, index, term.school, bool(proper - {term.school}))
            ):
                found.setdefault(term.school, []).append(term.term)
                at.setdefault(term.school, set()).add(index)
                mentioned.add(index)
            else:
                later.append((index, term))
        starts = [
            (index, term)
            for index, term in later
            if _first_word(post, index)
            and not _other_town(post, index, self._towns.get(term.school, set()))
        ]
        firsts = [(i, term) for i, term in starts if _capitalised_first_word(post, i)]
        if not found and len({term.school for _i, term in firsts}) < 2:
            # "Zwanenhof reageert nooit": alone, a first word counts when it acts as a school
            # (a lower-case or shouted one, whose capital tells nothing, only more plainly)
            firsts = [
                (i, term)
                for i, term in starts
                if _acts_as_organisation(post, i, plainly=not _capitalised_first_word(post, i))
            ]
        taken = {i for i, _term in firsts}
        named = {code: {*at.get(code, ())} for code in found}
        for index, term in firsts:
            named.setdefault(term.school, set()).add(index)
        firsts += _judged_beside_another(post, [n for n in later if n[0] not in taken], named)
        if firsts:
            # "Vlindertuin top, Zwanenhof slecht", "Zwanenhof: top. Esdoorn: waardeloos":
            # a capitalised first word beside another school is that school too
            for index, term in firsts:
                found.setdefault(term.school, []).append(term.term)
                at.setdefault(term.school, set()).add(index)
                mentioned.add(index)
        schools = tuple(found)
        terms = tuple(dict.fromkeys(t for code in schools for t in found[code]))
        positions = {code: frozenset(at.get(code, ())) for code in schools}
        return SchoolHits(schools, terms, frozenset(mentioned), positions)

    def _in_another_place(self, post: Prepared, school: str, end: int) -> bool:
        """The name followed by "in/te/uit" and a town outside the municipality that is
        not the school's own."""
        words = post.words
        if end + 1 >= len(words) or words[end] not in {"in", "te", "uit"}:
            return False
        if post.sentences[end + 1] != post.sentences[end - 1]:
            return False
        own = self._town_of.get(school, set())
        return any(
            tuple(words[end + 1 : end + 1 + len(place)]) == place and place not in own
            for place in self._elsewhere
        )

    def _town_follows(self, post: Prepared, index: int, school: str) -> bool:
        """'ZWANENHOFF BORGER', 'Esdorn Nieuw-Buinen': a variant or typo of the name right
        before the whole name of its own town, the alias misspelt."""
        words, sentence = post.words, post.sentences[index]
        start = index + 1
        for town in self._town_of.get(school, ()):
            stop = start + len(town)
            if tuple(words[start:stop]) == town and post.sentences[stop - 1] == sentence:
                return True
        return False

    def _genitives(self, post: Prepared) -> list[tuple[int, _SchoolTerm]]:
        """'Vlindertuins juffen', 'Esdoorns directeur': the bare name with a genitive s,
        followed by a school word (a plural of the tree is followed by none)."""
        words, sentences = post.words, post.sentences
        found = []
        for i in range(len(words) - 1):
            word = words[i]
            if not word.endswith("s") or sentences[i + 1] != sentences[i]:
                continue
            term = self._split.get(word[:-1])
            if term is not None and _is_school_word(words[i + 1]):
                found.append((i, _SchoolTerm(term.school, True, word)))
        return found

    def _town_schools(self, post: Prepared) -> list[tuple[int, _SchoolTerm]]:
        """'de school in Exloo', 'OBS Exloo', 'de openbare basisschool van Borger': the
        foundation's only school in that town."""
        if not self._town_school or post.word_set.isdisjoint(_TOWN_SCHOOL_TRIGGERS):
            return []
        words, sentences = post.words, post.sentences
        found = []
        for i, word in enumerate(words):
            if word not in lx.TOWN_SCHOOL_WORDS and word not in lx.TOWN_SCHOOL_PUBLIC:
                continue
            k = i - 1
            public = word in lx.TOWN_SCHOOL_PUBLIC
            if k >= 0 and words[k] == "openbare":
                public, k = True, k - 1
            definite = k >= 0 and words[k] in lx.TOWN_SCHOOL_ARTICLES
            n = i + 1
            if n < len(words) and words[n] in lx.TOWN_PREPOSITIONS:
                n += 1
            elif not public:
                continue  # "de school Exloo" is not how one writes it
            if not (public or definite):
                continue  # "een school in Exloo": any school there
            for town, term in self._town_school.items():
                stop = n + len(town)
                if tuple(words[n:stop]) == town and sentences[stop - 1] == sentences[i]:
                    found.append((n, term))
        return found

    def _typos(self, post: Prepared, taken: set[int]) -> list[tuple[int, _SchoolTerm]]:
        """'De Esdoorm': a capitalised word one typo away from a long name."""
        if not self._fuzzy:
            return []
        found = []
        fuzzy, shouted = self._fuzzy, post.mostly_upper
        for i, word in enumerate(post.words):
            terms = fuzzy.get(word[:1])
            # the post's first word too, as a later sentence's: "Zwanenhoff: de juf ..."
            # (a capital there is no proper noun, so it still needs a sign: _is_school); in
            # a shouted post every word ("ZWANENHOFF REAGEERT NOOIT"), a sentence's first
            # word in any case
            if (
                not terms
                or i in taken
                or not (shouted or post.cased[i][:1].isupper() or _first_word(post, i))
            ):
                continue
            for term in terms:
                if word == term.term + "s":
                    continue  # "Esdoorns": a plural of the ordinary word ("Zwanenhoff" is a typo)
                if abs(len(word) - len(term.term)) <= 1 and _one_edit(word, term.term):
                    found.append((i, term))
        return found

    def _prefixed_tags(self, post: Prepared, taken: set[int]) -> list[tuple[int, _SchoolTerm]]:
        """'#DeVlindertuinExloo', '@obs_het_zwanenhof_borger': a hashtag or handle that is a
        school's tag behind articles or school-type words ("de", "obs", "basisschool")."""
        found = []
        for i, form in enumerate(_name_forms(post.words)):
            if form[0] not in "#@" or i in taken:
                continue
            for body in _prefixes_taken_off(form[1:]):
                if body in self._tags:
                    found.append((i, self._tags[body]))
                    break
        return found

    def _name_broken_after(self, words: list[str], index: int) -> bool:
        """'Zwanen↵hof', 'Vlinder-↵tuin', 'Es↵doorn': a word and the next make a bare name
        (each part two letters or more), so a line break between them is inside that name."""
        if index + 1 >= len(words):
            return False
        first, second = words[index], words[index + 1]
        return min(len(first), len(second)) >= _BROKEN_PART_MIN and first + second in self._split

    def _split_names(self, post: Prepared, broken: set[int]) -> list[tuple[int, _SchoolTerm]]:
        """'De Vlinder tuin', 'Het Zwanen-hof': a bare name written as two words (a hyphen
        splits words too; a part may be shorter where a line break split the word:
        'de Es↵doorn', not 'De Es doorn'). Read as the name itself, so it counts only where
        the name would."""
        words, sentences = post.words, post.sentences
        found = []
        for i in range(len(words) - 1):
            first, second = words[i], words[i + 1]
            least = _BROKEN_PART_MIN if i in broken else _SPLIT_PART_MIN
            if min(len(first), len(second)) < least or sentences[i] != sentences[i + 1]:
                continue
            term = self._split.get(first + second)
            if term is not None:
                found.append((i, term))
        return found

    def _websites(self, post: Prepared):
        for url, first, last in post.url_spans:
            host = _HOST.match(url)
            if not host:
                continue
            name = re.sub(r"[^a-z0-9]", "", host.group(1).lower())
            for code, compacts in self._compact.items():
                if any(c in name for c in compacts) and not self._other_place_in(name, code):
                    yield _SchoolTerm(code, True, host.group(0).lower()), range(first, last)

    def _other_place_in(self, host: str, school: str) -> bool:
        """'vlindertuinemmen.example': the butterfly garden of another place."""
        own = {"".join(town) for town in self._town_of.get(school, ())}
        return any(
            len(place) >= 5 and place in host and place not in own
            for place in ("".join(p) for p in self._elsewhere)
        )

    def _link_paths(self, post: Prepared):
        """'https://example.nl/nieuws/de-vlindertuin/', '.../obs-de-vlindertuin-exloo':
        a part of a link's path that is a school's name (a strong term anywhere in it, a
        bare name only as the whole part, articles and numbers aside: 'de-esdoorn-snoeien'
        is a tree)."""
        for url, first, last in post.url_spans:
            host = _HOST.match(url)
            path = url[host.end() :] if host else url
            for part in re.split(r"[/?#&=]", path):
                words = normalise(_LINK_WORD_BREAKS.sub(" ", _LINK_SUFFIX.sub("", part))).split()
                if not words:
                    continue
                for term in self._path_names(words):
                    yield _SchoolTerm(term.school, True, "/" + part.lower()), range(first, last)

    def _path_names(self, words: list[str]) -> list[_SchoolTerm]:
        found = []
        for start, end, _pattern, term in self._automaton.finditer(_name_forms(words)):
            rest = words[:start] + words[end:]
            if term.strong or all(w in _TAG_PREFIXES_SET or w.isdigit() for w in rest):
                found.append(term)
        if not found and len(words) == 1:
            body = _without_prefixes(words[0])
            if body in self._tags:
                found.append(self._tags[body])  # "devlindertuin", "obsdevlindertuin"
        return found

    def _is_school(self, post: Prepared, index: int, school: str, others: bool) -> bool:
        """`others`: another school is named in the post as a proper noun or strong term."""
        words, sentences = post.words, post.sentences
        before = words[index - 1] if index and sentences[index - 1] == sentences[index] else ""
        after = words[index + 1 : index + 3]
        towns = self._towns.get(school, set())
        if _other_town(post, index, towns) or _address(post, index):
            return False
        if _own_town(post, index, towns) or self._town_follows(post, index, school):
            return True  # "de vlindertuin in Exloo", as the alias "Vlindertuin Exloo"
        if _written_as_proper_noun(post, index):
            return True
        if before in lx.POSSESSIVES:
            return False  # "onze esdoorn" in the garden
        if after[:1] == ["van"] and after[1:] and after[1] in lx.POSSESSIVES:
            return False  # "de vlindertuin van mijn oma"
        if post.mostly_upper and _institution_before(post, index):
            return True  # "BIJ DE VLINDERTUIN": shouting hides the capital
        if _visited_place(post, index):
            return False  # "groep 4 heeft in de vlindertuin gespeeld"
        if _ordinary_sense(post, index) and (others or not _school_word_in_sentence(post, index)):
            # "Groep 7 van Het Zwanenhof ging naar de vlindertuin, de rupsen ...": the school
            # words are the other school's ("zwanenhof gaat met groep 3 naar het bos" stays)
            return False
        return _has_school_context(post)


def _alias_towns(school) -> set[str]:
    """The towns in a school's aliases: "Vlindertuin Exloo" -> "exloo", where the alias is
    a bare name of the school followed by more words."""
    cores, rests = set(), []
    for raw in (school.name, school.code, *school.aliases):
        core, _typed = _core(normalise(raw.lstrip("#@").replace("-", " ")).split())
        if len(core) == 1:
            cores.add(core[0])
        elif core:
            rests.append(core)
    return {" ".join(core[1:]) for core in rests if core[0] in cores}


def _without_prefixes(body: str) -> str:
    """'obsdevlindertuin' -> 'vlindertuin': articles and school-type words taken off."""
    *_, last = _prefixes_taken_off(body)
    return last


def _prefixes_taken_off(body: str):
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


def _first_word(post: Prepared, index: int) -> bool:
    """The sentence's first word, or its second after an article ('HET ZWANENHOF ...')."""
    sentences = post.sentences
    if index and sentences[index - 1] == sentences[index]:
        return post.words[index - 1] in lx.NAME_ARTICLES and (
            index == 1 or sentences[index - 2] != sentences[index]
        )
    return True


def _wraps_after(words: list[str], index: int) -> bool:
    """A word a line cannot end a sentence with: "de", "obs"; "het" after a preposition
    ("op het\nZwanenhof"; "ik weet het" ends one)."""
    word = words[index]
    return word in lx.LINE_WRAP_WORDS or (
        word in lx.LINE_WRAP_AFTER_PREPOSITION
        and index > 0
        and words[index - 1] in lx.CAPS_NAME_PREPOSITIONS
    )


def _written_as_proper_noun(post: Prepared, index: int) -> bool:
    """A capital in mid-sentence (or after an article), in a post that does not shout."""
    return (
        post.cased[index][:1].isupper()
        and bool(index)
        and post.sentences[index - 1] == post.sentences[index]
        and not post.mostly_upper
    )


def _school_word_in_sentence(post: Prepared, index: int) -> bool:
    sentence = post.sentences[index]
    return any(
        _is_school_word(word) and s == sentence
        for word, s in zip(post.words, post.sentences, strict=True)
    )


def _capitalised_first_word(post: Prepared, index: int) -> bool:
    return not post.mostly_upper and post.cased[index][:1].isupper() and _first_word(post, index)


def _acts_as_organisation(post: Prepared, index: int, plainly: bool = False) -> bool:
    """'Zwanenhof reageert nooit', 'Zwanen hof communiceert slecht': a verb of what an
    organisation does within the two words after the name; or 'Zwanenhof is slecht
    geregeld': a word of how one is run or answers within the four words after it (not
    'Vlindertuin in het park is prachtig georganiseerd', nor '... georganiseerd door het
    IVN': then another organised it), in its sentence. A name set apart by a comma or colon
    is the topic of the whole clause after it: 'Zwanenhof, geen reactie op mijn mails'.
    `plainly` (a name whose capital tells nothing: lower case, shouted) asks for the verb
    to be negated: 'ZWANENHOF REAGEERT NOOIT', not 'VLINDERTUIN REAGEERT OP HET WEER'.
    Letting nothing be known counts ('zwanenhof weer eens niks laten weten'). A mess word
    after it ('Zwanehof is een puinhoop') counts in a post about the writer's own child and
    without nature words ('... onze kinderen zagen geen vlinder' is the garden); nothing
    counts in a sentence about tending a plant ('esdoorn reageert niet op snoeien') unless
    the name is sent mails or questions ('reageert niet op mails over de planten')."""
    after = _words_about(post, index)
    words = post.words
    if _tends_a_plant(post, index) and not any(words[k] in lx.MESSAGE_WORDS for k in after):
        return False  # "esdoorn reageert niet op snoeien" (a plant gets no mails)
    verbs = [k for k in after[:2] if words[k] in lx.ORGANISATION_VERBS]
    if plainly:
        verbs = [k for k in verbs if _negated_after(post, k)]
    return (
        bool(verbs)
        or _lets_nothing_be_known(post, after)
        or any(words[k] in lx.ORGANISATION_WORDS and not _by_another(post, k) for k in after)
        or (
            any(words[k] in lx.MESS_WORDS for k in after)
            and _about_own_child(post)
            and not _nature_words(post, index, range(len(words)))  # "... zagen geen vlinder"
        )
        or (
            any(words[k] in lx.VERDICT_WORDS or words[k] in lx.MESS_WORDS for k in after)
            and _about_school_choice(post)
            and not _nature_words(post, index, range(len(words)))
        )
    )


def _about_school_choice(post: Prepared) -> bool:
    """'voor onze jongste gekozen', 'ik ben er klaar mee', 'kids thuis gehouden': the
    writer chose, left or is done with it, as one does with a school, not a garden."""
    if not post.word_set.isdisjoint(lx.SCHOOL_CHOICE_WORDS):
        return True
    words = post.words
    return any((words[k], words[k + 1]) in lx.SCHOOL_CHOICE_PHRASES for k in range(len(words) - 1))


def _visited_place(post: Prepared, index: int) -> bool:
    """'groep 4 heeft in de vlindertuin gespeeld', 'met de klas naar de vlindertuin
    geweest': a name after "in/naar de" in a clause where someone plays or goes out is
    the place visited (the school is gone "op", and not played in)."""
    if index < 2 or post.sentences[index - 2] != post.sentences[index]:
        return False
    words, clauses = post.words, post.clauses
    if words[index - 1] not in lx.NAME_ARTICLES or words[index - 2] not in lx.VISIT_PREPOSITIONS:
        return False
    clause = clauses[index]
    return any(words[k] in lx.VISIT_WORDS and clauses[k] == clause for k in range(len(words)))


def _side_by_side(post: Prepared, names: list[tuple[int, _SchoolTerm]]) -> set[int]:
    """'vlindertuin en esdoorn allebei dicht', 'ZWANENHOF, ESDOORN', 'de zwanenhof of de
    esdoorn': two schools' bare names joined by "en", "of", "&", "/" or a comma (an article
    after it allowed) are two schools, whatever their case; not after a possessive or
    "een" ('een vlindertuin en een esdoorn'), nor in a sentence about plants or nature
    ('vlindertuin en esdoorn in het park')."""
    words, sentences = post.words, post.sentences
    at = {index: term.school for index, term in names}
    paired: set[int] = set()
    for index, school in at.items():
        k = index + 1
        if k < len(words) and words[k] in _NAME_JOINERS:
            k += 1
        if k < len(words) and words[k] in lx.NAME_ARTICLES:
            k += 1
        other = at.get(k)
        if other is None or other == school or sentences[k] != sentences[index]:
            continue
        if k == index + 1 and not _comma_between(post, index, k):
            continue
        if any(_loose_word(post, i) for i in (index, k)) or _ordinary_sense(post, index, k):
            continue
        paired.update((index, k))
    return paired


_NAME_JOINERS = frozenset({"en", "of", "vs", "versus"})


def _comma_between(post: Prepared, first: int, second: int) -> bool:
    """A comma, "&" or "/" between two neighbouring words (none of them is a word)."""
    gap = post.folded[post.offsets[first] + len(post.cased[first]) : post.offsets[second]]
    return any(mark in gap for mark in ",&/")


def _loose_word(post: Prepared, index: int) -> bool:
    """'een esdoorn', 'onze vlindertuin': a name after "een" or a possessive is a thing."""
    before = _before_in_sentence(post, index)
    if before in lx.NAME_ARTICLES:
        before = _before_in_sentence(post, index - 1)
    return before in lx.POSSESSIVES or before in {"een", "a"}


def _tends_a_plant(post: Prepared, index: int) -> bool:
    """'esdoorn reageert niet op snoeien': the name's sentence speaks of tending a plant."""
    sentence = post.sentences[index]
    return any(
        word in lx.PLANT_CARE_WORDS and s == sentence
        for word, s in zip(post.words, post.sentences, strict=True)
    )


def _ordinary_sense(post: Prepared, index: int, pair: int | None = None) -> bool:
    """'vlindertuin en esdoorn in het park', 'naar de vlindertuin 🦋 de rupsen ...': the
    name's sentence speaks of tending a plant or of nature, what the name also means; for
    a pair of names (`pair`: the other's index) nature counts in their clauses only ("...
    allebei dicht vanwege de storm, de bomen zijn omgewaaid" stays two schools). The
    name's own words do not count: 'vlinder tuin' is the name written as two words."""
    if post.word_set.isdisjoint(_NATURAL):
        return False
    if _tends_a_plant(post, index):
        return True
    sentences, clauses = post.sentences, post.clauses
    if pair is None:
        return _nature_words(
            post, index, [k for k, s in enumerate(sentences) if s == sentences[index]]
        )
    near = [k for k, c in enumerate(clauses) if c in (clauses[index], clauses[pair])]
    return _nature_words(post, index, near) and _nature_words(post, pair, near)


_NATURAL = lx.NATURE_WORDS | lx.PLANT_CARE_WORDS


def _nature_words(post: Prepared, index: int, among) -> bool:
    """A nature word among the tokens `among`, the name's own words at `index` aside."""
    words = post.words
    own = {index, index + 1} if words[index] in lx.NATURE_WORDS else {index}
    return any(words[k] in lx.NATURE_WORDS for k in among if k not in own)


def _judged_beside_another(
    post: Prepared, names: list[tuple[int, _SchoolTerm]], at: dict[str, set[int]]
) -> list[tuple[int, _SchoolTerm]]:
    """'vlindertuin top zwanenhof slecht', 'esdoorn doet het prima, vlindertuin is een
    drama': a bare name followed by a verdict or by what an organisation does, in a
    sentence that names another school (found, or judged so too), is that school: two of
    the foundation's names judged side by side are schools compared. Not after "een" or a
    possessive, nor in a sentence about plants or nature."""
    if not names:
        return []
    judged = [
        (i, term)
        for i, term in names
        if not _loose_word(post, i)
        and not _ordinary_sense(post, i)
        and _verdict_after(post, i, {k for k, _t in names} | {k for s in at.values() for k in s})
    ]
    sentences = post.sentences
    named = {(sentences[k], code) for code, indexes in at.items() for k in indexes}
    named |= {(sentences[i], term.school) for i, term in judged}
    return [
        (i, term)
        for i, term in judged
        if any(s == sentences[i] and code != term.school for s, code in named)
    ]


def _verdict_after(post: Prepared, index: int, names: set[int]) -> bool:
    """A verdict ('top', 'prima', 'een drama') or what an organisation does ('reageert',
    'geregeld', 'niks laten weten') in the four words after a name, before the next name."""
    words = post.words
    for k in _words_about(post, index):
        if k in names:
            return False
        word = words[k]
        if (
            word in lx.VERDICT_WORDS
            or word in lx.ORGANISATION_VERBS
            or word in lx.ORGANISATION_WORDS
            or _informs(words, k)
        ):
            return True
    return False


def _informs(words: list[str], k: int) -> bool:
    """'laten weten', 'laat ... weten': to let be known, what an organisation does."""
    return words[k] == "weten" and any(
        w in lx.INFORM_VERBS_BEFORE_WETEN for w in words[max(0, k - 3) : k]
    )


def _lets_nothing_be_known(post: Prepared, after: list[int]) -> bool:
    """'niks laten weten', 'laat nooit iets weten': informing, negated."""
    words = post.words
    return any(
        _informs(words, k) and any(words[j] in _NEGATED for j in after if j < k) for k in after
    )


def _about_own_child(post: Prepared) -> bool:
    """'mijn dochter', 'onze jongste zoon', "m'n kind": the writer's own child, a
    possessive of the writer's at most one word before it."""
    words = post.words
    return any(
        word in lx.OWN_CHILD_WORDS and any(w in _OWN_POSSESSIVES for w in words[max(0, i - 2) : i])
        for i, word in enumerate(words)
    )


_OWN_POSSESSIVES = frozenset({"mijn", "m'n", "onze", "ons", "my", "our"})


def _words_about(post: Prepared, index: int) -> list[int]:
    """The words after a sentence's first word that say what it does: the four after it
    in its sentence, or the whole next clause when a comma or colon sets the name apart.
    Fillers ("al drie weken", "weer eens") are passed over, not counted."""
    sentence, words, clauses = post.sentences[index], post.words, post.clauses
    k = index + 1
    if k < len(words) and post.sentences[k] == sentence and clauses[k] != clauses[index]:
        return [j for j in range(k, len(words)) if clauses[j] == clauses[k]]
    if k < len(words) and _first_word(post, index) and post.sentences[k] != sentence:
        # "Esdoorn.↵nooit meer.↵slechtste keuze ...": a name alone is the post's topic
        return [j for j in range(k, len(words)) if words[j] not in lx.FILLER_WORDS]
    about: list[int] = []
    while k < len(words) and len(about) < 4 and post.sentences[k] == sentence:
        if words[k] not in lx.FILLER_WORDS and not words[k].isdigit():
            about.append(k)
        k += 1
    return about


def _negated_after(post: Prepared, index: int) -> bool:
    """'reageert nooit', 'informeert ons niet', 'zegt niks': a negation within the three
    words after a verb, in its sentence."""
    sentence = post.sentences[index]
    return any(
        post.words[k] in _NEGATED and post.sentences[k] == sentence
        for k in range(index + 1, min(index + 4, len(post.words)))
    )


_NEGATED = lx.NEGATORS | {"niks", "niets"}


def _by_another(post: Prepared, index: int) -> bool:
    """'georganiseerd door het IVN': the organising was another's."""
    k = index + 1
    return (
        k < len(post.words)
        and post.words[k] == "door"
        and post.sentences[k] == post.sentences[index]
    )


def _is_school_word(word: str) -> bool:
    """A word about school things: 'juffen', 'directeur', 'ouderraad', 'schoolplein'."""
    return (
        word in lx.SCHOOL_CONTEXT_WORDS
        or word in lx.STAFF_TITLES
        or word in _GENITIVE_HEADS
        or bool(_CONTEXT_PARTS.search(word))
    )


_TOWN_SCHOOL_TRIGGERS = lx.TOWN_SCHOOL_WORDS | lx.TOWN_SCHOOL_PUBLIC
_GENITIVE_HEADS = frozenset({"kinderen", "team", "personeel", "nieuwsbrief", "website"})
# Words a glued dot follows in a name: "De.Vlindertuin", "OBS.Het.Zwanenhof"
_GLUE_BEFORE = lx.NAME_ARTICLES | lx.SCHOOL_TYPE_WORDS
# A link's path part: words split at - _ + . and %20, an extension dropped
_LINK_WORD_BREAKS = re.compile(r"[-_+.]+|%20")
_LINK_SUFFIX = re.compile(r"\.(?:html?|php|aspx?)$", re.IGNORECASE)


def _name_forms(words: list[str]) -> list[str]:
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
_TAG_PREFIXES_SET = frozenset(_TAG_PREFIXES)


def name_diminutives(core: str) -> set[str]:
    """'esdoorntje(s)', 'zwanenhofje': the name made small, as parents and pupils say it."""
    return {core + suffix for suffix in lx.NAME_DIMINUTIVES}


def _institution_before(post: Prepared, index: int) -> bool:
    """'bij de', 'op het' right before the name, in its sentence."""
    if index < 2 or post.sentences[index - 2] != post.sentences[index]:
        return False
    words = post.words
    return words[index - 1] in lx.NAME_ARTICLES and words[index - 2] in lx.CAPS_NAME_PREPOSITIONS


def _address(post: Prepared, index: int) -> bool:
    """A street of the same name: 'te koop: De Esdoorn 12', 'wij wonen aan de Zwanenhof'
    (a house number or "aan de" before it, with a word about living in the sentence; "Het
    Zwanenhof 50 jaar" and "Schoolreisje De Vlindertuin: €45" stay the school)."""
    words, sentences = post.words, post.sentences
    sentence = sentences[index]
    k = index + 1
    numbered = (
        k < len(words)
        and sentences[k] == sentence
        and bool(_HOUSE_NUMBER.fullmatch(words[k]))
        and post.folded[post.offsets[index] + len(post.cased[index]) : post.offsets[k]].isspace()
    )
    living_at = (
        index >= 2
        and sentences[index - 2] == sentence
        and words[index - 2] == "aan"
        and words[index - 1] in lx.NAME_ARTICLES
    )
    if not (numbered or living_at):
        return False
    in_sentence = {w for w, s in zip(words, sentences, strict=True) if s == sentence}
    return bool(in_sentence & lx.ADDRESS_WORDS)


_HOUSE_NUMBER = re.compile(r"\d{1,3}[a-z]?")


def _own_town(post: Prepared, index: int, towns: set[str]) -> bool:
    """'de vlindertuin in Exloo': the name followed by the town of one of its aliases."""
    words, k = post.words, index + 2
    return (
        k < len(words)
        and post.sentences[k] == post.sentences[index]
        and words[index + 1] in {"in", "te", "uit"}
        and words[k] in towns
    )


def _other_town(post: Prepared, index: int, towns: set[str]) -> bool:
    """'De Esdoorn in Groningen', 'de Vlindertuin van Emmen Zoo': another place or
    institution with the same name."""
    words, cased = post.words, post.cased
    k = index + 1
    if k + 1 >= len(words) or post.sentences[k + 1] != post.sentences[index]:
        return False
    return (
        words[k] in {"in", "uit", "te", "van"}
        and cased[k + 1][:1].isupper()
        and words[k + 1] not in towns
        and words[k + 1] not in lx.STAFF_TITLES  # "De Vlindertuin van Juf Anke"
        and words[k + 1] not in lx.SCHOOL_CONTEXT_WORDS
    )


_CONTEXT_PARTS = re.compile("|".join(lx.SCHOOL_CONTEXT_PARTS))


def _has_school_context(post: Prepared) -> bool:
    """School words, also inside compounds: teringschool, tyfusjuffen, ouderraad, and
    spelt in s p a c e d letters ("k u t s c h o o l")."""
    return (
        bool(post.word_set & lx.SCHOOL_CONTEXT_WORDS)
        or bool(_CONTEXT_PARTS.search(post.joined))
        or any(_CONTEXT_PARTS.search(run) for run in _spaced_runs(post.words))
    )


def _spaced_runs(words: list[str]) -> list[str]:
    """Runs of three or more single letters, joined: 'k u t s c h o o l' -> 'kutschool'."""
    runs, run = [], []
    for word in (*words, ""):
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= 3:
            runs.append("".join(run))
        run = []
    return runs


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
    if _after_title(post, index) or _before_in_sentence(post, index) in _NAME_ARTICLES:
        return False  # "juf Noor" is a teacher, "de storm" weather, "een mees" a bird
    if _before_in_sentence(post, index) in _OWN_POSSESSIVES and _written_as_name(post, index):
        return True
    lo, hi = max(0, index - 10), min(len(words), index + 11)
    return any(
        words[k] in lx.PUPIL_CONTEXT_WORDS and sentences[k] == sentence for k in range(lo, hi)
    )


_NAME_ARTICLES = frozenset({"de", "het", "'t", "een", "the", "a"})


def _written_as_name(post: Prepared, index: int) -> bool:
    return not post.mostly_upper and post.cased[index][:1].isupper()


def _before_in_sentence(post: Prepared, index: int) -> str:
    if index and post.sentences[index - 1] == post.sentences[index]:
        return post.words[index - 1]
    return ""


def _after_title(post: Prepared, index: int) -> bool:
    return _before_in_sentence(post, index) in lx.STAFF_TITLES
