"""Counts in log lines read right for one: "1 pupil", not "1 pupils"."""

import pytest

from opo_portal.counts import count_of


@pytest.mark.parametrize(("n", "said"), [(0, "0 pupils"), (1, "1 pupil"), (2, "2 pupils")])
def test_it_names_the_count_with_the_right_noun(n, said):
    assert count_of(n, "pupil", "pupils") == said
