from django import template
from django.forms import HiddenInput, RadioSelect
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from consent.models import TakedownTask
from consent.rules import State

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


@register.simple_tag
def state_badge(symbol, css, label):
    """One state as symbol + word: consent/includes/state.html without an include."""
    return format_html(STATE_HTML, css, symbol, label)


# The effect for the school, in a parent's words (was consent/includes/parent_state.html)
PARENT_STATES = {
    State.GRANTED: ("✓", "granted", _("allowed")),
    State.CONFLICT: ("!", "conflict", _("not allowed: the parents disagree")),
    State.UNANSWERED: ("?", "unanswered", _("not answered: not allowed")),
}
PARENT_NOT_ALLOWED = ("✗", "refused", _("not allowed"))  # refused, or safeguarded


@register.simple_tag
def parent_state(state):
    """A state as a parent reads it: refused and the safeguarding flag both read "not
    allowed" (a parent of a safeguarded child is told elsewhere on the page, without the
    reason)."""
    symbol, css, label = PARENT_STATES.get(state, PARENT_NOT_ALLOWED)
    return format_html(STATE_HTML, css, symbol, label)


RADIO_HTML = (
    '<div>\n    <label for="{}_{}"><input type="radio" name="{}" value="{}" id="{}_{}"{}>\n'
    " {}</label>\n\n</div>"
)


@register.simple_tag
def radio_choices(field):
    """A RadioSelect field as Django renders it, without the form-template machinery.

    The parent's page shows 18 yes/no questions; rendering each through the widget
    templates was a large share of the page's time (see README). Anything unusual (errors,
    extra widget attributes, another widget) falls back to Django's own rendering.
    """
    widget = field.field.widget
    if type(widget) is not RadioSelect or widget.attrs or field.errors or not field.auto_id:
        return field.as_widget()
    value = field.value()
    value = "" if value is None else str(value)
    options = [
        format_html(
            RADIO_HTML,
            field.auto_id,
            index,
            field.html_name,
            choice,
            field.auto_id,
            index,
            mark_safe(" checked") if str(choice) == value else "",  # noqa: S308
            label,
        )
        for index, (choice, label) in enumerate(field.field.choices)
    ]
    return format_html('<div id="{}">{}\n</div>', field.auto_id, mark_safe("".join(options)))  # noqa: S308


@register.simple_tag
def hidden_input(field):
    """A HiddenInput field as Django renders it, without the widget template (the parent's
    page has one per channel); anything unusual falls back to Django's own rendering."""
    widget = field.field.widget
    value = field.value()
    unusual = widget.attrs or field.errors or not field.auto_id or value in ("", None)
    if type(widget) is not HiddenInput or unusual:
        return field.as_widget()
    return format_html(
        '<input type="hidden" name="{}" value="{}" id="{}">',
        field.html_name,
        widget.format_value(value),
        field.auto_id,
    )
