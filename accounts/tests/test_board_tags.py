"""The board home's rows written by a tag give the HTML the template loop gave."""

import re

import pytest
from django.template import engines
from django.utils import translation

from accounts.attention import SchoolAttention
from accounts.board import BoardRow
from accounts.templatetags.board_tags import board_rows
from schools.models import School

# The loop the tag replaced (templates/accounts/home_board.html before issue 17's fourth
# pass), kept as the reference; a school links to its part of the page only when the
# page shows it in full (`in_full`), else to its coverage; failing sources link to the
# school's sources.
LOOP = """{% load i18n %}
      {% for row in home.rows %}
        <tr>
          <th scope="row"><a href="{% if row.school.code in in_full %}#school-{{ row.school.code }}{% else %}{% url 'consent:coverage' row.school.code %}{% endif %}">{{ row.school.name }}</a></th>
          <td>{% if row.has_director %}{% translate "yes" %}{% else %}<strong>{% translate "none: the board answers" %}</strong>{% endif %}</td>
          {% if row.counted %}<td>{{ row.pupils }}</td><td>{{ row.waiting_pupils }}</td><td>{{ row.conflicts }}</td>{% else %}<td colspan="3">{% translate "not counted yet" %}</td>{% endif %}
          <td>{{ row.takedowns }}</td><td>{{ row.cases }} ({{ row.urgent_cases }})</td>
          <td>{% if row.counted %}{{ row.protocol_missing }}{% else %}–{% endif %}</td><td>{% if row.sources_failing %}<a href="{% url 'monitoring:sources' %}?school={{ row.school.code }}">{{ row.sources_failing }}</a>{% else %}0{% endif %}</td>
        </tr>
      {% empty %}
        <tr><td colspan="9">{% translate "No schools yet." %}</td></tr>
      {% endfor %}"""  # noqa: E501


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


HOSTILE = School(pk=2, code="x-y", name="<script>alert(\"x\")</script> & 'Co'")
IN_FULL = [SchoolAttention(HOSTILE, has_director=False)]


def rows() -> list[BoardRow]:
    school = School(pk=1, code="vlindertuin", name="OBS De Vlindertuin")
    hostile = HOSTILE
    return [
        BoardRow(school, True, True, 1234, 56, 7, 8, 9, 10, 11, 12),
        BoardRow(hostile, False, True, pupils=3),
        BoardRow(school, True, False, takedowns=2, cases=1, urgent_cases=1),
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("shown", [rows, list])
def test_it_writes_what_the_loop_wrote(language, shown):
    with translation.override(language):
        context = {"home": {"rows": shown()}, "in_full": {"x-y"}}
        expected = engines["django"].from_string(LOOP).render(context)
        assert squeezed(board_rows(shown(), IN_FULL)) == squeezed(expected)


def test_it_escapes_school_names():
    html = board_rows(rows())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Co&#x27;" in html
