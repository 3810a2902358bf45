"""Property tests: the rules against a deliberately naive reference over random histories."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from consent.rules import (
    Decision,
    State,
    answers_state,
    effective_state,
    is_allowed,
    latest_answers,
    latest_decisions,
    meaning_baseline,
)

T0 = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
GUARDIANS = [1, 2, 3]

one_decision = st.builds(
    Decision,
    guardian_id=st.sampled_from(GUARDIANS),
    version_number=st.integers(min_value=1, max_value=4),
    granted=st.booleans(),
    at=st.integers(min_value=0, max_value=20).map(lambda m: T0 + datetime.timedelta(minutes=m)),
    seq=st.integers(min_value=1, max_value=10_000),
)
decisions = st.lists(one_decision, max_size=12, unique_by=lambda d: d.seq)
holders = st.sets(st.sampled_from(GUARDIANS))
baselines = st.integers(min_value=1, max_value=4)


def reference(gezag_holders, history, baseline, not_in_picture):
    """Straight from DESIGN.md, written differently: sort, keep the last per holder."""
    if not_in_picture:
        return State.NOT_IN_PICTURE
    counted = sorted(
        (d for d in history if d.guardian_id in gezag_holders and d.version_number >= baseline),
        key=lambda d: (d.at, d.seq),
    )
    last = {}
    for d in counted:
        last[d.guardian_id] = d.granted
    yes = sum(1 for v in last.values() if v)
    no = sum(1 for v in last.values() if not v)
    if yes == 0 and no == 0:
        return State.UNANSWERED
    if yes and no:
        return State.CONFLICT
    return State.GRANTED if yes else State.REFUSED


@given(holders, decisions, baselines, st.booleans())
def test_it_agrees_with_the_reference(gezag_holders, history, baseline, flag):
    state = effective_state(
        gezag_holders=gezag_holders, decisions=history, baseline=baseline, not_in_picture=flag
    )
    assert state == reference(gezag_holders, history, baseline, flag)


@given(holders, decisions, baselines, st.booleans())
def test_it_is_independent_of_input_order(gezag_holders, history, baseline, flag):
    forward = effective_state(
        gezag_holders=gezag_holders, decisions=history, baseline=baseline, not_in_picture=flag
    )
    backward = effective_state(
        gezag_holders=gezag_holders,
        decisions=list(reversed(history)),
        baseline=baseline,
        not_in_picture=flag,
    )
    assert forward == backward


@given(holders, baselines)
def test_it_never_allows_silence(gezag_holders, baseline):
    state = effective_state(
        gezag_holders=gezag_holders, decisions=[], baseline=baseline, not_in_picture=False
    )
    assert not is_allowed(state)


@given(holders, decisions, baselines)
def test_it_never_allows_a_safeguarded_pupil(gezag_holders, history, baseline):
    state = effective_state(
        gezag_holders=gezag_holders, decisions=history, baseline=baseline, not_in_picture=True
    )
    assert not is_allowed(state)


@given(holders, decisions, baselines, st.sampled_from(GUARDIANS))
def test_it_never_allows_when_a_holders_latest_answer_is_no(gezag_holders, history, baseline, g):
    last = Decision(g, 4, False, T0 + datetime.timedelta(days=1), 10_001)
    state = effective_state(
        gezag_holders=gezag_holders | {g},
        decisions=[*history, last],
        baseline=baseline,
        not_in_picture=False,
    )
    assert not is_allowed(state)


@given(holders, decisions, baselines, st.sampled_from(GUARDIANS))
def test_it_ignores_anyone_without_current_gezag(gezag_holders, history, baseline, g):
    outsider_history = [d for d in history if d.guardian_id == g]
    others = [d for d in history if d.guardian_id != g]
    holders_without = gezag_holders - {g}
    with_outsider = effective_state(
        gezag_holders=holders_without,
        decisions=others + outsider_history,
        baseline=baseline,
        not_in_picture=False,
    )
    without = effective_state(
        gezag_holders=holders_without, decisions=others, baseline=baseline, not_in_picture=False
    )
    assert with_outsider == without


@given(holders, decisions, baselines)
def test_it_ignores_decisions_before_the_change_of_meaning(gezag_holders, history, baseline):
    newer = [d for d in history if d.version_number >= baseline]
    full = effective_state(
        gezag_holders=gezag_holders, decisions=history, baseline=baseline, not_in_picture=False
    )
    only_new = effective_state(
        gezag_holders=gezag_holders, decisions=newer, baseline=baseline, not_in_picture=False
    )
    assert full == only_new


@given(st.lists(st.sampled_from(["correction", "change_of_meaning"]), min_size=1, max_size=6))
def test_it_takes_the_last_change_of_meaning_as_baseline(kinds):
    versions = list(enumerate(kinds, start=1))
    expected = max([1] + [n for n, kind in versions if kind == "change_of_meaning"])
    assert meaning_baseline(versions) == expected


def test_it_counts_a_decision_on_a_correction_before_a_later_correction():
    # v1 initial, v2 correction, v3 correction: a yes on v2 still counts.
    baseline = meaning_baseline([(1, "change_of_meaning"), (2, "correction"), (3, "correction")])
    yes = Decision(1, 2, True, T0, 1)
    state = effective_state(
        gezag_holders={1}, decisions=[yes], baseline=baseline, not_in_picture=False
    )
    assert state == State.GRANTED


# latest_answers: the same rules for many cells in one pass over rows in the order made.
cells = st.sampled_from([(10, 1, "photo"), (10, 1, "video"), (10, 2, "photo"), (11, 1, "photo")])
histories = st.lists(
    st.tuples(cells, one_decision),
    max_size=30,
    unique_by=lambda pair: pair[1].seq,
)


@given(
    histories,
    st.fixed_dictionaries({10: holders, 11: holders}),
    st.fixed_dictionaries({1: baselines, 2: baselines}),
)
def test_it_finds_the_same_latest_answers_for_many_cells(history, holders_of, purpose_baselines):
    made = sorted(history, key=lambda pair: (pair[1].at, pair[1].seq))
    rows = [(*cell, d.guardian_id, d.version_number, d.granted) for cell, d in made]
    found = latest_answers(rows, holders=holders_of, baselines=purpose_baselines)
    for cell in {cell for cell, _d in history} | set(found):
        pupil_id, purpose_id, _media = cell
        kept = dict(found.get(cell, {}))
        expected = latest_decisions(
            gezag_holders=holders_of[pupil_id],
            decisions=[d for c, d in history if c == cell],
            baseline=purpose_baselines[purpose_id],
        )
        assert kept == {gid: d.granted for gid, d in expected.items()}
        assert answers_state(kept.values()) == reference(
            holders_of[pupil_id],
            [d for c, d in history if c == cell],
            purpose_baselines[purpose_id],
            False,
        )
