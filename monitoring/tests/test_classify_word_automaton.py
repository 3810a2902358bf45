"""pyahocorasick behind the word-level interface finds what the hand-written automaton finds."""

import json
from pathlib import Path

import pytest

from monitoring.classify.ahocorasick import Automaton
from monitoring.classify.text import normalise
from monitoring.classify.word_automaton import WordAutomaton

SETS = Path(__file__).resolve().parents[1] / "classify"
PATTERNS = {
    ("de", "vlindertuin"): "A",
    ("vlindertuin",): "B",
    ("obs", "de", "vlindertuin"): "C",
    ("sem",): "D",
    ("sem", "bakker"): "E",
    ("#zwanenhof",): "F",
}


def matches(automaton, words):
    return sorted((s, e, tuple(p), v) for s, e, p, v in automaton.finditer(words))


def test_it_finds_overlapping_word_patterns_on_word_boundaries():
    words = ["obs", "de", "vlindertuin", "en", "sem", "bakker", "vlindertuinen", "#zwanenhof"]
    assert matches(WordAutomaton(PATTERNS.items()), words) == [
        (0, 3, ("obs", "de", "vlindertuin"), "C"),
        (1, 3, ("de", "vlindertuin"), "A"),
        (2, 3, ("vlindertuin",), "B"),
        (4, 5, ("sem",), "D"),
        (4, 6, ("sem", "bakker"), "E"),
        (7, 8, ("#zwanenhof",), "F"),
    ]


def test_it_finds_the_same_as_the_hand_written_automaton_on_every_labelled_post():
    mine, theirs = WordAutomaton(PATTERNS.items()), Automaton(PATTERNS.items())
    for path in SETS.glob("**/posts.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = normalise(json.loads(line)["text"]).split()
            assert matches(mine, words) == matches(theirs, words)


def test_it_refuses_an_empty_pattern_and_matches_nothing_without_patterns():
    with pytest.raises(ValueError):
        WordAutomaton([((), 1)])
    assert list(WordAutomaton().finditer(["de", "vlindertuin"])) == []
