"""School detection: aliases, hashtags, ordinary words that are not the school."""

import pytest

from monitoring.classify import Classifier, Context, RegisterPupil, SchoolTerms

SCHOOLS = (
    SchoolTerms("vlindertuin", "OBS De Vlindertuin", ("De Vlindertuin", "Vlindertuin Exloo")),
    SchoolTerms("zwanenhof", "OBS Het Zwanenhof", ("Het Zwanenhof", "#zwanenhof")),
    SchoolTerms("esdoorn", "OBS De Esdoorn", ("Esdoorn Nieuw-Buinen", "esdoornschool")),
)


@pytest.fixture(scope="module")
def classifier():
    return Classifier(Context(SCHOOLS, (RegisterPupil("Sem", "Bakker", "vlindertuin"),)))


def schools(classifier, text):
    return set(classifier.classify(text).schools)


def test_it_finds_a_school_by_its_full_name(classifier):
    assert schools(classifier, "Open dag bij OBS De Vlindertuin zaterdag") == {"vlindertuin"}


def test_it_finds_a_school_by_a_hashtag_made_from_its_name(classifier):
    assert schools(classifier, "Weer een mooie ochtend #esdoorn") == {"esdoorn"}


def test_it_finds_a_school_by_its_website(classifier):
    assert schools(classifier, "Agenda: https://www.zwanenhofborger.example/agenda") == {
        "zwanenhof"
    }


def test_it_finds_two_schools_in_one_post(classifier):
    text = "Zowel De Vlindertuin als Het Zwanenhof doen mee aan de Koningsspelen"
    assert schools(classifier, text) == {"vlindertuin", "zwanenhof"}


def test_it_does_not_take_a_butterfly_garden_for_the_school(classifier):
    assert schools(classifier, "Wat een vlinders in de vlindertuin van mijn oma") == set()


def test_it_does_not_take_a_lowercase_tree_for_the_school(classifier):
    assert schools(classifier, "De esdoorn in de achtertuin wordt al rood") == set()


def test_it_does_not_take_a_street_named_after_the_tree_for_the_school(classifier):
    assert schools(classifier, "Esdoornstraat vanaf maandag afgesloten") == set()


def test_it_does_not_count_a_town_alone(classifier):
    assert schools(classifier, "Kermis in Exloo en in Nieuw-Buinen dit weekend") == set()


def test_it_does_not_count_the_foundation_as_a_school(classifier):
    assert schools(classifier, "Stichting OPO Borger-Odoorn zoekt een bestuurder") == set()


def test_it_accepts_an_ordinary_word_name_in_a_school_context(classifier):
    assert schools(classifier, "de juf van groep 3 op het zwanenhof is top") == {"zwanenhof"}


def test_it_accepts_the_bare_name_written_as_a_proper_noun(classifier):
    assert schools(classifier, "Vanochtend liep ik langs De Esdoorn") == {"esdoorn"}


def test_it_recognises_a_misspelling_or_dialect_form(classifier):
    assert schools(classifier, "Wij bint bliej mit de Vlindertuun") == {"vlindertuin"}


def test_it_recognises_a_typo_in_a_capitalised_long_name(classifier):
    assert schools(classifier, "Gisteren was het feest op De Vlinderuin") == {"vlindertuin"}


def test_it_does_not_take_a_capitalised_plural_for_a_typo(classifier):
    assert schools(classifier, "Prachtige Esdoorns in de laan") == set()


def test_it_does_not_take_an_institution_in_another_town_for_the_school(classifier):
    assert schools(classifier, "Kinderopvang De Esdoorn in Groningen breidt uit") == set()


def test_it_does_not_take_a_namesake_of_another_place_for_the_school(classifier):
    assert schools(classifier, "In de Vlindertuin van Emmen Zoo vliegen vlinders") == set()


def test_it_still_finds_the_school_followed_by_a_teacher(classifier):
    assert schools(classifier, "Groep 8 van De Vlindertuin van Juf Anke") == {"vlindertuin"}


def test_it_needs_word_boundaries(classifier):
    assert schools(classifier, "Het zwanenhofje achter de kerk") == set()


def test_it_gives_no_categories_without_a_school(classifier):
    result = classifier.classify("Die kankerlijer van een buurman, niemand doet er iets aan!")
    assert (result.schools, result.categories) == ((), ())


def test_it_ignores_capitals_when_a_post_shouts(classifier):
    assert schools(classifier, "DE ESDOORN IN DE TUIN IS PRACHTIG") == set()


# --- How a parent writing a complaint spells the school (the 2026-12-04 audit) ------------


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("Slecht geregeld bij De Vlinder tuin, weer niks gehoord", "vlindertuin"),
        ("Slecht geregeld bij De Vlinder-tuin, weer niks gehoord", "vlindertuin"),
        ("Waarom zegt Het Zwanen-hof niks over de nieuwe juf?", "zwanenhof"),
    ],
)
def test_it_finds_a_name_split_by_a_space_or_hyphen(classifier, text, school):
    assert schools(classifier, text) == {school}


def test_it_keeps_a_split_lowercase_name_an_ordinary_word(classifier):
    assert schools(classifier, "Vlinders gespot in de vlinder tuin van het park") == set()


def test_it_reads_a_name_hyphenated_by_an_invisible_soft_hyphen(classifier):
    # Web pages and feeds hyphenate long words with U+00AD; copied text keeps it.
    assert schools(classifier, "Wat een puinhoop bij De Vlinder\u00adtuin") == {"vlindertuin"}


def test_it_reads_a_name_with_a_zero_width_space(classifier):
    assert schools(classifier, "Wat een puinhoop bij De Esdo\u200born") == {"esdoorn"}


def test_it_finds_the_bare_name_in_the_schools_own_town(classifier):
    text = "heel slecht geregeld bij de vlindertuin in Exloo, niemand laat iets weten"
    assert schools(classifier, text) == {"vlindertuin"}


def test_it_finds_a_shouted_name_with_its_article(classifier):
    text = "HEEL SLECHT GEREGELD BIJ DE VLINDERTUIN, NIEMAND LAAT IETS WETEN!!"
    assert schools(classifier, text) == {"vlindertuin"}


def test_it_does_not_take_a_shouted_garden_of_someone_for_the_school(classifier):
    assert schools(classifier, "WAT EEN VLINDERS IN DE VLINDERTUIN VAN MIJN OMA") == set()


def test_it_finds_the_name_compounded_with_school(classifier):
    text = "Heel slecht geregeld bij de Vlindertuinschool, niemand laat iets weten"
    assert schools(classifier, text) == {"vlindertuin"}


def test_it_finds_a_diminutive_of_the_name_in_a_school_context(classifier):
    text = "De Esdoorntjes van groep 3 werden weer eens vergeten bij het uitje"
    assert schools(classifier, text) == {"esdoorn"}


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("Wat een chaos bij #DeVlindertuinExloo vandaag", "vlindertuin"),
        ("@obs_het_zwanenhof@social.example waarom reageert niemand?", "zwanenhof"),
        ("Weer geen antwoord #BasisschoolDeEsdoorn", "esdoorn"),
    ],
)
def test_it_finds_a_tag_with_an_article_or_school_word_before_the_name(classifier, text, school):
    assert schools(classifier, text) == {school}


def test_it_does_not_strip_an_article_from_a_tag_that_is_no_school(classifier):
    assert schools(classifier, "Mooie avond in #Deventer en #hetpark") == set()


# A school's code is often its BRIN number and the board may enter no aliases: the name
# alone ("OBS De Esdoorn") must give the ways parents write it.
NAME_ONLY = (
    SchoolTerms("12ab", "OBS De Esdoorn", ()),
    SchoolTerms("13cd", "OBS Noorderschool", ()),
    SchoolTerms("14ef", "OBS De Kleine Wereld", ()),
)


@pytest.fixture(scope="module")
def name_only():
    return Classifier(Context(NAME_ONLY, ()))


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("Slecht geregeld bij De Esdoorn, weer niks gehoord", "12ab"),
        ("de juf van groep 5 op de esdoorn doet niks tegen pesten", "12ab"),
        ("slecht geregeld bij de noorderschool, weer niks gehoord", "13cd"),
        ("Slecht geregeld bij De Kleine Wereld, weer niks gehoord", "14ef"),
    ],
)
def test_it_finds_a_school_by_its_name_without_obs_when_it_has_no_aliases(name_only, text, school):
    assert schools(name_only, text) == {school}


def test_a_name_without_obs_stays_an_ordinary_phrase_in_lower_case(name_only):
    assert schools(name_only, "Het is ook een kleine wereld, kwam mijn buurman tegen") == set()
    assert schools(name_only, "De esdoorn in de achtertuin wordt al rood") == set()


# --- Misses of the classifier audit (names in links, glued or genitive names, towns) -------


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("https://example.nl/nieuws/de-vlindertuin/", "vlindertuin"),
        ("https://example.nl/nieuws/obs-de-vlindertuin-exloo", "vlindertuin"),
        ("Lees dit https://example.nl/nieuws/vlindertuin-exloo-krijgt-nieuwe-juf", "vlindertuin"),
        ("https://krant.example/regio/het_zwanenhof?ref=fb", "zwanenhof"),
        ("kijk https://example.nl/scholen/devlindertuin", "vlindertuin"),
        ("https://example.nl/nieuws/esdoorn-nieuw-buinen", "esdoorn"),
        ("https://krant.example/artikel/48213-het-zwanenhof", "zwanenhof"),
    ],
)
def test_it_finds_a_school_named_only_in_a_links_path(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "https://natuur.example/tuin/de-esdoorn-snoeien-in-het-najaar",
        "https://example.nl/uitjes/vlindertuinen-in-drenthe",
        "https://example.nl/esdoornstraat-afgesloten",
        "https://example.nl/de-vlindertuin-van-emmen-zoo",
    ],
)
def test_it_does_not_take_an_ordinary_word_in_a_links_path_for_the_school(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("De.Vlindertuin is echt top", "vlindertuin"),
        ("Weer niks gehoord van het.Zwanenhof", "zwanenhof"),
        ("Vlindertuins juffen zijn top", "vlindertuin"),
        ("Waarom zegt de Esdoorns directeur niks?", "esdoorn"),
        ("wat een chaos, zwanenhofs ouderraad weet van niks", "zwanenhof"),
    ],
)
def test_it_finds_a_name_glued_to_its_article_or_with_a_genitive_s(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Prachtige esdoorns langs de Hoofdstraat in Nieuw-Buinen",
        "De Esdoorns in de laan worden al rood",
        "Klaar.Esdoorns snoeien is zwaar werk",
    ],
)
def test_it_keeps_a_plural_of_the_tree_no_school(classifier, text):
    assert schools(classifier, text) == set()


def test_it_finds_the_first_word_of_a_post_comparing_two_schools(classifier):
    text = "Vlindertuin top, Zwanenhof slecht"
    assert schools(classifier, text) == {"vlindertuin", "zwanenhof"}


def test_it_finds_the_school_in_a_town_that_has_one_school(classifier):
    # The devset's context: De Vlindertuin is the foundation's only school in Exloo.
    assert schools(classifier, "De school in Exloo laat ons weer zitten") == {"vlindertuin"}
    assert schools(classifier, "Waarom hoor je niks van de basisschool in Exloo?") == {
        "vlindertuin"
    }


def test_it_does_not_take_a_school_in_a_town_for_the_foundations_school(classifier):
    # d-014 of the ownset: "a school in Exloo" is any school there
    assert schools(classifier, "De Esdoorn gaat fuseren met een school in Exloo") == {"esdoorn"}


# A school named after its village ("OBS Exloo") next to another school in that village.
TOWN_NAMED = (
    *SCHOOLS,
    SchoolTerms("exloo", "OBS Exloo", ()),
    SchoolTerms("buinen", "Openbare Basisschool Nieuw-Buinen", ()),
)


@pytest.fixture(scope="module")
def town_named():
    return Classifier(Context(TOWN_NAMED, ()))


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("OBS Exloo is echt top", "exloo"),
        ("Weer geen reactie van obs exloo", "exloo"),
        ("Wat een chaos #obsexloo", "exloo"),
        ("Slecht geregeld bij Openbare Basisschool Nieuw-Buinen", "buinen"),
    ],
)
def test_it_finds_a_school_named_after_its_town_by_its_name(town_named, text, school):
    assert schools(town_named, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Ik woon al tien jaar in Exloo, mooi dorp",
        "De kinderen in Exloo zijn blij met de nieuwe speeltuin bij groep 3",
        "Kermis #exloo dit weekend",
        "Exloo wint de dorpsquiz, de juf van mijn zoon deed ook mee",
        "Nieuw-Buinen krijgt een nieuwe bakker",
        "Stichting OPO Borger-Odoorn zoekt een bestuurder",
        # two of the foundation's schools are in Exloo: which one is meant?
        "De school in Exloo laat ons weer zitten",
    ],
)
def test_it_does_not_take_a_town_for_the_school_named_after_it(town_named, text):
    assert schools(town_named, text) == set()


def test_it_reads_school_words_spelt_in_spaced_letters_as_school_context(classifier):
    # f4-024 of the fresh set: a split lowercase name, the context in spaced letters
    assert schools(classifier, "vlinder tuin = k u t s c h o o l") == {"vlindertuin"}


@pytest.mark.parametrize(
    "text",
    [
        "Wij wonen aan de Zwanenhof, gezellige straat",
        "Wij wonen aan de Vlindertuin in Exloo, gezellige straat",
        "Te koop: De Esdoorn 12, Nieuw-Buinen, vlakbij de school",
        "OBS De Esdoorn in Emmen zoekt een juf",
        "https://www.vlindertuinemmen.example/openingstijden",
    ],
)
def test_it_does_not_take_a_street_or_a_namesake_elsewhere_for_the_school(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Schoolreisje De Vlindertuin: €45 per kind en nog steeds geen idee",  # f1-015
        "Feest! Het Zwanenhof 50 jaar, de juffen hebben het mooi gemaakt",
        "Mijn zoon gaat graag naar De Vlindertuin 😊",
    ],
)
def test_it_keeps_the_school_followed_by_a_number_or_reached_by_aan(classifier, text):
    assert schools(classifier, text) != set()


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("de vlindertuinjuf is al weken ziek en niemand zegt iets", "vlindertuin"),
        ("Zwanenhofouders, let op: de ouderavond is verzet", "zwanenhof"),
    ],
)
def test_it_finds_the_name_compounded_with_a_school_person(classifier, text, school):
    assert schools(classifier, text) == {school}


def test_it_finds_two_schools_each_named_first_in_its_sentence(classifier):
    assert schools(classifier, "Zwanenhof: top. Esdoorn: waardeloos") == {"zwanenhof", "esdoorn"}


@pytest.mark.parametrize(
    "text",
    [
        "De Vlinder in Emmen is een mooie school",  # a similar name outside the foundation
        "Basisschool De Vlinder in Assen: slecht geregeld",
        "De Vlindertuinstraat is afgesloten, kinderen moeten omlopen naar school",
        "Zwanenhofweg afgesloten, kinderen moeten omlopen naar school",
        "Vlindertuinen in Drenthe: de mooiste 10",
        "Vlindertuins zijn mooi in de zomer",
        "De Vlindertuin in Emmen is prachtig",
        "Kermis in Exloo! #exloo",
        "Mijn zoon zit op een school in Exloo, top daar",
        "de scholen in Exloo zijn dicht",
        "Ik zag de.esdoorn in de tuin",
        "ESDOORNS LANGS DE WEG GEKAPT",
    ],
)
def test_it_takes_no_adversarial_namesake_for_a_school(classifier, text):
    assert schools(classifier, text) == set()


# --- A sentence's first word (the 2026-12-05 complaint audit) -------------------------------


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # a typo in the post's first word: a typo in a later sentence's first word counted
        ("Zwanenhoff: de juf reageert nooit op mails", "zwanenhof"),
        ("Zwanenhoff Borger. Al 3 weken geen gym.", "zwanenhof"),
        # the bare name first, doing what only a school does: no "school" needed
        ("Zwanenhof reageert nooit op mails", "zwanenhof"),
        ("Vlindertuin informeert ons weer niet over de staking", "vlindertuin"),
        ("Zwanenhoff reageert nooit op mails", "zwanenhof"),
        ("Gisteren weer niks gehoord. Esdoorn communiceert gewoon slecht.", "esdoorn"),
        ("Zwanenhof is slecht geregeld", "zwanenhof"),
        ("Vlindertuin: de communicatie kan echt een stuk beter.", "vlindertuin"),
    ],
)
def test_it_finds_a_school_named_first_in_a_sentence(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Esdoorn verliest in de herfst zijn blad",
        "Esdoorns reageren slecht op droogte",
        "vlindertuin reageert op het weer, de vlinders blijven binnen",
        "Zwanenhoff is een mooie naam voor een boerderij",
        "Esdoorn kreeg geen reactie van de snoeier",
        "Vlindertuin in het park is prachtig georganiseerd, veel vlinders",
    ],
)
def test_it_keeps_a_first_word_without_a_school_sign_an_ordinary_word(classifier, text):
    assert schools(classifier, text) == set()


def test_it_flags_the_complaint_of_a_school_named_first(classifier):
    result = classifier.classify("Zwanenhof reageert nooit op mijn mails")
    assert result.categories == ("negative_experience",)


# --- Known complaints still missed (the 2026-12-05 complaint audit, part 2) -----------------


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # the name, a comma or colon, and what the rest of that clause says of it
        ("Zwanenhof, geen reactie op mijn mails", "zwanenhof"),
        ("Zwanehof: al drie weken geen reactie op mijn mailtjes", "zwanenhof"),
        # shouting: the capital tells nothing, a negated organisation verb does
        ("ZWANENHOF REAGEERT NOOIT", "zwanenhof"),
        # shouting with a doubled letter: a typo is looked for in a shouted post too
        ("ZWANENHOFF REAGEERT NOOIT", "zwanenhof"),
        # a dropped letter (a spelling variant)
        ("Zwanehof reageert nooit op mails", "zwanenhof"),
    ],
)
def test_it_finds_a_known_complaints_school(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Zwanenhof, geen reactie op mijn mails",
        "ZWANENHOFF REAGEERT NOOIT",
        "Zwanehof reageert nooit op mails",
    ],
)
def test_it_gives_a_known_complaint_to_its_school(classifier, text):
    result = classifier.classify(text)
    assert "negative_experience" in {flag.category for flag in result.flags_for("zwanenhof")}


@pytest.mark.parametrize(
    "text",
    [
        "VLINDERTUIN REAGEERT OP HET WEER, DE VLINDERS BLIJVEN BINNEN",
        "ESDOORN VERLIEST IN DE HERFST ZIJN BLAD",
        "ESDOORNS REAGEREN SLECHT OP DROOGTE",
        "Esdoorn, eik en beuk: prachtig in de herfst, geen mails meer over de snoeibeurt",
        "Vlindertuin: rondleiding georganiseerd door het IVN",
        "Vlindertuin, een mooie middag georganiseerd door de natuurvereniging",
    ],
)
def test_it_keeps_a_shouted_or_topical_first_word_an_ordinary_word(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # the alias "name + town" written with a typo, shouted or not
        ("ESDOORM NIEUW-BUINEN IS EEN PUINHOOP", "esdoorn"),
        ("Vlindertuinn Exloo is een puinhoop", "vlindertuin"),
    ],
)
def test_it_finds_a_misspelt_name_followed_by_its_town(classifier, text, school):
    assert schools(classifier, text) == {school}


def test_it_takes_no_part_of_a_town_after_the_bare_word_for_the_town(classifier):
    assert schools(classifier, "de esdoorn nieuw geplant, de oude was ziek") == set()


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # an article before a sentence's first name, shouted or in lower case
        ("HET ZWANENHOF REAGEERT GEWOON NIET", "zwanenhof"),
        ("het zwanenhof reageert nooit op mijn mails", "zwanenhof"),
    ],
)
def test_it_finds_a_plain_name_after_an_article_first_in_a_sentence(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    ["de vlindertuin reageert op het weer", "DE ESDOORN VERLIEST ZIJN BLAD, ZEGT DE HOVENIER"],
)
def test_it_keeps_a_plain_name_after_an_article_an_ordinary_word(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # a line broken after an article (a wrapped line) is no sentence end for a name
        ("Alweer geen reactie van de\nEsdoorn op mijn mail", "esdoorn"),
        ("Mijn zoon zit op het\nZwanenhof en niemand reageert", "zwanenhof"),
        ("Wij zijn heel blij met de\nZwanenhof", "zwanenhof"),
    ],
)
def test_it_reads_a_name_after_a_wrapped_line(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Ik weet het\nEsdoorn verliest zijn blad al",  # "het" ends a sentence there
        "Mooi plaatje van de\nesdoorn in de tuin",
    ],
)
def test_it_keeps_a_line_start_after_a_sentence_an_ordinary_word(classifier, text):
    assert schools(classifier, text) == set()


# --- Parents' wording II (ownset p-016 … p-030 and the known misses) ------------------------


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # a name broken inside the word at a line end, with a hyphen or without one
        ("Wij hebben van De Vlinder-\ntuin nog steeds geen rapport gehad", "vlindertuin"),
        ("Alweer geen reactie van het Zwanen\nhof op mijn mail", "zwanenhof"),
        ("Mijn zoon zit op het Zwanen-\nhof en niemand reageert", "zwanenhof"),
    ],
)
def test_it_reads_a_name_broken_over_a_line(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Kijk die zwanen\nhof daar bij de vijver",  # two lower-case words, no school sign
        "Mooie vlinder-\ntuin in het park",
    ],
)
def test_it_keeps_a_name_broken_over_a_line_an_ordinary_word(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # a first word run as a mess, in a post about the writer's own child
        ("Zwanehof is een puinhoop, mijn dochter komt elke dag huilend thuis", "zwanenhof"),
        ("Esdoorn is echt een chaos. Onze zoon weet nooit hoe laat hij uit is", "esdoorn"),
        ("zwanenhof is een zooitje, m'n kind wil er niet meer heen", "zwanenhof"),
        ("Vlinder tuin is een puinhoop, mijn dochter komt huilend thuis", "vlindertuin"),
    ],
)
def test_it_finds_a_first_name_run_as_a_mess_for_the_writers_child(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Zwanenhof is een puinhoop na de storm, de zwanen zijn weg",  # no child
        "Esdoorn is een puinhoop na de storm, mijn buurman ruimt het op",  # not the writer's child
        "Vlindertuin was prachtig, mijn dochter wilde niet meer weg",  # a child, no mess
    ],
)
def test_it_keeps_a_mess_without_the_writers_child_an_ordinary_word(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # a tree or garden "that does not respond" to its care is no school
        "esdoorn reageert niet op snoeien",
        "Esdoorn reageert nooit op extra water, de bladeren blijven bruin",
        "VLINDERTUIN REAGEERT NIET OP DE NIEUWE PLANTEN",
    ],
)
def test_it_keeps_a_plant_that_does_not_respond_to_its_care_no_school(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("Esdoorn reageert niet op mijn mails over de snoepregels", "esdoorn"),
        ("ZWANENHOF REAGEERT NOOIT", "zwanenhof"),
    ],
)
def test_it_still_finds_a_school_that_does_not_respond(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # two of the foundation's names side by side, in lower case or shouted
        (
            "vlindertuin en esdoorn allebei dicht vanwege de storm en wij horen het om 8 uur",
            {"vlindertuin", "esdoorn"},
        ),
        ("ZWANENHOF EN ESDOORN ALLEBEI DICHT VANDAAG??", {"zwanenhof", "esdoorn"}),
        ("wie weet of de zwanenhof of de esdoorn morgen open is?", {"zwanenhof", "esdoorn"}),
        ("vlindertuin & zwanenhof: wie weet meer?", {"vlindertuin", "zwanenhof"}),
    ],
)
def test_it_finds_two_schools_named_side_by_side(classifier, text, found):
    assert schools(classifier, text) == found


@pytest.mark.parametrize(
    "text",
    [
        "een vlindertuin en een esdoorn in de achtertuin",  # any garden, any tree
        "vlindertuin en esdoorn staan prachtig in bloei",  # plants
        "In de vlindertuin staat een esdoorn",  # not side by side
    ],
)
def test_it_keeps_a_garden_beside_a_tree_no_school(classifier, text):
    assert schools(classifier, text) == set()


# --- Namesakes (ownset p-031 … p-045 and the known limits of 2026.12.7) ---------------------


@pytest.mark.parametrize(
    ("text", "school"),
    [
        # a part shorter than three letters: a line break without a hyphen inside the name
        ("Alweer niks gehoord van de Es\ndoorn over het rapportgesprek", "esdoorn"),
        ("Geen reactie van Es\ndoorn op mijn mail", "esdoorn"),
        ("Ouders van de Zwa-\nnenhof zijn boos", "zwanenhof"),
    ],
)
def test_it_reads_a_name_broken_over_a_line_with_a_short_part(classifier, text, school):
    assert schools(classifier, text) == {school}


@pytest.mark.parametrize(
    "text",
    [
        "Bij de vijver staan es\ndoorn en vlier",  # lower case, no sign of a school
        "een es, doorn en vlier in de heg",  # a comma: three plants
        "De Es doorn",  # a short part on one line is no name written as two words
    ],
)
def test_it_keeps_short_parts_not_broken_over_a_line_apart(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # a garden and a tree in a park, side by side
        ("vlindertuin en esdoorn in het park", set()),
        ("in het park komen vlindertuin en esdoorn terug na de storm van vorig jaar", set()),
        # a butterfly garden called a mess, in a post about the writer's children
        ("Vlindertuin was één grote chaos, onze kinderen zagen geen vlinder", set()),
        # school words belong to the school named; the garden and the tree stay themselves
        (
            "Groep 7 van Het Zwanenhof ging naar de vlindertuin, de rupsen waren het mooist",
            {"zwanenhof"},
        ),
        ("Leerlingen van Het Zwanenhof planten esdoorn en linde op het plein", {"zwanenhof"}),
    ],
)
def test_it_keeps_a_garden_or_tree_among_nature_words_no_school(classifier, text, found):
    assert schools(classifier, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # still schools: a capital in mid-sentence, a school's own mess, a name with school words
        ("De Vlindertuin was één grote chaos, mijn zoon wist niet in welke klas", {"vlindertuin"}),
        ("Groep 5 van De Esdoorn ging naar de vlindertuin in het park", {"esdoorn"}),
        ("De juffen van de esdoorn zijn top", {"esdoorn"}),
        # school words in the name's own sentence, no other school named: the school's trip
        ("zwanenhof gaat met groep 3 naar het bos", {"zwanenhof"}),
        ("de vlindertuin heeft de juffen met bloemen bedankt", {"vlindertuin"}),
        # nature in another clause than a pair of names; an organisation's verb beside a park
        (
            "vlindertuin en esdoorn allebei dicht vanwege de storm, de bomen zijn omgewaaid",
            {"vlindertuin", "esdoorn"},
        ),
        ("Vlindertuin regelt niks, de kinderen mochten weer niet naar het park", {"vlindertuin"}),
    ],
)
def test_it_still_finds_a_school_beside_nature_words(classifier, text, found):
    assert schools(classifier, text) == found


@pytest.mark.parametrize(
    "text",
    [
        # a plant gets no mails: what the mails are about is no care of the name
        "Esdoorn reageert niet op mails over de moestuin-planten",
        "Esdoorn beantwoordt al drie weken geen mails over de bloembollen en plantjes",
    ],
)
def test_it_finds_a_school_that_answers_no_mails_about_plants(classifier, text):
    assert schools(classifier, text) == {"esdoorn"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # two of the foundation's names, each judged: two schools compared
        ("vlindertuin top zwanenhof slecht", {"vlindertuin", "zwanenhof"}),
        (
            "esdoorn doet het prima dit jaar, vlindertuin is een drama",
            {"esdoorn", "vlindertuin"},
        ),
        (
            "vlindertuin super geregeld met de kerstviering, zwanenhof weer eens niks laten weten",
            {"vlindertuin", "zwanenhof"},
        ),
    ],
)
def test_it_finds_two_schools_each_judged(classifier, text, found):
    assert schools(classifier, text) == found


@pytest.mark.parametrize(
    "text",
    [
        "vlindertuin top vandaag",  # one name judged: a garden can be top
        "vlindertuin top, esdoorn slecht gesnoeid",  # a tree's care
        "vlindertuin prachtig, esdoorn kaal",  # looks, no verdict on a school
    ],
)
def test_it_keeps_names_not_judged_as_schools_ordinary_words(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # a name first that lets nothing be known acts as an organisation
        ("vlindertuin weer eens niks laten weten 🙄", {"vlindertuin"}),
        ("Zwanenhof laat nooit iets weten", {"zwanenhof"}),
        # letting something be known, or a tree letting go of its leaves, is no complaint sign
        ("vlindertuin laat het weten als de eerste vlinders er zijn", set()),
        ("esdoorn laat niks van zijn blad over", set()),
    ],
)
def test_it_finds_a_first_name_that_lets_nothing_be_known(classifier, text, found):
    assert schools(classifier, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # a name first and judged, in a post about choosing, leaving or being done with it
        ("Zwanehof is slecht, ik ben er klaar mee", {"zwanenhof"}),
        ("Zwanehof is gewoon slecht. ik ben er echt klaar mee 😤", {"zwanenhof"}),
        (
            "vlindertuin top, zo blij dat we daar voor onze jongste gekozen hebben 🥰",
            {"vlindertuin"},
        ),
        (
            "Vlindertuin is een rommeltje geworden, wij zijn er klaar mee\n"
            "kids maar thuis gehouden",
            {"vlindertuin"},
        ),
        # a name alone as a sentence is the post's topic
        ("Esdoorn.\nnooit meer.\nslechtste keuze ooit voor ons kind", {"esdoorn"}),
    ],
)
def test_it_finds_a_first_name_judged_as_a_school_chosen_or_left(classifier, text, found):
    assert schools(classifier, text) == found


@pytest.mark.parametrize(
    "text",
    [
        "vlindertuin top",  # a garden can be top
        "Vlindertuin top, onze jongste vond het geweldig",  # a day out with a child
        "vlindertuin top vandaag, zoveel vlinders gezien met de kids 🦋, daar kies ik voor",
        "Esdoorn is slecht gesnoeid, ik ben er klaar mee",  # a tree that was pruned
        "Zwanenhof is slecht onderhouden, het riet staat tot aan het water, klaar mee",
        "Esdoorn.\nprachtig in de herfst",
    ],
)
def test_it_keeps_a_judged_garden_or_tree_no_school(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "de kinderen van groep 4 hebben vandaag in de vlindertuin gespeeld, heerlijk weertje",
        "na school met de klas naar de vlindertuin achter de kerk geweest, juf had limonade mee",
        "groep 6 op excursie naar de vlindertuin 🚌",
    ],
)
def test_it_knows_a_garden_a_class_visits(classifier, text):
    assert schools(classifier, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "de kinderen van groep 4 van de vlindertuin moesten weer buiten spelen ipv gym",
        "groep 4 van De Vlindertuin heeft in de Vlindertuin gespeeld",  # a proper noun
        "mijn zoon gaat naar de vlindertuin, groep 3 is top",
    ],
)
def test_it_still_finds_a_school_beside_play(classifier, text):
    assert schools(classifier, text) == {"vlindertuin"}
