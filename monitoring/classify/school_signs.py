"""Whether a bare name in a post is the school: the signs around the word.

A school's bare name is often an ordinary word (a butterfly garden, a maple, swans). These
functions read the words around one (its case, the first word of a sentence, what follows
it, school words, nature words, towns and streets) for `SchoolFinder`."""

import re

from . import lexicon as lx
from .school_names import NameTerm
from .text import Prepared


def first_word(post: Prepared, index: int) -> bool:
    """The sentence's first word, or its second after an article ('HET ZWANENHOF ...')."""
    sentences = post.sentences
    if index and sentences[index - 1] == sentences[index]:
        return post.words[index - 1] in lx.NAME_ARTICLES and (
            index == 1 or sentences[index - 2] != sentences[index]
        )
    return True


def wraps_after(words: list[str], index: int) -> bool:
    """A word a line cannot end a sentence with: "de", "obs"; "het" after a preposition
    ("op het\nZwanenhof"; "ik weet het" ends one)."""
    word = words[index]
    return word in lx.LINE_WRAP_WORDS or (
        word in lx.LINE_WRAP_AFTER_PREPOSITION
        and index > 0
        and words[index - 1] in lx.CAPS_NAME_PREPOSITIONS
    )


def written_as_proper_noun(post: Prepared, index: int) -> bool:
    """A capital in mid-sentence (or after an article), in a post that does not shout."""
    return (
        post.cased[index][:1].isupper()
        and bool(index)
        and post.sentences[index - 1] == post.sentences[index]
        and not post.mostly_upper
    )


def school_word_in_sentence(post: Prepared, index: int) -> bool:
    sentence = post.sentences[index]
    return any(
        is_school_word(word) and s == sentence
        for word, s in zip(post.words, post.sentences, strict=True)
    )


def capitalised_first_word(post: Prepared, index: int) -> bool:
    return not post.mostly_upper and post.cased[index][:1].isupper() and first_word(post, index)


def acts_as_organisation(post: Prepared, index: int, plainly: bool = False) -> bool:
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


def visited_place(post: Prepared, index: int) -> bool:
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


def side_by_side(post: Prepared, names: list[tuple[int, NameTerm]]) -> set[int]:
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
        if any(_loose_word(post, i) for i in (index, k)) or ordinary_sense(post, index, k):
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
    before = before_in_sentence(post, index)
    if before in lx.NAME_ARTICLES:
        before = before_in_sentence(post, index - 1)
    return before in lx.POSSESSIVES or before in {"een", "a"}


def _tends_a_plant(post: Prepared, index: int) -> bool:
    """'esdoorn reageert niet op snoeien': the name's sentence speaks of tending a plant."""
    sentence = post.sentences[index]
    return any(
        word in lx.PLANT_CARE_WORDS and s == sentence
        for word, s in zip(post.words, post.sentences, strict=True)
    )


def ordinary_sense(post: Prepared, index: int, pair: int | None = None) -> bool:
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


def judged_beside_another(
    post: Prepared, names: list[tuple[int, NameTerm]], at: dict[str, set[int]]
) -> list[tuple[int, NameTerm]]:
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
        and not ordinary_sense(post, i)
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
        word in lx.OWN_CHILD_WORDS and any(w in OWN_POSSESSIVES for w in words[max(0, i - 2) : i])
        for i, word in enumerate(words)
    )


OWN_POSSESSIVES = frozenset({"mijn", "m'n", "onze", "ons", "my", "our"})


def _words_about(post: Prepared, index: int) -> list[int]:
    """The words after a sentence's first word that say what it does: the four after it
    in its sentence, or the whole next clause when a comma or colon sets the name apart.
    Fillers ("al drie weken", "weer eens") are passed over, not counted."""
    sentence, words, clauses = post.sentences[index], post.words, post.clauses
    k = index + 1
    if k < len(words) and post.sentences[k] == sentence and clauses[k] != clauses[index]:
        return [j for j in range(k, len(words)) if clauses[j] == clauses[k]]
    if k < len(words) and first_word(post, index) and post.sentences[k] != sentence:
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


def is_school_word(word: str) -> bool:
    """A word about school things: 'juffen', 'directeur', 'ouderraad', 'schoolplein'."""
    return (
        word in lx.SCHOOL_CONTEXT_WORDS
        or word in lx.STAFF_TITLES
        or word in _GENITIVE_HEADS
        or bool(_CONTEXT_PARTS.search(word))
    )


_GENITIVE_HEADS = frozenset({"kinderen", "team", "personeel", "nieuwsbrief", "website"})


def institution_before(post: Prepared, index: int) -> bool:
    """'bij de', 'op het' right before the name, in its sentence."""
    if index < 2 or post.sentences[index - 2] != post.sentences[index]:
        return False
    words = post.words
    return words[index - 1] in lx.NAME_ARTICLES and words[index - 2] in lx.CAPS_NAME_PREPOSITIONS


def street_address(post: Prepared, index: int) -> bool:
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


def own_town(post: Prepared, index: int, towns: set[str]) -> bool:
    """'de vlindertuin in Exloo': the name followed by the town of one of its aliases."""
    words, k = post.words, index + 2
    return (
        k < len(words)
        and post.sentences[k] == post.sentences[index]
        and words[index + 1] in {"in", "te", "uit"}
        and words[k] in towns
    )


def other_town(post: Prepared, index: int, towns: set[str]) -> bool:
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


def has_school_context(post: Prepared) -> bool:
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


def before_in_sentence(post: Prepared, index: int) -> str:
    if index and post.sentences[index - 1] == post.sentences[index]:
        return post.words[index - 1]
    return ""
