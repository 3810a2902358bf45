"""RowsField: ids no row can have are "not one of the choices", on SQLite too."""

import pytest
from django import forms

from schools.forms import RowsField
from schools.models import Pupil

pytestmark = pytest.mark.django_db


class PupilsForm(forms.Form):
    pupils = RowsField(queryset=Pupil.objects.all())


@pytest.mark.parametrize("junk", [str(10**30), str(-(10**30)), str(2**63)])
def test_it_refuses_an_id_beyond_64_bits_without_querying(pupil_a, junk, django_assert_num_queries):
    form = PupilsForm({"pupils": [str(pupil_a.pk), junk]})
    with django_assert_num_queries(0):
        assert not form.is_valid()
    assert form.has_error("pupils", code="invalid_choice")


def test_it_takes_the_rows_that_exist(pupil_a):
    form = PupilsForm({"pupils": [str(pupil_a.pk)]})
    assert form.is_valid() and list(form.cleaned_data["pupils"]) == [pupil_a]


def test_it_leaves_words_to_the_fields_own_check(pupil_a):
    form = PupilsForm({"pupils": ["abc"]})
    assert not form.is_valid()
    assert form.has_error("pupils", code="invalid_pk_value")
