"""bench/web/goals.py: the goals are judged on the medians of the rounds, and each goal's
line shows how far the rounds' own ratios spread around it."""

from bench.web import goals

BARE = goals.BARE


def page(rounds: list[float]) -> dict:
    ordered = sorted(rounds)
    return {
        "queries": 4,
        "cpu_ms": ordered[len(ordered) // 2],
        "cpu_ms_rounds": rounds,
        "rps": 1.0,
        "p50_ms": 1.0,
        "p95_ms": 1.0,
    }


def report_of(sizes: dict) -> dict:
    machine = {"cpu": "x", "cores": 2, "python": "3", "load_before": [], "load_after": []}
    return {
        "sizes": sizes,
        "machine": {**machine, "when": "now"},
        "command": "python bench/web_bench.py",
        "goals": goals.evaluate(sizes),
    }


def goal_named(found: list[dict], start: str) -> dict:
    return next(goal for goal in found if goal["goal"].startswith(start))


def test_a_ratio_goal_is_judged_on_the_medians_and_shows_the_rounds_spread():
    # bare ÷ page per round: 0.5/5 = 0.1, 0.5/10 = 0.05, 0.5/6.25 = 0.08
    sizes = {"small": {BARE: page([0.5, 0.5, 0.5]), "teacher class overview": page([5, 10, 6.25])}}
    found = goals.evaluate(sizes)
    overview = goal_named(found, "teacher class overview ≥ 0.07× bare (small)")
    assert overview["value"] == 0.08  # 0.5 ÷ the median 6.25
    assert overview["met"] is True
    assert overview["rounds"] == [0.05, 0.1]
    text = goals.table(report_of(sizes))
    assert "- [met] teacher class overview ≥ 0.07× bare (small): 0.08 (rounds 0.05–0.1)" in text


def test_a_goal_missed_on_the_median_stays_missed_whatever_one_round_did():
    sizes = {"small": {BARE: page([0.5, 0.5, 0.5]), "director coverage": page([10, 25, 30])}}
    coverage = goal_named(goals.evaluate(sizes), "director coverage ≥ 0.04× bare")
    assert coverage["value"] == 0.02
    assert coverage["met"] is False  # one round at 0.05 does not meet it
    assert coverage["rounds"] == [0.017, 0.05]


def test_a_flat_goal_shows_the_spread_of_the_rounds_own_growth():
    sizes = {
        "small": {BARE: page([0.5, 0.5, 0.5]), "board home": page([10, 10, 10])},
        "large": {BARE: page([0.5, 0.5, 0.5]), "board home": page([10, 12, 13])},
    }
    home = goal_named(goals.evaluate(sizes), "board home large ÷ small")
    assert home["value"] == 1.2
    assert home["met"] is False
    assert home["rounds"] == [1.0, 1.3]


def test_rounds_that_do_not_pair_give_no_spread():
    bare = page([0.5, 0.5, 0.5])
    overview = page([5.0, 6.0])
    sizes = {"small": {BARE: bare, "teacher class overview": overview}}
    found = goal_named(goals.evaluate(sizes), "teacher class overview")
    assert "rounds" not in found
    assert "(rounds" not in goals.table(report_of(sizes))
    del bare["cpu_ms_rounds"]  # a results.json from before the rounds were kept
    assert "rounds" not in goal_named(goals.evaluate(sizes), "teacher class overview")
