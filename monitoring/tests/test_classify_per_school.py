"""Categories per school: a post that names two schools says what it says of each."""

import pytest
from django.utils import timezone

from monitoring import services
from monitoring.classify import Classifier, Context, SchoolTerms
from monitoring.models import Flag, FollowUp
from monitoring.tests.helpers import make_post, make_source

SCHOOLS = (
    SchoolTerms("vlindertuin", "OBS De Vlindertuin", ("De Vlindertuin", "#vlindertuin")),
    SchoolTerms("zwanenhof", "OBS Het Zwanenhof", ("Het Zwanenhof", "#zwanenhof")),
    SchoolTerms("esdoorn", "OBS De Esdoorn", ("De Esdoorn",)),
)


@pytest.fixture(scope="module")
def classifier():
    return Classifier(Context(SCHOOLS, ()))


def per_school(classifier, text):
    result = classifier.classify(text)
    return {code: {f.category for f in result.flags_for(code)} for code in result.schools}


@pytest.mark.parametrize(
    "text",
    [
        "De Vlindertuin top, Het Zwanenhof slecht",
        "De Vlindertuin is echt top, maar Het Zwanenhof is slecht",
        "De Vlindertuin is echt top! Het Zwanenhof is slecht.",
        "Het Zwanenhof is slecht; De Vlindertuin is echt top",
        "Het Zwanenhof is slecht terwijl De Vlindertuin echt top is",
        "Het Zwanenhof slecht 👎 De Vlindertuin echt top 👍",
    ],
)
def test_it_gives_each_school_the_category_of_its_own_clause(classifier, text):
    assert per_school(classifier, text) == {
        "vlindertuin": {"positive"},
        "zwanenhof": {"negative_experience"},
    }


def test_it_gives_both_schools_what_a_clause_says_of_both(classifier):
    text = "De Vlindertuin en Het Zwanenhof: allebei slecht geregeld"
    assert per_school(classifier, text) == {
        "vlindertuin": {"negative_experience"},
        "zwanenhof": {"negative_experience"},
    }


def test_it_falls_back_to_the_whole_post_when_no_clause_names_a_school(classifier):
    text = "Over De Vlindertuin en Het Zwanenhof. Wat een puinhoop daar, echt slecht."
    assert per_school(classifier, text) == {
        "vlindertuin": {"negative_experience"},
        "zwanenhof": {"negative_experience"},
    }


def test_the_posts_categories_stay_the_union_of_the_schools(classifier):
    result = classifier.classify("De Vlindertuin top, Het Zwanenhof slecht")
    assert set(result.categories) == {"positive", "negative_experience"}
    assert result.flags_for("esdoorn") == ()


def test_a_school_keeps_its_own_terms(classifier):
    result = classifier.classify("De Vlindertuin is echt top, maar Het Zwanenhof is slecht")
    (complaint,) = result.flags_for("zwanenhof")
    assert complaint.matched == ("slecht",)


@pytest.mark.django_db
def test_it_opens_a_case_only_for_the_school_the_complaint_is_about(school_a, school_b):
    post = make_post(make_source(), "1", "De Vlindertuin is echt top, maar Het Zwanenhof is slecht")
    services.posts_classify(
        posts=[post], now=timezone.now(), classifier=Classifier(Context(SCHOOLS[:2], ()))
    )
    flags = set(Flag.objects.values_list("school__code", "category"))
    assert flags == {("vlindertuin", "positive"), ("zwanenhof", "negative_experience")}
    assert list(FollowUp.objects.values_list("school__code", flat=True)) == ["zwanenhof"]


def test_a_sentence_without_a_school_speaks_of_the_school_named_before_it(classifier):
    text = "De Vlindertuin? Top! Het Zwanenhof? Slecht geregeld."
    assert per_school(classifier, text) == {
        "vlindertuin": {"positive"},
        "zwanenhof": {"negative_experience"},
    }


def test_a_list_of_names_shares_the_clause_after_it(classifier):
    text = "De Vlindertuin, Het Zwanenhof en De Esdoorn gaan allemaal dicht"
    assert per_school(classifier, text) == {
        "vlindertuin": {"verify_fact"},
        "zwanenhof": {"verify_fact"},
        "esdoorn": {"verify_fact"},
    }


def test_a_name_before_a_comma_or_colon_owns_the_clause_after_it(classifier):
    text = "Het Zwanenhof: slecht geregeld. De Vlindertuin: echt top"
    assert per_school(classifier, text) == {
        "vlindertuin": {"positive"},
        "zwanenhof": {"negative_experience"},
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "@vlindertuin top!! @zwanenhof wat een puinhoop 🤬",
            {"vlindertuin": {"positive"}, "zwanenhof": {"negative_experience"}},
        ),
        (
            'RT @ouder: "Bij #zwanenhof wordt mijn dochter gepest en niemand doet iets" '
            "#vlindertuin veel beter geregeld 👍",
            {"zwanenhof": {"negative_experience"}, "vlindertuin": set()},
        ),
        (
            "Top juf bij de Vlindertuin! Maar op het Zwanenhof wordt mijn zoon gepest.",
            {"vlindertuin": {"positive"}, "zwanenhof": {"negative_experience"}},
        ),
        (
            "TOP JUF BIJ DE VLINDERTUIN! MAAR OP HET ZWANENHOF WORDT MIJN ZOON GEPEST.",
            {"vlindertuin": {"positive"}, "zwanenhof": {"negative_experience"}},
        ),
    ],
)
def test_it_splits_informal_posts_by_school(classifier, text, expected):
    assert per_school(classifier, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # two names in one clause, each with its own verdict: the words up to the next name
        "vlindertuin top zwanenhof slecht",
        "De Vlindertuin top Het Zwanenhof slecht",
    ],
)
def test_a_name_owns_the_words_up_to_another_schools_name(classifier, text):
    assert per_school(classifier, text) == {
        "vlindertuin": {"positive"},
        "zwanenhof": {"negative_experience"},
    }


@pytest.mark.parametrize(
    "text",
    [
        "Zowel bij De Vlindertuin als bij Het Zwanenhof slecht geregeld",
        "Slecht geregeld bij De Vlindertuin en Het Zwanenhof",
    ],
)
def test_names_in_a_list_share_their_clause(classifier, text):
    assert per_school(classifier, text) == {
        "vlindertuin": {"negative_experience"},
        "zwanenhof": {"negative_experience"},
    }
