from monitoring.classify.patterns import Entry, PatternSet
from monitoring.classify.text import Prepared, deleet, fold, normalise, squeeze


def test_it_unescapes_html_entities_and_strips_accents():
    assert fold("Dank &amp; chapeau &#10084; wéér") == "Dank & chapeau ❤ weer"


def test_it_unescapes_double_escaped_entities():
    assert fold("&amp;amp;") == "&"


def test_it_normalises_case_punctuation_and_whitespace():
    assert normalise("  OBS  De Vlindertuin!\n(Exloo)") == "obs de vlindertuin exloo"


def test_it_squeezes_repeated_letters():
    assert squeeze("kloootzaaak") == "klotzak"


def test_it_undoes_leetspeak_only_in_words_with_letters():
    assert (deleet("m0ng00l"), deleet("kl@@t"), deleet("$ukkel"), deleet("2024")) == (
        "mongool",
        "klaat",
        "sukkel",
        "2024",
    )


def test_it_joins_spaced_out_letters_for_insult_matching():
    post = Prepared("wat een k u t school", False)
    assert ("kut", 2, 5) in post.insult_words


def test_it_keeps_numbers_with_a_dot_in_one_sentence():
    post = Prepared("om 7.45 uur een appje. Daarna niks", False)
    assert post.sentences == [0, 0, 0, 0, 0, 1, 1]


def test_it_matches_patterns_with_gaps_alternatives_and_prefixes():
    patterns = PatternSet(
        [
            Entry("hoor|horen ~ niks", 1.0, "x"),
            Entry("pest*", 1.0, "y"),
            Entry("al <num> weken", 1.0, "z"),
        ]
    )
    post = Prepared("Horen we een half jaar niks. Gepest? Nee, pesterijen al 3 weken", False)
    found = {(m.entry.kind, m.start, m.end) for m in patterns.find(post.words, post.sentences)}
    assert found == {("x", 0, 6), ("y", 8, 9), ("z", 9, 12)}


def test_it_does_not_match_a_pattern_across_sentences():
    patterns = PatternSet([Entry("moeten ~ horen", 1.0, "x")])
    across = Prepared("Ze moeten het weten? Horen doe je het niet", False)
    within = Prepared("Ze moeten het horen", False)
    assert patterns.find(across.words, across.sentences) == []
    assert len(patterns.find(within.words, within.sentences)) == 1
