"""Which schools a post mentions.

One Aho–Corasick automaton, built once per context, over the post's words (so every match
starts and ends on a word boundary). A school's name and aliases are split into *strong*
terms (a hashtag, a handle, the full name with "OBS", name + town, "esdoornschool") and
its *core*, the bare name ("vlindertuin"), which is often an ordinary word (a butterfly
garden, a maple, swans). A core, or a spelling variant of it, counts only when written as
a proper noun (capitalised in mid-sentence, "De" or "Het" included, in a post that does
not shout in capitals), when the post also speaks of school things (juf, groep, ouders,
...), or when a strong term of the same school is present.

How a name may be written is in `school_names`, the signs that a bare name is the school
in `school_signs`; register pupils are found by `register.RegisterFinder`.
"""

import re
from dataclasses import dataclass

from . import lexicon as lx
from .context import Context
from .school_names import (
    GLUE_BEFORE,
    HOST,
    LINK_SUFFIX,
    LINK_WORD_BREAKS,
    TAG_PREFIXES_SET,
    NameTerm,
    alias_towns,
    name_core,
    name_diminutives,
    name_forms,
    one_edit,
    prefixes_taken_off,
    spelling_variants,
    without_prefixes,
)
from .school_signs import (
    acts_as_organisation,
    capitalised_first_word,
    first_word,
    has_school_context,
    institution_before,
    is_school_word,
    judged_beside_another,
    ordinary_sense,
    other_town,
    own_town,
    school_word_in_sentence,
    side_by_side,
    street_address,
    visited_place,
    wraps_after,
    written_as_proper_noun,
)
from .text import Prepared, normalise
from .word_automaton import WordAutomaton as Automaton

_FUZZY_MIN = 7  # names this long still read right with one typo
_SPLIT_PART_MIN = 3  # "Zwanen hof": each part of a name written as two words
_BROKEN_PART_MIN = 2  # "Es↵doorn": a part of a name broken over a line


@dataclass(frozen=True)
class SchoolHits:
    schools: tuple[str, ...]  # codes, in the order found
    terms: tuple[str, ...]  # the terms that named them
    words: frozenset[int]  # indexes of the words naming a school in the text
    # per school, the indexes of the words that name it, a link naming it included
    positions: dict[str, frozenset[int]]


class SchoolFinder:
    def __init__(self, context: Context) -> None:
        patterns: dict[tuple[str, ...], NameTerm] = {}
        self._fuzzy: dict[str, list[NameTerm]] = {}  # long cores by first letter
        self._towns: dict[str, set[str]] = {}
        self._compact: dict[str, set[str]] = {}
        self._split: dict[str, NameTerm] = {}  # a bare name, read from two words
        self._tags: dict[str, NameTerm] = {}  # hashtag/handle bodies: "vlindertuinexloo"
        town_of = {school.code: alias_towns(school) for school in context.schools}
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
                    patterns[key] = NameTerm(code, strong, term)

            for raw in (school.name, school.code, *school.aliases):
                term = normalise(raw.replace("-", " ").replace("_", " "))
                if not term:
                    continue
                if term[0] in "#@":
                    add(term, True)
                    term = term[1:]
                core, typed = name_core(term.split())
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
                        self._tags.setdefault(form, NameTerm(school.code, True, "#" + form))
                    continue
                compact.add("".join(core))
                for form in {"".join(core), "".join(term.split())}:
                    add("#" + form, True)
                    add("@" + form, True)
                    self._tags.setdefault(form, NameTerm(school.code, True, "#" + form))
                if typed and len(core) == 1 and not core[0].endswith("school"):
                    cores.add(core[0])  # "OBS De Esdoorn" is mostly written "De Esdoorn"
                elif typed:
                    add(" ".join(core), core[0].endswith("school"))  # "De Zilveren Eik"
                if typed or len(core) > 1 or core[0].endswith("school"):
                    add(term, True)
                    towns.update(core[1:])
                    continue
                cores.add(core[0])
            for word in cores:
                add(word, False)
                add(word + "school", True)  # "de Vlindertuinschool", as "esdoornschool"
                for head in lx.NAME_COMPOUND_HEADS:
                    add(word + head, True)  # "de vlindertuinjuf", "Zwanenhofouders"
                for variant in spelling_variants(word) | name_diminutives(word):
                    add(variant, False)
                self._split.setdefault(word, NameTerm(school.code, False, word))
                if len(word) >= _FUZZY_MIN:
                    self._fuzzy.setdefault(word[0], []).append(NameTerm(school.code, False, word))
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
            town: NameTerm(next(iter(codes)), True, " ".join(town))
            for town, codes in schools_in.items()
            if len(codes) == 1
        }

    def find(self, post: Prepared) -> SchoolHits:
        """The schools a post names, the terms and the words that name them."""
        post = post.with_glued_words_apart(GLUE_BEFORE)  # "De.Vlindertuin"
        broken: set[int] = set()  # "Es↵doorn": a name's first part before a line break

        def wraps(i: int) -> bool:
            if self._name_broken_after(post.words, i):
                broken.add(i)
                return True
            return wraps_after(post.words, i)

        post = post.with_wrapped_lines_joined(wraps)
        sentences = post.sentences
        strong: dict[str, list[str]] = {}
        at: dict[str, set[int]] = {}
        ambiguous: list[tuple[int, NameTerm]] = []
        mentioned: set[int] = set()  # word indexes

        def take(term: NameTerm, indexes, in_text: bool = True) -> None:
            strong.setdefault(term.school, []).append(term.term)
            at.setdefault(term.school, set()).update(indexes)
            if in_text:
                mentioned.update(indexes)

        for start, end, _pattern, term in self._automaton.finditer(name_forms(post.words)):
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
        paired = side_by_side(post, ambiguous)
        proper = set(strong) | {t.school for i, t in ambiguous if written_as_proper_noun(post, i)}
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
            if first_word(post, index)
            and not other_town(post, index, self._towns.get(term.school, set()))
        ]
        firsts = [(i, term) for i, term in starts if capitalised_first_word(post, i)]
        if not found and len({term.school for _i, term in firsts}) < 2:
            # "Zwanenhof reageert nooit": alone, a first word counts when it acts as a school
            # (a lower-case or shouted one, whose capital tells nothing, only more plainly)
            firsts = [
                (i, term)
                for i, term in starts
                if acts_as_organisation(post, i, plainly=not capitalised_first_word(post, i))
            ]
        taken = {i for i, _term in firsts}
        named = {code: {*at.get(code, ())} for code in found}
        for index, term in firsts:
            named.setdefault(term.school, set()).add(index)
        firsts += judged_beside_another(post, [n for n in later if n[0] not in taken], named)
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

    def _genitives(self, post: Prepared) -> list[tuple[int, NameTerm]]:
        """'Vlindertuins juffen', 'Esdoorns directeur': the bare name with a genitive s,
        followed by a school word (a plural of the tree is followed by none)."""
        words, sentences = post.words, post.sentences
        found = []
        for i in range(len(words) - 1):
            word = words[i]
            if not word.endswith("s") or sentences[i + 1] != sentences[i]:
                continue
            term = self._split.get(word[:-1])
            if term is not None and is_school_word(words[i + 1]):
                found.append((i, NameTerm(term.school, True, word)))
        return found

    def _town_schools(self, post: Prepared) -> list[tuple[int, NameTerm]]:
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

    def _typos(self, post: Prepared, taken: set[int]) -> list[tuple[int, NameTerm]]:
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
                or not (shouted or post.cased[i][:1].isupper() or first_word(post, i))
            ):
                continue
            for term in terms:
                if word == term.term + "s":
                    continue  # "Esdoorns": a plural of the ordinary word ("Zwanenhoff" is a typo)
                if abs(len(word) - len(term.term)) <= 1 and one_edit(word, term.term):
                    found.append((i, term))
        return found

    def _prefixed_tags(self, post: Prepared, taken: set[int]) -> list[tuple[int, NameTerm]]:
        """'#DeVlindertuinExloo', '@obs_het_zwanenhof_borger': a hashtag or handle that is a
        school's tag behind articles or school-type words ("de", "obs", "basisschool")."""
        found = []
        for i, form in enumerate(name_forms(post.words)):
            if form[0] not in "#@" or i in taken:
                continue
            for body in prefixes_taken_off(form[1:]):
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

    def _split_names(self, post: Prepared, broken: set[int]) -> list[tuple[int, NameTerm]]:
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
            host = HOST.match(url)
            if not host:
                continue
            name = re.sub(r"[^a-z0-9]", "", host.group(1).lower())
            for code, compacts in self._compact.items():
                if any(c in name for c in compacts) and not self._other_place_in(name, code):
                    yield NameTerm(code, True, host.group(0).lower()), range(first, last)

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
            host = HOST.match(url)
            path = url[host.end() :] if host else url
            for part in re.split(r"[/?#&=]", path):
                words = normalise(LINK_WORD_BREAKS.sub(" ", LINK_SUFFIX.sub("", part))).split()
                if not words:
                    continue
                for term in self._path_names(words):
                    yield NameTerm(term.school, True, "/" + part.lower()), range(first, last)

    def _path_names(self, words: list[str]) -> list[NameTerm]:
        found = []
        for start, end, _pattern, term in self._automaton.finditer(name_forms(words)):
            rest = words[:start] + words[end:]
            if term.strong or all(w in TAG_PREFIXES_SET or w.isdigit() for w in rest):
                found.append(term)
        if not found and len(words) == 1:
            body = without_prefixes(words[0])
            if body in self._tags:
                found.append(self._tags[body])  # "devlindertuin", "obsdevlindertuin"
        return found

    def _is_school(self, post: Prepared, index: int, school: str, others: bool) -> bool:
        """`others`: another school is named in the post as a proper noun or strong term."""
        words, sentences = post.words, post.sentences
        before = words[index - 1] if index and sentences[index - 1] == sentences[index] else ""
        after = words[index + 1 : index + 3]
        towns = self._towns.get(school, set())
        if other_town(post, index, towns) or street_address(post, index):
            return False
        if own_town(post, index, towns) or self._town_follows(post, index, school):
            return True  # "de vlindertuin in Exloo", as the alias "Vlindertuin Exloo"
        if written_as_proper_noun(post, index):
            return True
        if before in lx.POSSESSIVES:
            return False  # "onze esdoorn" in the garden
        if after[:1] == ["van"] and after[1:] and after[1] in lx.POSSESSIVES:
            return False  # "de vlindertuin van mijn oma"
        if post.mostly_upper and institution_before(post, index):
            return True  # "BIJ DE VLINDERTUIN": shouting hides the capital
        if visited_place(post, index):
            return False  # "groep 4 heeft in de vlindertuin gespeeld"
        if ordinary_sense(post, index) and (others or not school_word_in_sentence(post, index)):
            # "Groep 7 van Het Zwanenhof ging naar de vlindertuin, de rupsen ...": the school
            # words are the other school's ("zwanenhof gaat met groep 3 naar het bos" stays)
            return False
        return has_school_context(post)


_TOWN_SCHOOL_TRIGGERS = lx.TOWN_SCHOOL_WORDS | lx.TOWN_SCHOOL_PUBLIC
