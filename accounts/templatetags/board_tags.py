"""The board home's table, a row per school of the page, written in Python.

As a template loop with a {% url %} and three {% translate %} per school, each row cost
about as much as the page's own reads (50 rows a page at the bench's large size, issue 17);
here the URLs are reversed once, the fixed texts translated once (a count's words once per
number), and every value goes through escape. The HTML is what the loop wrote
(accounts/tests/test_board_tags.py keeps the loop as its reference).

Each count that is not 0 links to the page that lists what it counts for that school
(accounts/tests/test_board_table_links.py walks them as board staff): pupils, pupils with
open questions and parents who disagree to the school's coverage (its part of it),
protocol confirmations to the school's confirmation list, failing sources to the school's
sources, open cases to the dashboard's open cases of that school, open takedowns to the
school's list of them (consent:school_takedowns, read-only: closing one stays with the
school, consent.access.takedowns_in_reach). For a school shown in full on the page, open
takedowns and open cases link to its part of the page, which lists them.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


class _SchoolURL:
    """A school's page, reversed once: the URL for a code is the text around it."""

    def __init__(self, name: str, suffix: str = ""):
        self.before, after = reverse(name, args=["-code-"]).split("-code-")
        self.after = after + suffix

    def __call__(self, code: str) -> str:
        return self.before + code + self.after


# A count's accessible name ("3 pupils with open questions at OBS X"), per number
WORDS = {
    "pupils": lambda n: ngettext("%(n)s pupil at %(school)s", "%(n)s pupils at %(school)s", n),
    "waiting": lambda n: ngettext(
        "%(n)s pupil with open questions at %(school)s",
        "%(n)s pupils with open questions at %(school)s",
        n,
    ),
    "conflicts": lambda n: ngettext(
        "%(n)s pupil whose parents disagree at %(school)s",
        "%(n)s pupils whose parents disagree at %(school)s",
        n,
    ),
    "takedowns": lambda n: ngettext(
        "%(n)s publication still to take down at %(school)s",
        "%(n)s publications still to take down at %(school)s",
        n,
    ),
    "cases": lambda n: ngettext(
        "%(n)s open follow-up case at %(school)s, %(urgent)s urgent",
        "%(n)s open follow-up cases at %(school)s, %(urgent)s urgent",
        n,
    ),
    "protocol": lambda n: ngettext(
        "%(n)s staff member at %(school)s has not confirmed the protocol",
        "%(n)s staff members at %(school)s have not confirmed the protocol",
        n,
    ),
    "sources": lambda n: ngettext(
        "%(n)s failing monitoring source of %(school)s",
        "%(n)s failing monitoring sources of %(school)s",
        n,
    ),
}


class _Words:
    """WORDS, each translated once per number shown in a table (the rows repeat the same
    few numbers): one per call of board_rows, in the request's language."""

    def __init__(self):
        self.known: dict[tuple[str, int], str] = {}

    def __call__(self, kind: str, school: str, n: int, **more: int) -> str:
        text = self.known.get((kind, n))
        if text is None:
            text = self.known[kind, n] = WORDS[kind](n)
        return escape(text % {"school": school, "n": n, **more})

    def count(self, kind: str, n: int, href: str, school: str) -> str:
        """The number, linked to `href` by its words when it is not 0."""
        return _link(href, self(kind, school, n), n) if n else str(n)


def _link(href: str, label: str, shown) -> str:
    return f'<a href="{escape(href)}" aria-label="{label}">{shown}</a>'


@register.simple_tag
def board_rows(rows, in_full=()) -> SafeString:
    """<tr> per accounts.board.BoardRow; an empty page says there are no schools. A school
    links to its part of the page when it is shown there in full (`in_full`: the
    SchoolAttention of the first schools without a director), else to its coverage; each
    count that is not 0 links to what it counts (the module's docstring)."""
    if not rows:
        empty = escape(_("No schools yet."))
        return mark_safe(f'<tr><td colspan="9">{empty}</td></tr>')  # noqa: S308 (escaped)
    words = _Words()
    coverage = _SchoolURL("consent:coverage")
    groups = _SchoolURL("consent:coverage", "#per-group")
    conflicts = _SchoolURL("consent:coverage", "#conflicts")
    takedowns_of = _SchoolURL("consent:school_takedowns")
    protocol = _SchoolURL("policy:confirmation_list")
    sources = reverse("monitoring:sources") + "?school="
    cases = reverse("monitoring:dashboard") + "?zaken="
    yes, none = escape(_("yes")), f"<strong>{escape(_('none: the board answers'))}</strong>"
    not_counted = f'<td colspan="3">{escape(_("not counted yet"))}</td>'
    on_page = {item.school.code for item in in_full}
    count = words.count
    html = []
    for row in rows:
        code, name = row.school.code, row.school.name
        in_page = f"#school-{code}" if code in on_page else ""
        link = in_page or coverage(code)
        if row.counted:
            counts = (
                f"<td>{count('pupils', row.pupils, coverage(code), name)}</td>"
                f"<td>{count('waiting', row.waiting_pupils, groups(code), name)}</td>"
                f"<td>{count('conflicts', row.conflicts, conflicts(code), name)}</td>"
            )
            missing = count("protocol", row.protocol_missing, protocol(code), name)
        else:
            counts, missing = not_counted, "–"
        takedowns = count("takedowns", row.takedowns, in_page or takedowns_of(code), name)
        open_cases = f"{row.cases} ({row.urgent_cases})"
        if row.cases:
            label = words("cases", name, row.cases, urgent=row.urgent_cases)
            open_cases = _link(in_page or cases + code, label, open_cases)
        html.append(
            f'<tr><th scope="row"><a href="{escape(link)}">{escape(name)}</a></th>'
            f"<td>{yes if row.has_director else none}</td>{counts}"
            f"<td>{takedowns}</td><td>{open_cases}</td><td>{missing}</td>"
            f"<td>{count('sources', row.sources_failing, sources + code, name)}</td></tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 (names and links escaped, numbers ints)
