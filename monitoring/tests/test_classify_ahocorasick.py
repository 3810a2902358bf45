import pytest

from monitoring.classify.ahocorasick import Automaton


def found(automaton, text):
    return [(start, end, pattern) for start, end, pattern, _value in automaton.finditer(text)]


def test_it_finds_every_overlapping_pattern():
    automaton = Automaton([("he", 1), ("she", 2), ("his", 3), ("hers", 4)])
    assert sorted(found(automaton, "ushers")) == [(1, 4, "she"), (2, 4, "he"), (2, 6, "hers")]


def test_it_follows_fail_links_across_partial_matches():
    automaton = Automaton([("aab", "x"), ("ab", "y"), ("b", "z")])
    assert sorted(found(automaton, "aaab")) == [(1, 4, "aab"), (2, 4, "ab"), (3, 4, "b")]


def test_it_returns_the_value_of_each_pattern():
    automaton = Automaton([("vlindertuin", "A"), ("zwanenhof", "B")])
    values = [value for *_rest, value in automaton.finditer("zwanenhof en vlindertuin")]
    assert values == ["B", "A"]


def test_it_finds_nothing_when_no_pattern_occurs():
    assert found(Automaton([("esdoorn", 1)]), "een eik in de tuin") == []


def test_it_accepts_patterns_added_after_building():
    automaton = Automaton([("abc", 1)])
    automaton.add("bcd", 2)
    assert [p for *_s, p, _v in automaton.finditer("abcd")] == ["abc", "bcd"]


def test_it_refuses_an_empty_pattern():
    with pytest.raises(ValueError):
        Automaton([("", 1)])


def test_it_matches_a_pattern_repeated_in_the_text():
    assert [s for s, *_rest in Automaton([("oo", 1)]).finditer("oooo")] == [0, 1, 2]
