"""{% state_cells %} renders exactly what one {% include "consent/includes/state.html" %}
per cell rendered, for every state a teacher can see; {% parent_state %} what the parent's
include rendered."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template, engines
from django.utils import translation

from consent.models import MediaType
from consent.rules import TEACHER_STATES, State

INCLUDES = Template(
    '{% for symbol, css, label in cells %}<td>{% include "consent/includes/state.html" %}'
    "</td>{% endfor %}"
)
TAG = Template("{% load consent_tags %}{% state_cells cells %}")


def test_it_renders_the_same_cells_as_the_include():
    cells = list(TEACHER_STATES.values()) * 3
    for language in ("nl", "en"):
        with translation.override(language):
            # the include file ends with a newline; nothing else may differ
            expected = INCLUDES.render(Context({"cells": cells})).replace("\n</td>", "</td>")
            assert TAG.render(Context({"cells": cells})) == expected


def test_it_escapes_labels():
    cell = ("✓", "granted", "<b>ja</b>")
    assert "&lt;b&gt;ja&lt;/b&gt;" in TAG.render(Context({"cells": [cell]}))


def test_it_renders_an_empty_row_as_nothing():
    assert TAG.render(Context({"cells": []})) == ""


def test_it_renders_a_state_badge_like_the_include():
    include = Template(
        '{% include "consent/includes/state.html" with symbol="!" css="conflict" label=x %}'
    )
    badge = Template('{% load consent_tags %}{% state_badge "!" "conflict" x %}')
    context = {"x": "ouders <oneens>"}
    assert badge.render(Context(context)) == include.render(Context(context)).rstrip("\n")


# consent/includes/parent_state.html as it was, before {% parent_state %} replaced it
PARENT_INCLUDE = Template(
    '{% load i18n %}{% if state == "granted" %}{% include "consent/includes/state.html" with '
    'symbol="✓" css="granted" label=_("allowed") %}{% elif state == "conflict" %}{% include '
    '"consent/includes/state.html" with symbol="!" css="conflict" label=_("not allowed: the '
    'parents disagree") %}{% elif state == "unanswered" %}{% include "consent/includes/state'
    '.html" with symbol="?" css="unanswered" label=_("not answered: not allowed") %}{% else %}'
    '{% include "consent/includes/state.html" with symbol="✗" css="refused" label=_("not '
    'allowed") %}{% endif %}'
)


def test_it_renders_a_parents_state_like_the_include():
    tag = Template("{% load consent_tags %}{% parent_state state %}")
    for language in ("nl", "en"):
        with translation.override(language):
            for state in State:
                context = {"state": state}
                expected = PARENT_INCLUDE.render(Context(context)).rstrip("\n")
                assert tag.render(Context(context)) == expected, (language, state)


def test_it_never_shows_the_safeguarding_reason_to_a_parent():
    html = Template("{% load consent_tags %}{% parent_state s %}").render(
        Context({"s": State.NOT_IN_PICTURE})
    )
    assert "state--refused" in html
    assert str(State.NOT_IN_PICTURE.label) not in html


# the class overview's rows as the template wrote them before {% overview_rows %}
OLD_ROWS = Template(
    "{% load i18n consent_tags %}{% for row in rows %}"
    '<tr><th scope="row">{{ row.pupil.full_name }}{% if can_record %} <a class="no-print" '
    'href="{% url \'consent:record\' row.pupil.pk %}">{% translate "record" %}</a>{% endif %}'
    "</th>{% state_cells row.cells %}</tr>\n{% endfor %}"
)
ROWS = Template("{% load consent_tags %}{% overview_rows rows can_record %}")


def test_it_writes_the_overview_rows_as_the_template_loop_did(pupil_a, pupil_b):
    pupil_b.first_name = "Roos <&>"
    cells = list(TEACHER_STATES.values())
    rows = [{"pupil": pupil_a, "cells": cells}, {"pupil": pupil_b, "cells": cells[::-1]}]
    for language in ("nl", "en"):
        with translation.override(language):
            for can_record in (False, True):
                context = {"rows": rows, "can_record": can_record}
                new = ROWS.render(Context(context))
                assert new == OLD_ROWS.render(Context(context)).rstrip("\n")
                assert "Roos &lt;&amp;&gt;" in new
                assert ("/vastleggen/" in new) is can_record


SUMMARY = Template("{% load consent_tags %}{% summary_table summary %}")


def test_it_escapes_channel_names_in_the_summary_table():
    from consent.models import MediaType

    summary = [{"name": "Website & <nieuws>", "media": [(m, State.GRANTED) for m in MediaType]}]
    for language in ("nl", "en"):
        with translation.override(language):
            html = SUMMARY.render(Context({"summary": summary}))
            assert '<th scope="row">Website &amp; &lt;nieuws&gt;</th>' in html
            assert html.count("<td>") == 3


OLD_HEAD = (
    '{% load i18n %}<tr><th scope="col" rowspan="2">{% translate "Pupil" %}</th>\n'
    '{% for info in infos %}<th scope="colgroup" colspan="{{ media_types|length }}">'
    "{{ info.purpose.name }}</th>{% endfor %}\n</tr>\n<tr>{% for info in infos %}"
    '{% for media in media_types %}<th scope="col">{{ media.label }}</th>{% endfor %}'
    "{% endfor %}</tr>"
)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("media_count", [3, 1])
def test_it_writes_the_overview_head_as_the_template_loops_did(language, media_count):
    infos = [
        SimpleNamespace(purpose=SimpleNamespace(name=name))
        for name in ("Website", "Nieuwsbrief & <pers>", "Sociale media")
    ]
    context = {"infos": infos, "media_types": list(MediaType)[:media_count]}
    engine = engines["django"]
    new = "{% load consent_tags %}{% overview_head infos media_types %}"
    with translation.override(language):
        old = engine.from_string(OLD_HEAD).render(context)
        assert engine.from_string(new).render(context) == old
    assert "&amp; &lt;pers&gt;" in old
