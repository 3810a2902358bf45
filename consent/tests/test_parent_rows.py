"""{% history_rows %} and {% media_row %} render what the parent page's template loops
rendered (the loops are kept here as the reference), up to whitespace between tags."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from django.utils.timezone import template_localtime

from conftest import make_user
from consent.forms import ChildConsentForm, answer_field_name
from consent.history import child_events
from consent.models import ConsentEvent, MediaType
from consent.rules import Decision, State, purpose_infos
from consent.templatetags.consent_tags import _day, _day_and_time
from consent.tests.helpers import decide
from schools.models import Guardianship

OLD_HISTORY = Template(
    """{% load i18n consent_tags %}{% for e in history %}
  <tr>
    <td data-label="{% translate 'When' %}">{{ e.created_at|date:"j F Y H:i" }}</td>
    <td data-label="{% translate 'Who' %}">{% if e.guardian_id == user.pk %}{% translate "you" %}{% else %}{% translate "the other parent" %}{% endif %}</td>
    <td data-label="{% translate 'Channel' %}">{{ e.purpose.name }} <small>({% blocktranslate trimmed with n=e.purpose_version.number %}text version {{ n }}{% endblocktranslate %})</small></td>
    <td data-label="{% translate 'Media type' %}">{{ e.get_media_type_display }}</td>
    <td data-label="{% translate 'Decision' %}">{% if e.granted %}{% state_badge "✓" "granted" _("yes") %}{% else %}{% state_badge "✗" "refused" _("no") %}{% endif %}</td>
    <td data-label="{% translate 'How' %}">{{ e.get_method_display }}{% if e.recorded_by %} — {% blocktranslate trimmed with name=e.recorded_by.full_name|default:e.recorded_by.email %}recorded by {{ name }}{% endblocktranslate %}{% endif %}</td>
  </tr>
{% endfor %}"""  # noqa: E501
)
NEW_HISTORY = Template("{% load consent_tags %}{% history_rows history user.pk %}")

OLD_MEDIA_ROW = Template(
    """{% load i18n consent_tags %}{% for m in media_rows %}
  <fieldset class="media-row">
    <legend class="visually-hidden">{{ m.media.label|capfirst }}</legend>
    <div class="media-row__line">
      <span class="media-row__name" aria-hidden="true">{{ m.media.label|capfirst }}</span>
    {% if can_decide %}
        <div class="choices">{% radio_choices m.field %}</div>
    {% endif %}
    </div>
    <p class="media-row__now">
      {% if can_decide %}
        {% if m.own %}
          {% if m.own.granted %}{% blocktranslate trimmed with when=m.own.at|date:"j F Y" %}Your answer: yes (since {{ when }}).{% endblocktranslate %}
          {% else %}{% blocktranslate trimmed with when=m.own.at|date:"j F Y" %}Your answer: no (since {{ when }}).{% endblocktranslate %}{% endif %}
        {% else %}{% translate "You have not answered yet." %}{% endif %}
      {% endif %}
      {% translate "For the school:" %}
      {% parent_state m.state %}
    </p>
  </fieldset>
{% endfor %}"""  # noqa: E501
)
NEW_MEDIA_ROW = Template(
    "{% load consent_tags %}{% for m in media_rows %}{% media_row m can_decide %}{% endfor %}"
)


def same_page(html: str) -> str:
    """Whitespace collapsed, and dropped next to tags (where it does not render here)."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_renders_the_history_as_the_template_loop_did(language, parent_a, pupil_a, director_a):
    other = make_user("ouder2.a@example.org", full_name="<Tweede> Ouder")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "pers", "photo", False, method="phone", recorded_by=director_a)
    decide(pupil_a, other, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "video", True)
    events = list(
        ConsentEvent.objects.filter(pupil=pupil_a)
        .select_related("purpose", "purpose_version", "recorded_by")
        .order_by("-created_at", "-id")
    )
    with translation.override(language):
        new = NEW_HISTORY.render(Context({"history": child_events(pupil_a.pk), "user": parent_a}))
        old = OLD_HISTORY.render(Context({"history": events, "user": parent_a}))
        assert same_page(new) == same_page(old)
    assert new.count("<tr>") == 3
    assert "Tweede" not in new


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("can_decide", [True, False])
def test_it_renders_media_rows_as_the_template_loop_did(language, can_decide, db):
    info = purpose_infos()[0]
    at = timezone.now()
    form = ChildConsentForm(
        infos=[info], initial={answer_field_name(info.purpose.pk, "photo"): "yes"}
    )
    owns = [Decision(1, 1, True, at, 1), Decision(1, 1, False, at, 2), None]
    states = [State.GRANTED, State.NOT_IN_PICTURE, State.CONFLICT]
    media_rows = [
        {
            "media": media,
            "field": form[answer_field_name(info.purpose.pk, media)] if can_decide else None,
            "own": own,
            "state": state,
        }
        for media, own, state in zip(MediaType, owns, states, strict=True)
    ]
    context = {"media_rows": media_rows * 2, "can_decide": can_decide}
    with translation.override(language):
        new = NEW_MEDIA_ROW.render(Context(context))
        assert same_page(new) == same_page(OLD_MEDIA_ROW.render(Context(context)))
    assert new.count('type="radio"') == (12 if can_decide else 0)


OLD_FIELDSETS = Template(
    """{% load i18n consent_tags %}{% for row in rows %}
    <fieldset class="purpose">
      <legend>{{ row.info.purpose.name }}</legend>
      <p class="purpose__text">{{ row.info.current_version.text|linebreaksbr }}</p>
      {% if row.asked_again %}<p class="purpose__again">{% translate "This text has changed in meaning. Please answer again." %}</p>{% endif %}
      {% if row.version_field %}{% hidden_input row.version_field %}
        <p class="set-all" data-set-all-group hidden>
          <button type="button" class="secondary" data-set-all="yes">{% blocktranslate trimmed with channel=row.info.purpose.name %}Yes to everything<span class="visually-hidden"> for {{ channel }}</span>{% endblocktranslate %}</button>
          <button type="button" class="secondary" data-set-all="no">{% blocktranslate trimmed with channel=row.info.purpose.name %}No to everything<span class="visually-hidden"> for {{ channel }}</span>{% endblocktranslate %}</button>
        </p>
      {% endif %}
      {% for m in row.media_rows %}{% media_row m can_decide %}{% endfor %}
    </fieldset>
{% endfor %}"""  # noqa: E501
)
NEW_FIELDSETS = Template("{% load consent_tags %}{% purpose_fieldsets rows can_decide %}")


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("can_decide", [True, False])
def test_it_renders_the_channels_as_the_template_loop_did(language, can_decide, db):
    from consent.rules import consent_table
    from consent.views.parent import _rows

    infos = purpose_infos()
    infos[0].purpose.name = "Website & <nieuws>"
    infos[0].current_version.text = "Eerste regel\nTweede <regel>"
    form = ChildConsentForm(infos=infos) if can_decide else None

    class Pupil:
        pk, not_in_picture = 1, False

    table = consent_table([Pupil()], infos, holders={1: set()}, events=[])
    rows = _rows(Pupil(), make_user("ouder.x@example.org"), infos, table, form, history=[])
    rows[1]["asked_again"] = True
    context = {"rows": rows, "can_decide": can_decide}
    with translation.override(language):
        new = NEW_FIELDSETS.render(Context(context))
        assert same_page(new) == same_page(OLD_FIELDSETS.render(Context(context)))
    assert "Website &amp; &lt;nieuws&gt;" in new and "Eerste regel<br>Tweede &lt;regel&gt;" in new
    assert new.count('data-set-all="yes"') == (len(infos) if can_decide else 0)
    assert new.count('class="purpose__again"') == 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_writes_dates_as_the_date_filter_does(language):
    start = datetime.datetime(2026, 1, 1, 0, 7, tzinfo=datetime.UTC)
    moments = [start + datetime.timedelta(days=n * 17, hours=n * 5) for n in range(40)]
    moments += [datetime.datetime(2026, 3, 29, 0, 59, 59, tzinfo=datetime.UTC)]  # DST
    moments += [datetime.datetime(999, 12, 31, 23, 0, tzinfo=datetime.UTC)]
    with translation.override(language):
        for moment in moments:
            local = template_localtime(moment)
            assert _day(local) == date_filter(local, "j F Y")
            assert _day_and_time(local) == date_filter(local, "j F Y H:i")
