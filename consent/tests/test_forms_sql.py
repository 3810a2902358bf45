"""The channel choices read in SQL (consent.forms.ACTIVE_PURPOSES_SQL) are the choices
Django's own iterator gives for the field's queryset, on the check and the photo check."""

import pytest
from django.forms.models import ModelChoiceIterator, model_to_dict

from consent.forms import CheckForm
from consent.models import Purpose
from consent.photo.forms import PhotoForm
from schools.models import Pupil


def as_plain(choices):
    return [
        (str(value), str(label), model_to_dict(value.instance) if value else None)
        for value, label in choices
    ]


@pytest.mark.parametrize("form_class", [CheckForm, PhotoForm])
def test_it_lists_the_channels_as_the_orm_iterator_would(db, form_class):
    Purpose.objects.filter(code="nieuwsbrief").update(active=False)
    Purpose.objects.create(code="aa-eerst", name="Eerst & <vooraan>", ordering=0)
    Purpose.objects.filter(code="website").update(ordering=0)
    field = form_class(pupils=Pupil.objects.none()).fields[
        "purpose" if form_class is CheckForm else "channel"
    ]
    found = as_plain(field.choices)
    assert found == as_plain(ModelChoiceIterator(field))
    assert "nieuwsbrief" not in {row and row["code"] for _value, _label, row in found}
    assert [row and row["code"] for _value, _label, row in found[:3]] == [
        None,
        "aa-eerst",
        "website",
    ]
