"""{% select_widget %} writes an optional Select exactly as `{{ field }}` does."""

import pytest
from django import forms
from django.template import Context, Template

TAG = Template("{% load monitoring_tags %}{% select_widget field %}")


class Filters(forms.Form):
    category = forms.ChoiceField(
        choices=[("", "alle"), ("a", "A & <b>"), ("b", "B")], required=False
    )
    needed = forms.ChoiceField(choices=[("", "kies"), ("x", "X")])
    styled = forms.ChoiceField(
        choices=[("x", "X")], required=False, widget=forms.Select(attrs={"class": "y"})
    )
    grouped = forms.ChoiceField(choices=[("G", [("g", "g")])], required=False)
    helped = forms.ChoiceField(choices=[("h", "h")], required=False, help_text="uitleg")


def render(field):
    return TAG.render(Context({"field": field}))


@pytest.mark.parametrize("data", [None, {"category": "a"}, {"category": ""}])
def test_it_writes_what_the_widget_writes(data):
    form = Filters(data, prefix="f" if data else None)
    field = form["category"]
    assert render(field) == str(field)
    assert "A &amp; &lt;b&gt;" in render(field)


@pytest.mark.parametrize("name", ["needed", "styled", "grouped", "helped"])
def test_it_leaves_anything_else_to_the_widget(name):
    field = Filters()[name]
    assert render(field) == str(field)


def test_it_leaves_a_field_with_errors_to_the_widget():
    form = Filters({"category": "nope"})
    form.is_valid()
    assert render(form["category"]) == str(form["category"])
    assert 'aria-invalid="true"' in render(form["category"])


def test_it_writes_the_mentions_source_filter_in_one_plain_select(
    school_a, django_assert_num_queries
):
    from monitoring.forms import MentionFilterForm
    from monitoring.tests.helpers import make_source

    make_source()
    field = MentionFilterForm({"source": ""}, school=school_a)["source"]
    with django_assert_num_queries(1) as captured:  # the sources, no cursor, no COUNT
        html = render(field)
    assert captured.captured_queries[0]["sql"].startswith("SELECT")
    assert html == str(field)
