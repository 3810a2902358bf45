"""opo_portal.text: Unicode's direction controls, which flip how a line reads."""

import pytest

from opo_portal.text import DIRECTION_CONTROLS, has_direction_controls, without_direction_controls


@pytest.mark.parametrize("control", list(DIRECTION_CONTROLS))
def test_it_drops_every_embedding_override_and_isolate(control):
    assert has_direction_controls(f"Jan{control}naJ")
    assert without_direction_controls(f"Jan{control}naJ") == "JannaJ"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Daan Mulder",
        "Zoë Çelik",
        "محمد",  # right-to-left letters are a name, not a control
        "\u200e\u200f",  # the marks only set the direction of what is neutral around them
        "Vlinder\u00adtuin",
    ],
)
def test_it_leaves_other_text_alone(text):
    assert not has_direction_controls(text)
    assert without_direction_controls(text) == text
