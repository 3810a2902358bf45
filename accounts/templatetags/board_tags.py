"""The board home's table, a row per school of the page, written in Python.

As a template loop with a {% url %} and three {% translate %} per school, each row cost
about as much as the page's own reads (50 rows a page at the bench's large size, issue 17);
here the URL is reversed once, the fixed texts translated once, and every value goes
through escape. The HTML is what the loop wrote (accounts/tests/test_board_tags.py keeps
the loop as its reference).
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def board_rows(rows, in_full=()) -> SafeString:
    """<tr> per accounts.board.BoardRow; an empty page says there are no schools. A school
    links to its part of the page when it is shown there in full (`in_full`: the
    SchoolAttention of the first schools without a director), else to its coverage; a
    count of failing sources links to that school's sources."""
    if not rows:
        empty = escape(_("No schools yet."))
        return mark_safe(f'<tr><td colspan="9">{empty}</td></tr>')  # noqa: S308 (escaped)
    before, after = reverse("consent:coverage", args=["-code-"]).split("-code-")
    sources = reverse("monitoring:sources") + "?school="
    yes, none = escape(_("yes")), f"<strong>{escape(_('none: the board answers'))}</strong>"
    not_counted = f'<td colspan="3">{escape(_("not counted yet"))}</td>'
    on_page = {item.school.code for item in in_full}
    html = []
    for row in rows:
        code = row.school.code
        link = f"#school-{code}" if code in on_page else before + code + after
        failing = (
            f'<a href="{escape(sources + code)}">{row.sources_failing}</a>'
            if row.sources_failing
            else "0"
        )
        counts = (
            f"<td>{row.pupils}</td><td>{row.waiting_pupils}</td><td>{row.conflicts}</td>"
            if row.counted
            else not_counted
        )
        html.append(
            f'<tr><th scope="row"><a href="{escape(link)}">{escape(row.school.name)}</a></th>'
            f"<td>{yes if row.has_director else none}</td>{counts}"
            f"<td>{row.takedowns}</td><td>{row.cases} ({row.urgent_cases})</td>"
            f"<td>{row.protocol_missing if row.counted else '–'}</td>"
            f"<td>{failing}</td></tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 (names and links escaped, numbers ints)
