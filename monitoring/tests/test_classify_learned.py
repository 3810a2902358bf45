"""The learned layer: trained on labelled posts, explained by its words, never by names."""

import pytest

from monitoring.classify import Classifier, context_from_file
from monitoring.classify import learned as L
from monitoring.classify.evaluate import DEVSET, load_posts, register_words

CONTEXT = context_from_file(DEVSET / "context.json")
MASK = frozenset(register_words(CONTEXT))
COMPLAINT = (
    "Al drie dagen geen verwarming in de klas bij Het Zwanenhof, de kinderen zitten in hun jas"
)


@pytest.fixture(scope="module")
def layer():
    return L.train(L.examples_from_labelled(load_posts(DEVSET / "posts.jsonl")), mask=MASK)


def complaint_examples():
    yes = [
        "de verwarming is kapot en de kinderen zitten in hun jas",
        "weer geen verwarming, kinderen koud in de klas",
        "kapotte kachel, iedereen zit met een jas aan",
    ]
    no = [
        "mooie kerstviering, dank aan de juffen",
        "leuke sportdag gehad met de hele klas",
        "de nieuwsbrief staat online",
    ]
    return [L.Example(t, {"negative_experience": True}) for t in yes] + [
        L.Example(t, {"negative_experience": False}) for t in no
    ]


def test_it_learns_a_complaint_from_a_few_labelled_posts():
    small = L.train(complaint_examples())
    probabilities = small.probabilities("verwarming kapot, kinderen koud in hun jas")
    assert probabilities["negative_experience"] > 0.5
    assert small.probabilities("leuke kerstviering")["negative_experience"] < 0.5


def test_it_predicts_the_same_after_a_round_trip_through_json(layer):
    again = L.LearnedLayer.from_dict(layer.to_dict())
    assert again.probabilities(COMPLAINT, MASK) == pytest.approx(
        layer.probabilities(COMPLAINT, MASK), abs=1e-4
    )


def test_it_keeps_register_names_out_of_the_vocabulary(layer):
    names = {w for w in MASK if len(w) > 2}
    words = {f[2:] for f in layer.vocabulary if f.startswith("w:")}
    assert not {w for phrase in words for w in phrase.split()} & names


def test_it_flags_a_complaint_the_rules_miss_with_the_words_that_weighed_most():
    layer = L.train(complaint_examples())
    layer.thresholds["negative_experience"] = 0.5
    text = "Kapotte verwarming op Het Zwanenhof, de kinderen zitten koud in hun jas"
    rules_only = Classifier(CONTEXT).classify(text)
    both = Classifier(CONTEXT, learned=layer).classify(text)
    assert "negative_experience" not in rules_only.categories
    flag = next(f for f in both.flags if f.category == "negative_experience")
    assert flag.matched[0] == "learned:v0"
    assert set(flag.matched[1:]) & {"verwarming", "jas", "koud", "kapotte"}
    assert "zwanenhof" not in flag.matched
    assert both.rule_version.endswith("+learned-0")


def test_it_adds_nothing_when_no_school_is_named():
    layer = L.train(complaint_examples())
    result = Classifier(CONTEXT, learned=layer).classify("verwarming kapot, koud in hun jas")
    assert result.flags == ()


def test_it_never_shows_a_pupil_name_as_a_weighing_word():
    examples = [
        L.Example("sem bakker wordt gepest en niemand doet iets", {"negative_experience": True}),
        L.Example("sem bakker weer gepest op het plein", {"negative_experience": True}),
        L.Example("leuke dag voor iedereen", {"negative_experience": False}),
        L.Example("mooie musical gezien", {"negative_experience": False}),
    ]
    layer = L.train(examples, mask=MASK)
    layer.thresholds["negative_experience"] = 0.5
    result = Classifier(CONTEXT, learned=layer).classify(
        "Sem Bakker van De Vlindertuin wordt gepest"
    )
    matched = " ".join(m for f in result.flags for m in f.matched).lower()
    assert "sem" not in matched.split() and "bakker" not in matched


def test_it_scores_held_out_folds_in_its_evaluation():
    evaluation = L.cross_validate(complaint_examples() * 2, folds=3)
    row = evaluation["negative_experience"]
    assert row["tp"] + row["fn"] == 6
    assert 0.0 <= row["precision"] <= 1.0 and 0.0 <= row["recall"] <= 1.0


def looks_examples():
    yes = [
        "wat zien ze er mooi uit op de foto",
        "wat staan ze er mooi op, zo schattig",
        "mooie foto, wat zien ze er mooi uit",
    ]
    no = [
        "de verwarming is kapot en de kinderen zitten in hun jas",
        "de nieuwsbrief staat online",
        "weer geen bericht van school",
    ]
    return [L.Example(t, {"positive": True}) for t in yes] + [
        L.Example(t, {"positive": False}) for t in no
    ]


def test_it_adds_no_learned_praise_where_the_rules_found_praise_of_pupils_only():
    # p-058, p-021: the rules read how pictured children look as praise of the children
    layer = L.train(looks_examples())
    layer.thresholds["positive"] = 0.5
    classifier = Classifier(CONTEXT, learned=layer)
    text = "De klassenfoto van groep 5 van Het Zwanenhof! wat zien ze er mooi uit"
    assert classifier.classify(text, has_media=True).categories == ("privacy",)
    # without a picture it is no praise of pictured children: the learned layer may add it
    assert "positive" in classifier.classify("Het Zwanenhof: wat zien ze er mooi uit").categories
