"""Protocol text helpers that need no models: the shipped seed and text normalisation."""

import json
import re
from pathlib import Path

from opo_portal.text import without_direction_controls

SEED_V1 = Path(__file__).resolve().parent / "seed" / "protocol_v1.json"

_BLANK_LINE = re.compile(r"\n\s*\n")


def load_seed(path: Path = SEED_V1) -> dict:
    """The structured protocol text shipped in the repository (no runtime dependency elsewhere)."""
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def normalise_article_text(raw: str) -> str:
    """Paragraphs separated by one empty line; inside a paragraph, single spaces only.

    Typed or pasted text keeps its words; stray line breaks (as a PDF or an e-mail leaves
    them) become spaces, so an article never breaks mid-sentence. Unicode's direction
    controls go (opo_portal.text): one would make the rest of a line of the protocol read
    backwards.
    """
    text = without_direction_controls(raw).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (" ".join(p.split()) for p in _BLANK_LINE.split(text))
    return "\n\n".join(p for p in paragraphs if p)
