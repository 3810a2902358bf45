from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from consent.models import TakedownTask

register = template.Library()


@register.inclusion_tag("consent/includes/teacher_takedowns.html")
def open_takedowns(user):
    """The teacher's open takedown tasks, for their home page."""
    tasks = TakedownTask.objects.filter(assigned_to=user, done_at__isnull=True).select_related(
        "publication_check__purpose"
    )
    return {"takedowns": list(tasks)}


STATE_HTML = (
    '<span class="state state--{}"><span class="state__symbol" aria-hidden="true">{}</span>'
    " {}</span>"
)


@register.simple_tag(takes_context=True)
def state_cells(context, cells):
    """A row of <td> cells, each a state as symbol + word (as consent/includes/state.html).

    `cells` are (symbol, css, label) tuples, a handful of distinct ones repeated across a
    class: each distinct cell is formatted once per page render, not once per cell (an
    {% include %} per cell was most of the class overview's time, see README).
    """
    memo = context.render_context.setdefault("consent_state_cells", {})
    html = []
    for cell in cells:
        known = memo.get(id(cell))
        if known is None or known[0] is not cell:  # the memo keeps the cell alive
            known = memo[id(cell)] = (cell, format_html(STATE_HTML, cell[1], cell[0], cell[2]))
        html.append(known[1])
    return mark_safe("<td>" + "</td><td>".join(html) + "</td>" if html else "")  # noqa: S308
