"""The development set as a regression floor (LABELS.md in monitoring/classify/devset)."""

import pytest

from monitoring.classify.evaluate import DEVSET, evaluate

# What the rules reach today, minus a small margin; raise these when the rules improve.
MACRO_F1_FLOOR = 0.95
RECALL_FLOOR = 0.85
PRECISION_FLOOR = 0.85


@pytest.fixture(scope="module")
def report():
    return evaluate()


def test_it_evaluates_every_post_of_the_devset(report):
    assert report.posts == 60


def test_it_keeps_macro_f1_above_the_floor(report):
    assert report.macro_f1 >= MACRO_F1_FLOOR, report.table()


@pytest.mark.parametrize(
    "label",
    ["negative_experience", "insult", "privacy", "verify_fact", "positive", "schools"],
)
def test_it_keeps_each_labels_precision_and_recall_above_the_floor(report, label):
    row = report.row(label)
    assert row.precision >= PRECISION_FLOOR, report.table()
    assert row.recall >= RECALL_FLOOR, report.table()


def test_it_prints_a_table_with_a_row_per_label(report):
    table = report.table()
    assert all(f"| {name} |" in table for name in ("insult", "schools", "positive"))


def test_it_keeps_our_own_check_set_above_the_floor():
    report = evaluate(DEVSET.parent / "ownset")
    assert report.posts == 70
    assert report.macro_f1 >= MACRO_F1_FLOOR, report.table()
    assert report.row("schools").f1 >= MACRO_F1_FLOOR, report.table()
