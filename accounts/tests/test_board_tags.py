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
# page shows it in full (`in_full`), else to its coverage; each count that is not 0 links
# to what it counts, by words that say so (takedowns and cases to the school's part of
# the page, else to the school's open takedowns and the dashboard's cases of the school).
LOOP = """{% load i18n %}
      {% for row in home.rows %}{% with code=row.school.code school=row.school.name %}
        <tr>
          <th scope="row"><a href="{% if code in in_full %}#school-{{ code }}{% else %}{% url 'consent:coverage' code %}{% endif %}">{{ school }}</a></th>
          <td>{% if row.has_director %}{% translate "yes" %}{% else %}<strong>{% translate "none: the board answers" %}</strong>{% endif %}</td>
          {% if row.counted %}
            <td>{% if row.pupils %}<a href="{% url 'consent:coverage' code %}" aria-label="{% blocktranslate trimmed count n=row.pupils %}{{ n }} pupil at {{ school }}{% plural %}{{ n }} pupils at {{ school }}{% endblocktranslate %}">{{ row.pupils }}</a>{% else %}0{% endif %}</td>
            <td>{% if row.waiting_pupils %}<a href="{% url 'consent:coverage' code %}#per-group" aria-label="{% blocktranslate trimmed count n=row.waiting_pupils %}{{ n }} pupil with open questions at {{ school }}{% plural %}{{ n }} pupils with open questions at {{ school }}{% endblocktranslate %}">{{ row.waiting_pupils }}</a>{% else %}0{% endif %}</td>
            <td>{% if row.conflicts %}<a href="{% url 'consent:coverage' code %}#conflicts" aria-label="{% blocktranslate trimmed count n=row.conflicts %}{{ n }} pupil whose parents disagree at {{ school }}{% plural %}{{ n }} pupils whose parents disagree at {{ school }}{% endblocktranslate %}">{{ row.conflicts }}</a>{% else %}0{% endif %}</td>
          {% else %}<td colspan="3">{% translate "not counted yet" %}</td>{% endif %}
          <td>{% if row.takedowns %}<a href="{% if code in in_full %}#school-{{ code }}{% else %}{% url 'consent:school_takedowns' code %}{% endif %}" aria-label="{% blocktranslate trimmed count n=row.takedowns %}{{ n }} publication still to take down at {{ school }}{% plural %}{{ n }} publications still to take down at {{ school }}{% endblocktranslate %}">{{ row.takedowns }}</a>{% else %}{{ row.takedowns }}{% endif %}</td>
          <td>{% if row.cases %}<a href="{% if code in in_full %}#school-{{ code }}{% else %}{% url 'monitoring:dashboard' %}?zaken={{ code }}{% endif %}" aria-label="{% blocktranslate trimmed count n=row.cases with urgent=row.urgent_cases %}{{ n }} open follow-up case at {{ school }}, {{ urgent }} urgent{% plural %}{{ n }} open follow-up cases at {{ school }}, {{ urgent }} urgent{% endblocktranslate %}">{{ row.cases }} ({{ row.urgent_cases }})</a>{% else %}{{ row.cases }} ({{ row.urgent_cases }}){% endif %}</td>
          <td>{% if not row.counted %}–{% elif row.protocol_missing %}<a href="{% url 'policy:confirmation_list' code %}" aria-label="{% blocktranslate trimmed count n=row.protocol_missing %}{{ n }} staff member at {{ school }} has not confirmed the protocol{% plural %}{{ n }} staff members at {{ school }} have not confirmed the protocol{% endblocktranslate %}">{{ row.protocol_missing }}</a>{% else %}0{% endif %}</td>
          <td>{% if row.sources_failing %}<a href="{% url 'monitoring:sources' %}?school={{ code }}" aria-label="{% blocktranslate trimmed count n=row.sources_failing %}{{ n }} failing monitoring source of {{ school }}{% plural %}{{ n }} failing monitoring sources of {{ school }}{% endblocktranslate %}">{{ row.sources_failing }}</a>{% else %}0{% endif %}</td>
        </tr>
      {% endwith %}{% empty %}
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
        BoardRow(hostile, False, True, pupils=3, takedowns=1, cases=2, urgent_cases=1),
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
