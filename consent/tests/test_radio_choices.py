"""{% radio_choices %} renders a RadioSelect exactly as Django's widget templates do."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from consent.forms import YES_NO, YES_NO_CHOICES

TAG = Template("{% load consent_tags %}{% radio_choices field %}")


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("yes", "Ja"), ("no", "Nee <niet>")], required=False, widget=forms.RadioSelect
    )
    styled = forms.ChoiceField(
        choices=[("yes", "Ja")], widget=forms.RadioSelect(attrs={"class": "x"})
    )


@pytest.mark.parametrize("data", [None, {"answer": "no"}, {"answer": "yes"}, {"answer": ""}])
def test_it_renders_what_the_widget_renders(data):
    field = AnswerForm(data)["answer"]
    assert TAG.render(Context({"field": field})) == str(field)


def test_it_falls_back_to_the_widget_for_errors_and_attributes():
    form = AnswerForm({"answer": "maybe"})
    form.is_valid()
    for name in ("answer", "styled"):
        assert TAG.render(Context({"field": form[name]})) == str(form[name])
    assert 'aria-invalid="true"' in TAG.render(Context({"field": form["answer"]}))


def test_it_keeps_a_form_prefix_in_names_and_ids():
    field = AnswerForm(prefix="p")["answer"]
    html = TAG.render(Context({"field": field}))
    assert html == str(field)
    assert 'name="p-answer"' in html and 'id="id_p-answer_0"' in html


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, initial=12)
    styled = forms.IntegerField(widget=forms.HiddenInput(attrs={"class": "x"}), initial=1)


HIDDEN = Template("{% load consent_tags %}{% hidden_input field %}")


@pytest.mark.parametrize(
    ("data", "prefix"),
    [(None, None), ({"version": "13"}, None), (None, "p"), ({"p-version": "<x"}, "p")],
)
def test_it_renders_a_hidden_input_as_the_widget_does(data, prefix):
    field = VersionForm(data, prefix=prefix)["version"]
    assert HIDDEN.render(Context({"field": field})) == str(field)


def test_it_falls_back_to_the_widget_for_a_hidden_input_with_attributes_or_no_value():
    form = VersionForm({"version": ""})
    form.is_valid()
    for field in (form["version"], VersionForm()["styled"]):
        assert HIDDEN.render(Context({"field": field})) == str(field)


class FilterForm(forms.Form):
    channel = forms.ChoiceField(
        label="Kanaal", choices=[("", "Alle"), ("a", "A & co"), ("b", "B")], required=False
    )
    needed = forms.ChoiceField(label="Nodig", choices=[("", "Kies"), ("x", "X")])
    grouped = forms.ChoiceField(label="Groep", choices=[("G", [("g", "g")])], required=False)
    helped = forms.ChoiceField(label="Hulp", choices=[("h", "h")], help_text="uitleg")


SELECT = Template("{% load consent_tags %}<p>{% select_field field %}</p>")


def same_page(html: str) -> str:
    """Whitespace collapsed, and dropped next to tags (where it does not render here)."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(
    "data", [None, {"channel": "a", "needed": "x"}, {"channel": "", "needed": "x"}]
)
def test_it_renders_a_labelled_select_as_the_form_does(data):
    form = FilterForm(data)
    for name in ("channel", "needed", "grouped", "helped"):
        expected = same_page(form[name].as_field_group())
        assert same_page(SELECT.render(Context({"field": form[name]}))) == f"<p>{expected}</p>"


def test_it_falls_back_to_the_form_for_a_select_with_errors():
    form = FilterForm({"channel": "nope"})
    form.is_valid()
    html = SELECT.render(Context({"field": form["channel"]}))
    assert 'aria-invalid="true"' in html
    assert 'value="a">A &amp; co</option>' in html


class RequiredForm(forms.Form):
    media = forms.ChoiceField(
        choices=[("photo", "foto"), ("video", "film")], widget=forms.RadioSelect
    )
    pupils = forms.MultipleChoiceField(
        choices=[("1", "Sem <B>"), ("2", "Roos")], widget=forms.CheckboxSelectMultiple
    )


@pytest.mark.parametrize("data", [None, {"media": "video"}])
def test_it_marks_required_radios_as_the_widget_does(data):
    field = RequiredForm(data)["media"]
    html = TAG.render(Context({"field": field}))
    assert html == str(field)
    assert html.count(" required") == 2


@pytest.mark.parametrize("data", [None, {"pupils": ["2"]}])
def test_it_renders_each_option_input_as_its_tag(data):
    option_tag = Template("{% load consent_tags %}{% option_input option %}")
    for option in RequiredForm(data)["pupils"]:
        assert option_tag.render(Context({"option": option})) == option.tag()


# {% checkbox_items %}: the photo check's pupil list, against the template loop it replaces
OLD_CHECKBOXES = Template(
    "{% load consent_tags %}{% for checkbox in field %}"
    '<li><label for="{{ checkbox.id_for_label }}">{% option_input checkbox %} '
    "{{ checkbox.choice_label }}</label></li>\n"
    "{% empty %}<li>{{ empty }}</li>\n{% endfor %}"
)
CHECKBOXES = Template("{% load consent_tags %}{% checkbox_items field empty %}")


def both_checkbox_lists(field, empty="Geen <leerlingen>"):
    context = {"field": field, "empty": empty}
    return (
        CHECKBOXES.render(Context(context)),
        OLD_CHECKBOXES.render(Context(context)).rstrip("\n"),
    )


class PupilsForm(forms.Form):
    pupils = forms.MultipleChoiceField(
        choices=[("1", "Sem <B>"), ("2", "Roos & Lin"), ("3", "Noor")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    styled = forms.MultipleChoiceField(
        choices=[("1", "Sem")], widget=forms.CheckboxSelectMultiple(attrs={"class": "x"})
    )
    nobody = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)


@pytest.mark.parametrize("data", [None, {"pupils": ["2"]}, {"pupils": ["1", "3"]}])
def test_it_writes_the_checkbox_list_as_the_template_loop_did(data):
    new, old = both_checkbox_lists(PupilsForm(data)["pupils"])
    assert new == old
    assert 'value="1" id="id_pupils_0"' in new and "Sem &lt;B&gt;" in new


def test_it_writes_the_checkbox_list_with_a_prefix_and_the_empty_line():
    new, old = both_checkbox_lists(PupilsForm(prefix="p")["pupils"])
    assert new == old and 'name="p-pupils"' in new
    new, old = both_checkbox_lists(PupilsForm()["nobody"])
    assert new == old == "<li>Geen &lt;leerlingen&gt;</li>"


def test_it_falls_back_to_the_subwidgets_for_errors_and_attributes():
    form = PupilsForm({"pupils": ["9"], "styled": ["1"]})
    form.is_valid()
    for name in ("pupils", "styled"):
        new, old = both_checkbox_lists(form[name])
        assert new == old
    assert 'aria-invalid="true"' in both_checkbox_lists(form["pupils"])[0]
    assert 'class="x"' in both_checkbox_lists(form["styled"])[0]


def test_it_writes_the_photo_checks_pupils_in_one_query(
    pupil_a, pupil_b, django_assert_num_queries
):
    from consent.photo.forms import PhotoForm
    from schools.models import Pupil

    pupils = Pupil.objects.filter(pk__in=[pupil_a.pk, pupil_b.pk]).select_related("group")
    form = PhotoForm({"pupils": [str(pupil_b.pk)]}, pupils=pupils.order_by("pk"))
    form.is_valid()
    with django_assert_num_queries(1):  # the pupils, one plain SELECT
        new = CHECKBOXES.render(Context({"field": form["pupils"], "empty": "-"}))
    assert new == both_checkbox_lists(form["pupils"], "-")[1]
    assert f'value="{pupil_b.pk}" id="id_pupils_1" checked>' in new


# {% pupil_picks %}: the check's pupil list, against the template loop it replaces
OLD_PICKS = Template(
    "{% for pupil in candidates %}"
    '<li><label><input type="checkbox" name="pupils" value="{{ pupil.pk }}"'
    '{% if pupil.pk|stringformat:"d" in chosen %} checked{% endif %}> {{ pupil.full_name }}'
    "{% if query and pupil.group %} ({{ pupil.group.name }}){% endif %}</label></li>\n"
    "{% endfor %}"
)
PICKS = Template("{% load consent_tags %}{% pupil_picks candidates chosen query %}")


@pytest.mark.parametrize("query", ["", "se"])
def test_it_writes_the_checks_pupils_as_the_template_loop_did(pupil_a, pupil_b, query):
    pupil_b.first_name = "Roos <&>"
    context = {"candidates": [pupil_a, pupil_b], "chosen": {str(pupil_b.pk)}, "query": query}
    new = PICKS.render(Context(context))
    assert new == OLD_PICKS.render(Context(context)).rstrip("\n")
    assert "Roos &lt;&amp;&gt;" in new and new.count(" checked") == 1
    assert (f"({pupil_a.group.name})" in new) is bool(query)


# {% select_options %}: the photo check's channel options, against the template loop
OLD_OPTIONS = Template(
    "{% for value, label in field.field.choices %}"
    '<option value="{{ value }}"{% if value|stringformat:"s" == field.value|stringformat:"s" %}'
    " selected{% endif %}>{{ label }}</option>\n{% endfor %}"
)
OPTIONS = Template("{% load consent_tags %}{% select_options field %}")


@pytest.mark.parametrize("data", [None, {"channel": "b"}, {"channel": "nope"}])
def test_it_writes_the_options_as_the_template_loop_did(data):
    form = FilterForm(data)
    form.is_valid()
    context = Context({"field": form["channel"]})
    new = OPTIONS.render(context)
    assert new == OLD_OPTIONS.render(context).rstrip("\n")
    assert new.count(" selected") == (data == {"channel": "b"})
    assert "A &amp; co" in new


def test_it_reads_a_model_fields_options_without_counting_them(db, django_assert_num_queries):
    from consent.photo.forms import PhotoForm
    from schools.models import Pupil

    field = PhotoForm(pupils=Pupil.objects.none())["channel"]
    with django_assert_num_queries(1):  # the active purposes, no COUNT first
        new = OPTIONS.render(Context({"field": field}))
    # the empty choice's label, as on the check before posting (consent.photo.forms)
    assert new.startswith('<option value="">Kies een kanaal</option>')
    assert new == OLD_OPTIONS.render(Context({"field": field})).rstrip("\n")


def test_it_renders_the_same_with_a_shared_label_memo():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from consent.templatetags.consent_tags import radio_choices

    class Lazy(forms.Form):
        a = forms.ChoiceField(choices=[("yes", gettext_lazy("yes"))], widget=forms.RadioSelect)
        b = forms.ChoiceField(choices=[("yes", gettext_lazy("yes"))], widget=forms.RadioSelect)

    labels = {}
    with translation.override("nl"):
        form = Lazy()
        for name in ("a", "b", "a"):
            assert radio_choices(form[name], labels) == str(form[name])
        assert "\n ja</label>" in radio_choices(form["b"], labels)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_builds_the_yes_no_field_as_from_the_plain_list(language):
    """The parent's questions take consent.forms.YES_NO_CHOICES, normalised once: the same
    choices, widget HTML and validation as the plain YES_NO list."""

    def form_with(choices):
        class OneQuestion(forms.Form):
            q = forms.ChoiceField(
                label="Foto", choices=choices, required=False, widget=forms.RadioSelect
            )

        return OneQuestion

    plain, normal = form_with(YES_NO), form_with(YES_NO_CHOICES)
    with translation.override(language):
        assert list(normal.base_fields["q"].choices) == list(plain.base_fields["q"].choices)
        for data in ({}, {"q": "yes"}, {"q": "no"}, {"q": "maybe"}):
            for bound in (True, False):
                a = plain(data) if bound else plain(initial=data)
                b = normal(data) if bound else normal(initial=data)
                assert str(b["q"]) == str(a["q"])
                assert b.is_valid() == a.is_valid() and b.errors == a.errors
