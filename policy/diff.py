"""What changed between two protocol versions, article by article (matched by anchor)."""

import difflib
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


CHANGE_LABELS = {
    Change.ADDED: _("added"),
    Change.REMOVED: _("removed"),
    Change.CHANGED: _("changed"),
    Change.UNCHANGED: _("unchanged"),
}
# Status never by colour alone: every change carries a symbol and a word.
CHANGE_SYMBOLS = {
    Change.ADDED: "+",
    Change.REMOVED: "−",
    Change.CHANGED: "±",
    Change.UNCHANGED: "=",
}


@dataclass
class ArticleChange:
    anchor: str
    heading: str
    number: int
    change: Change
    # Paragraphs of an introduction or running text are not articles: shown without a
    # number, as the protocol itself shows them.
    numbered: bool = True
    old_text: str = ""
    new_text: str = ""
    pieces: list[tuple[str, str]] = field(default_factory=list)

    @property
    def label(self):
        return CHANGE_LABELS[self.change]

    @property
    def symbol(self) -> str:
        return CHANGE_SYMBOLS[self.change]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op in {"same", "del", "ins"}; words keep their own spacing. An
    empty text has no words (a summary written where there was none: all added)."""
    old_words = old.split(" ") if old else []
    new_words = new.split(" ") if new else []
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("same", " ".join(old_words[i1:i2])))
            continue
        if tag in ("replace", "delete"):
            pieces.append(("del", " ".join(old_words[i1:i2])))
        if tag in ("replace", "insert"):
            pieces.append(("ins", " ".join(new_words[j1:j2])))
    return pieces


def compare_articles(old_articles, new_articles) -> list[ArticleChange]:
    """Articles of the new version in order, then those only the old version had.

    Each argument is an iterable of Article with `section` loaded.
    """
    old_by_anchor = {a.anchor: a for a in old_articles}
    changes = []
    for article in new_articles:
        old = old_by_anchor.pop(article.anchor, None)
        if old is None:
            change = Change.ADDED
        elif old.text == article.text:
            change = Change.UNCHANGED
        else:
            change = Change.CHANGED
        changes.append(
            ArticleChange(
                anchor=article.anchor,
                heading=article.section.heading,
                number=article.number,
                change=change,
                numbered=article.section.shows_numbers,
                old_text=old.text if old else "",
                new_text=article.text,
                pieces=word_diff(old.text, article.text) if change == Change.CHANGED else [],
            )
        )
    for old in old_by_anchor.values():
        changes.append(
            ArticleChange(
                anchor=old.anchor,
                heading=old.section.heading,
                number=old.number,
                change=Change.REMOVED,
                numbered=old.section.shows_numbers,
                old_text=old.text,
            )
        )
    return changes


@dataclass
class HeadingChange:
    slug: str
    old_heading: str
    new_heading: str


def compare_headings(old_articles, new_articles) -> list[HeadingChange]:
    """Sections both versions have (by anchor name) whose heading was changed, in the new
    version's order. Read from the articles' sections: no query of its own."""
    old_headings = {a.section.slug: a.section.heading for a in old_articles}
    changes: dict[str, HeadingChange] = {}
    for article in new_articles:
        slug, heading = article.section.slug, article.section.heading
        if slug in old_headings and old_headings[slug] != heading:
            changes.setdefault(slug, HeadingChange(slug, old_headings[slug], heading))
    return list(changes.values())


def split_unchanged(changes: list[ArticleChange]) -> tuple[list, list]:
    """(articles that changed in any way, articles that did not)."""
    changed = [c for c in changes if c.change != Change.UNCHANGED]
    unchanged = [c for c in changes if c.change == Change.UNCHANGED]
    return changed, unchanged
