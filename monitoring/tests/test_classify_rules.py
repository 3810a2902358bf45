"""One rule family at a time, with small Dutch examples of our own (not the devset)."""

import pytest

from monitoring.classify import (
    CATEGORIES,
    RULE_VERSION,
    Classifier,
    Context,
    RegisterPupil,
    SchoolTerms,
)

SCHOOLS = (
    SchoolTerms("vlindertuin", "OBS De Vlindertuin", ("De Vlindertuin", "#vlindertuin")),
    SchoolTerms("zwanenhof", "OBS Het Zwanenhof", ("Het Zwanenhof", "#zwanenhof")),
)
PUPILS = (
    RegisterPupil("Sem", "Bakker", "vlindertuin"),
    RegisterPupil("Roos", "de Vries", "vlindertuin"),
    RegisterPupil("Storm", "Meijering", "zwanenhof"),
)
NAMES = ("sem", "bakker", "roos", "vries", "storm", "meijering")


@pytest.fixture(scope="module")
def classifier():
    return Classifier(Context(SCHOOLS, PUPILS))


def categories(classifier, text, has_media=False):
    return set(classifier.classify(text, has_media=has_media).categories)


# --- negative_experience ----------------------------------------------------------------


def test_it_flags_a_complaint_about_communication(classifier):
    text = "Weer niks gehoord van De Vlindertuin over de toetsen, al 3 weken wachten op antwoord"
    assert categories(classifier, text) == {"negative_experience"}


def test_it_flags_bullying_that_is_not_handled(classifier):
    text = "Onze zoon wordt gepest op Het Zwanenhof en de school doet er niks aan"
    assert categories(classifier, text) == {"negative_experience"}


def test_it_reads_a_negated_negative_as_praise(classifier):
    assert categories(classifier, "Helemaal niet slecht, de nieuwe gymzaal van De Vlindertuin") == {
        "positive"
    }


def test_it_reads_a_negated_positive_as_a_complaint(classifier):
    text = "Niet fijn hoe De Vlindertuin de overblijf regelt, en de kosten zijn onduidelijk"
    assert categories(classifier, text) == {"negative_experience"}


def test_it_lets_one_negation_turn_only_the_nearest_term(classifier):
    # "niet" belongs to "slecht"; "prima" after it is plain praise, not "niet prima"
    text = "Het Zwanenhof is niet slecht hoor, prima school met fijne juffen"
    assert categories(classifier, text) == {"positive"}


def test_it_reads_allesbehalve_as_a_strong_negation(classifier):
    text = "De overblijf bij Het Zwanenhof is allesbehalve goed geregeld"
    assert categories(classifier, text) == {"negative_experience"}


@pytest.mark.parametrize(
    "text",
    [
        "Mijn dochter voelt zich al weken niet meer veilig op Het Zwanenhof",
        "De invallers bij De Vlindertuin zijn niet aardig tegen de kleuters",
    ],
)
def test_it_reads_not_safe_and_not_kind_as_a_complaint(classifier, text):
    assert categories(classifier, text) == {"negative_experience"}


@pytest.mark.parametrize(
    "text",
    [
        "OBS DE VLINDERTUIN IS EEN DRAMA MET DIE OVERBLIJF",
        "Ik ben er helemaal klaar mee met De Vlindertuin en hun smoesjes",
        "Onze zoon stond na het uitje alleen bij Het Zwanenhof. Niemand belde ons.",
        "Drie keer gemaild naar Het Zwanenhof over de busregeling. Nul reactie.",
        "Ik heb het gevoel dat de directeur van De Vlindertuin ons niet serieus neemt",
    ],
)
def test_it_knows_everyday_complaint_idioms(classifier, text):
    assert categories(classifier, text) == {"negative_experience"}


def test_it_lets_an_intensifier_lift_a_weak_term_over_the_threshold(classifier):
    plain = "Onduidelijk hoe de overblijf bij De Vlindertuin werkt"
    strong = "Echt onduidelijk hoe de overblijf bij De Vlindertuin werkt"
    assert (categories(classifier, plain), categories(classifier, strong)) == (
        set(),
        {"negative_experience"},
    )


def test_it_reads_sarcastic_praise_among_complaints_as_negative(classifier):
    text = "Top geregeld weer bij De Vlindertuin, vierde keer deze maand geen gym."
    assert categories(classifier, text) == {"negative_experience"}


def test_it_reads_an_ironic_opener_among_complaints_as_negative(classifier):
    text = "Goh, wat fijn, De Vlindertuin. Weer geen juf voor groep 5, derde week op rij."
    assert categories(classifier, text) == {"negative_experience"}


def test_it_does_not_read_nothing_but_praise_as_a_complaint(classifier):
    assert categories(classifier, "Over De Vlindertuin hoor ik niks dan lof") == {"positive"}


def test_it_keeps_praise_and_complaint_about_two_schools(classifier):
    text = "Bij De Vlindertuin alles prima geregeld, bij Het Zwanenhof hoorden we maanden niks."
    assert categories(classifier, text) == {"positive", "negative_experience"}


def test_it_does_not_flag_a_problem_reported_as_solved_well(classifier):
    text = "Onze dochter werd gepest op De Vlindertuin, de juf heeft het meteen opgepakt. Top!"
    assert categories(classifier, text) == {"positive"}


# --- insult -----------------------------------------------------------------------------


def test_it_flags_abuse_in_leetspeak(classifier):
    assert categories(classifier, "die juf van #zwanenhof is een 1d10000t") == {"insult"}


def test_it_flags_abuse_with_spaces_between_letters(classifier):
    assert categories(classifier, "meester van De Vlindertuin = k l o o t z a k") == {"insult"}


def test_it_flags_a_masked_swear_word_aimed_at_staff(classifier):
    assert categories(classifier, "f*cking idiots, those teachers at Het Zwanenhof") == {"insult"}


def test_it_flags_a_curse_compound_aimed_at_the_school(classifier):
    assert categories(classifier, "Wat een kutschool is Het Zwanenhof") == {"insult"}


def test_it_does_not_flag_kanker_meaning_the_disease(classifier):
    text = "De juf van De Vlindertuin heeft kanker, we leven met haar mee"
    assert "insult" not in categories(classifier, text)


def test_it_does_not_flag_a_swear_word_that_intensifies_praise(classifier):
    text = "Teringleuk schoolreisje van De Vlindertuin, dank aan alle juffen!"
    assert categories(classifier, text) == {"positive"}


def test_it_does_not_flag_swearing_not_aimed_at_school_people(classifier):
    assert categories(classifier, "Kankerweer vandaag, toch naar De Vlindertuin gefietst") == set()


def test_it_does_not_flag_an_insult_word_that_is_denied(classifier):
    text = "De meester van Het Zwanenhof is geen idioot, hij doet gewoon zijn werk"
    assert "insult" not in categories(classifier, text)


def test_it_does_not_flag_an_interjection(classifier):
    text = "Shit, De Vlindertuin begint morgen al om half negen en ik moet werken"
    assert "insult" not in categories(classifier, text)


def test_it_flags_a_veiled_threat(classifier):
    text = "Die meester van Het Zwanenhof moet maar goed uitkijken als hij naar huis fietst"
    assert categories(classifier, text) == {"insult"}


def test_it_flags_mockery_without_curse_words(classifier):
    assert categories(classifier, "Stelletje amateurs op Het Zwanenhof 🤡") == {"insult"}


# --- privacy ----------------------------------------------------------------------------


def test_it_flags_a_register_pupil_named_in_full(classifier):
    assert "privacy" in categories(classifier, "Sem Bakker van De Vlindertuin kwam te laat")


def test_it_flags_a_register_first_name_near_a_group(classifier):
    text = "Roos uit groep 4 van De Vlindertuin was vandaag jarig"
    assert "privacy" in categories(classifier, text)


def test_it_does_not_flag_a_register_first_name_used_as_an_ordinary_word(classifier):
    text = "Na de storm was het plein van Het Zwanenhof een rommeltje, groep 5 ruimde op"
    assert "privacy" not in categories(classifier, text)


def test_it_does_not_flag_a_register_first_name_that_is_a_teacher(classifier):
    text = "Juf Roos van groep 4 van De Vlindertuin is geweldig"
    assert categories(classifier, text) == {"positive"}


def test_it_does_not_flag_a_register_full_name_that_is_a_teacher(classifier):
    text = "Meester Sem Bakker van De Vlindertuin gaat met pensioen"
    assert "privacy" not in categories(classifier, text)


def test_it_never_puts_a_pupil_name_in_matched_terms(classifier):
    texts = [
        "Roos de Vries van De Vlindertuin is zo'n kutwijf",
        "Storm Meijering van Het Zwanenhof op de schoolfoto",
        "Helemaal in de roos, die musical van De Vlindertuin",
        "sem uit groep 5 van De Vlindertuin heeft een gebroken arm",
    ]
    for text in texts:
        result = classifier.classify(text, has_media=True)
        terms = " ".join(result.matched + tuple(t for f in result.flags for t in f.matched))
        assert result.flags
        assert not set(terms.split()) & set(NAMES), terms


def test_it_reports_a_register_hit_as_a_placeholder(classifier):
    result = classifier.classify("Sem Bakker van De Vlindertuin")
    assert "register:pupil:vlindertuin" in result.matched


def test_it_flags_a_photo_of_children(classifier):
    text = "Foto van groep 6 van De Vlindertuin bij het zwembad"
    assert categories(classifier, text, has_media=True) == {"privacy"}


def test_it_does_not_flag_a_photo_of_a_building(classifier):
    text = "Foto van het nieuwe dak van De Vlindertuin"
    assert categories(classifier, text, has_media=True) == set()


def test_it_flags_a_link_to_pictures_of_named_pupils(classifier):
    text = "Foto's van Sem Bakker en de rest van De Vlindertuin: https://fotos.example/album"
    assert "link:media" in classifier.classify(text).matched


def test_it_flags_a_teachers_health_detail(classifier):
    text = "Meester Jan van Het Zwanenhof is overspannen, hoorde ik"
    assert categories(classifier, text) == {"privacy"}


def test_it_does_not_flag_a_parent_about_their_own_unnamed_child(classifier):
    text = "Mijn dochter heeft haar arm gebroken, de juf van De Vlindertuin belde ons keurig"
    assert "privacy" not in categories(classifier, text)


# --- verify_fact ------------------------------------------------------------------------


def test_it_flags_a_rumour_question_about_closing(classifier):
    text = "Klopt het dat Het Zwanenhof volgend jaar sluit?"
    assert categories(classifier, text) == {"verify_fact"}


def test_it_flags_the_head_leaving(classifier):
    text = "De directeur van De Vlindertuin stopt er na de zomer mee"
    assert categories(classifier, text) == {"verify_fact"}


def test_it_flags_a_moved_event(classifier):
    text = "Kerstviering De Vlindertuin verschoven naar 19 december"
    assert categories(classifier, text) == {"verify_fact"}


def test_it_does_not_take_a_closed_facility_in_a_complaint_for_a_closing(classifier):
    text = "Al weken is de gymzaal van Het Zwanenhof dicht en niemand vertelt ons iets"
    assert categories(classifier, text) == {"negative_experience"}


def test_it_flags_a_stated_event_date_but_not_an_asked_one(classifier):
    stated = "De kijkavond van De Vlindertuin is op donderdag 4 oktober"
    asked = "Is de kijkavond van De Vlindertuin op donderdag?"
    assert (categories(classifier, stated), categories(classifier, asked)) == (
        {"verify_fact"},
        set(),
    )


def test_it_does_not_take_a_wish_for_a_claim(classifier):
    text = "Die school kan beter gesloten worden, Het Zwanenhof"
    assert "verify_fact" not in categories(classifier, text)


def test_it_does_not_flag_a_question_without_a_claim(classifier):
    assert categories(classifier, "Hoe laat gaat Het Zwanenhof uit op vrijdag?") == set()


def test_it_does_not_take_a_pupil_moving_house_for_the_school_moving(classifier):
    text = "Roos uit groep 4 van De Vlindertuin gaat verhuizen"
    assert "verify_fact" not in categories(classifier, text)


# --- positive ---------------------------------------------------------------------------


def test_it_flags_thanks_to_the_team(classifier):
    assert categories(classifier, "Dank jullie wel, team van De Vlindertuin!") == {"positive"}


def test_it_flags_dialect_praise(classifier):
    assert categories(classifier, "Mooi wark, juffen van De Vlindertuin") == {"positive"}


def test_it_flags_emoji_only_praise(classifier):
    assert categories(classifier, "#vlindertuin 😍😍👏") == {"positive"}


def test_it_does_not_flag_praise_of_one_pupil_only(classifier):
    text = "Sem Bakker van De Vlindertuin heeft zijn zwemdiploma, knap hoor 👍"
    assert categories(classifier, text) == {"privacy"}


def test_it_does_not_flag_a_neutral_announcement(classifier):
    text = "De Vlindertuin zoekt hulpouders voor de avondvierdaagse, aanmelden bij de juf"
    assert categories(classifier, text) == set()


# --- result shape -----------------------------------------------------------------------


def test_it_gives_scores_in_range_and_categories_in_a_fixed_order(classifier):
    result = classifier.classify(
        "Die kutjuf van De Vlindertuin doet niks tegen pesten, Sem Bakker weet het ook"
    )
    assert list(result.categories) == [c for c in CATEGORIES if c in result.categories]
    assert all(0 < f.score <= 1 for f in result.flags)
    assert result.score == max(f.score for f in result.flags)
    assert result.rule_version == RULE_VERSION


def test_it_scores_zero_without_flags(classifier):
    assert classifier.classify("Het Zwanenhof").score == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "De juf van De Vlindertuin schreeuwt de hele dag, mijn dochter durft niet meer",
        "De meester van Het Zwanenhof schreeuwde tegen mijn zoon",
        "De Vlindertuin reageert nooit op mijn mails over de overblijf",
        "Juf en directeur van Het Zwanenhof gemaild, geen van beide reageert",
        "Ik vraag wat er gebeurd is op De Vlindertuin, maar de school zegt niks",
    ],
)
def test_it_knows_shouting_and_silence_as_complaints(classifier, text):
    assert "negative_experience" in categories(classifier, text)


@pytest.mark.parametrize(
    "text",
    [
        "De kinderen schreeuwden van plezier bij de sportdag van De Vlindertuin",
        "Hij zegt niks verkeerds over Het Zwanenhof, integendeel",
        "Op De Vlindertuin schreeuwt niemand, ze praten rustig met de kinderen",
        "De juf van Het Zwanenhof reageert altijd snel op vragen",
        "Een cijfer zegt niks over hoe slim een kind is, vinden ze op De Vlindertuin",
    ],
)
def test_it_leaves_benign_shouting_and_saying_nothing_benign(classifier, text):
    assert "negative_experience" not in categories(classifier, text)


@pytest.mark.parametrize(
    "text",
    [
        "HET ZWANENHOF REAGEERT GEWOON NIET!!!! 😡😡",
        "De juf van De Vlindertuin reageert maar niet op mijn mail",
        "Ouders van Het Zwanenhof: krijgen jullie ook nooit antwoord van de juf?",
        "De Vlindertuin: nooit een reactie op vragen over de overblijf",
    ],
)
def test_it_knows_a_school_that_never_answers_in_other_words(classifier, text):
    assert "negative_experience" in categories(classifier, text)


@pytest.mark.parametrize(
    "text",
    [
        "De juf van Het Zwanenhof reageert echt snel, niet te geloven",
        "Nooit zo'n snelle reactie gehad als van De Vlindertuin, top",
        "Nooit meer een antwoord schuldig, die juf van Het Zwanenhof 😄",
    ],
)
def test_it_leaves_a_quick_answer_benign(classifier, text):
    assert "negative_experience" not in categories(classifier, text)


@pytest.mark.parametrize(
    "text",
    [
        "Heeft iemand al iets gehoord over het schoolreisje? De Vlindertuin zegt niks",
        "Het Zwanenhof zegt er niets over",
    ],
)
def test_it_knows_a_school_named_as_who_says_nothing(classifier, text):
    assert "negative_experience" in categories(classifier, text)


@pytest.mark.parametrize(
    "text",
    [
        "Het Zwanenhof zegt niks verkeerds over de ouders",
        "Een cijfer zegt niks, vinden ze op De Vlindertuin",
        "De Vlindertuin vraagt niks extra voor de overblijf, dat zegt genoeg 👍",
    ],
)
def test_it_leaves_a_school_that_says_no_ill_benign(classifier, text):
    assert "negative_experience" not in categories(classifier, text)


# --- Parents' wording II (ownset p-016 … p-030) ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Het Zwanenhof heeft het weer verprutst met de schoolreis",
        "De Vlindertuin heeft de ouderavond volledig verknoeid",
        "Van De Vlindertuin nog steeds geen rapport gehad en het is al februari",
        "Nog altijd geen rapport ontvangen van Het Zwanenhof",
    ],
)
def test_it_knows_a_botched_job_and_a_long_wait_as_complaints(classifier, text):
    assert "negative_experience" in categories(classifier, text)


@pytest.mark.parametrize(
    "text",
    [
        "De Vlindertuin heeft nog steeds geen enkele pestmelding gehad, knap werk",
        "Het Zwanenhof heeft het niet verprutst, prima schoolreis",
    ],
)
def test_it_leaves_no_complaint_and_a_negated_botch_benign(classifier, text):
    assert "negative_experience" not in categories(classifier, text)


def test_it_flags_a_photo_of_a_child_with_her_friends(classifier):
    text = "Onze meid en haar vriendinnetjes op de foto bij de kerstmusical van Het Zwanenhof"
    assert "privacy" in categories(classifier, text, has_media=True)


def test_it_does_not_flag_friends_without_a_picture(classifier):
    text = "Onze meid en haar vriendinnetjes zongen mee bij de kerstmusical van Het Zwanenhof"
    assert "privacy" not in categories(classifier, text, has_media=False)


@pytest.mark.parametrize(
    "text",
    [
        "De Vlindertuin is dicht vanwege de storm en wij horen het om 8 uur 's ochtends 🙄",
        "Morgen is Het Zwanenhof om 12 uur uit, we hoorden het pas vanochtend",
    ],
)
def test_it_knows_news_told_at_the_last_moment_as_a_complaint(classifier, text):
    assert "negative_experience" in categories(classifier, text)


def test_it_leaves_a_plan_to_hear_later_benign(classifier):
    text = "Het Zwanenhof beslist vandaag over de schoolreis, we horen het vanavond wel"
    assert "negative_experience" not in categories(classifier, text)


# --- Namesakes (ownset p-031 … p-045) -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Het Zwanenhof beantwoordt al drie weken geen mails over de bloembollen 😡",
        "De Vlindertuin heeft ons weer eens niks laten weten over de kerstviering",
        "Het Zwanenhof laat ons niets weten over de schoolreis",
    ],
)
def test_it_knows_unanswered_mails_and_nothing_let_known_as_complaints(classifier, text):
    assert "negative_experience" in categories(classifier, text)


@pytest.mark.parametrize(
    "text",
    [
        "Het Zwanenhof beantwoordt alle mails binnen een dag",
        "De Vlindertuin laat het ons morgen weten",
    ],
)
def test_it_leaves_answered_mails_and_news_to_come_benign(classifier, text):
    assert "negative_experience" not in categories(classifier, text)


def test_it_keeps_praise_of_one_school_beside_a_wink_at_another(classifier):
    text = "vlindertuin super geregeld met de kerstviering, zwanenhof weer eens niks laten weten 🙄"
    result = classifier.classify(text)
    assert set(result.categories) == {"negative_experience", "positive"}
    assert {f.category for f in result.flags_for("vlindertuin")} == {"positive"}
    assert {f.category for f in result.flags_for("zwanenhof")} == {"negative_experience"}


def test_it_still_reads_a_wink_at_the_school_praised_as_sarcasm(classifier):
    text = "Super geregeld weer eens bij Het Zwanenhof, niks laten weten 🙄"
    assert categories(classifier, text) == {"negative_experience"}


def test_it_knows_a_capitalised_first_name_after_a_possessive_as_the_pupil(classifier):
    # p-021: praise of how the writer's Storm looks in the photo is no praise of the school
    text = (
        "Kijk eens hoe mooi onze Storm en haar vriendinnetjes op de foto staan bij de"
        " kerstmusical van Het Zwanenhof 😍📸"
    )
    assert categories(classifier, text, has_media=True) == {"privacy"}
    text = "Onze Storm zingt vanavond mee in de kerstmusical van Het Zwanenhof"
    assert categories(classifier, text) == {"privacy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the storm as weather, next to praise of the school: no pupil, the praise stays
        (
            "Door de storm was het dak van de gymzaal bij Het Zwanenhof kapot. Knap opgelost"
            " door de juffen 👍",
            {"positive"},
        ),
        ("Storm en regen, maar de juffen van Het Zwanenhof stonden klaar ☔ top!", {"positive"}),
        # a pupil of a school not named in the post
        ("Onze Storm vindt de juffen van De Vlindertuin geweldig", {"positive"}),
        ("Wat een storm vandaag, Het Zwanenhof had alle juffen op het plein, top!", {"positive"}),
    ],
)
def test_it_keeps_the_storm_weather(classifier, text, expected):
    assert categories(classifier, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # how the children in a picture look is praise of the children, not of the school
        "De klassenfoto van groep 5 van Het Zwanenhof is binnen! wat zien ze er mooi uit 😍",
        "wat staan de kindjes van Het Zwanenhof er mooi op in de krant 📸 zo schattig",
        "hoe mooi onze meid en haar vriendinnetjes op de foto staan bij Het Zwanenhof",
    ],
)
def test_it_counts_no_praise_for_how_pictured_children_look(classifier, text):
    assert categories(classifier, text, has_media=True) == {"privacy"}


@pytest.mark.parametrize(
    "text",
    [
        # what the pictured children do, or staff praised beside their looks, stays praise
        "Filmpje van de kerstmusical van groep 5 van Het Zwanenhof, ze zingen zo mooi!",
        "Foto van groep 5 van Het Zwanenhof: wat zien ze er mooi uit, de juf heeft het top"
        " geregeld",
        "Mooie foto's van de kerstviering op Het Zwanenhof, de juffen hebben het fantastisch"
        " georganiseerd 👏 kinderen genoten",
    ],
)
def test_it_keeps_praise_of_what_pictured_children_do(classifier, text):
    assert categories(classifier, text, has_media=True) == {"privacy", "positive"}
