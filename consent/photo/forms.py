from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import PurposeChoiceField
from consent.photo import cleaning
from schools.forms import ListedChoices, RowsField


class PupilChoiceField(RowsField):
    iterator = ListedChoices  # one plain SELECT, not a server-side cursor

    school_names: dict[int, str] = {}  # noqa: RUF012 - replaced, never changed in place

    def label_from_instance(self, pupil):
        return pupil.staff_label(self.school_names.get(pupil.school_id, ""))


class PostedBackIdField(forms.IntegerField):
    """An id the page posts back in a hidden field: a value it did not make is no id (the
    page then goes on as without it), never an error labelled with a field the teacher
    cannot see."""

    def clean(self, value) -> int | None:
        try:
            return super().clean(value)
        except forms.ValidationError:
            return None


class PhotoForm(forms.Form):
    """One form for both steps; the browser keeps the file and posts it again."""

    photo = forms.FileField(
        label=_("Photo"),
        allow_empty_file=True,  # the pipeline says why an empty file is refused
        help_text=_("JPEG, PNG, WebP or HEIC (iPhone)."),
        widget=forms.FileInput(attrs={"accept": cleaning.ACCEPTED_CONTENT_TYPES}),
    )
    channel = PurposeChoiceField(
        label=_("Channel"),
        help_text=_("Where the photo will be published."),
    )
    pupils = PupilChoiceField(
        queryset=None,
        required=False,
        label=_("Pupils in the photo"),
        widget=forms.CheckboxSelectMultiple,
    )
    rectangles = forms.CharField(
        required=False,
        label=_("Areas to blur"),
        help_text=_(
            "One rectangle per line as X,Y,W,H: left, top, width and height in pixels of "
            "the photo as shown upright."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
    )

    # Step 2: the check made in step 1; who appears follows from the faces (FacesForm).
    check = PostedBackIdField(required=False, widget=forms.HiddenInput)
    # The teacher's check before posting this photo belongs to (its page links here):
    # the first check of the photo replaces it, so the post stays one publication.
    from_check = PostedBackIdField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["pupils"]).queryset = pupils

    def clean_rectangles(self) -> list[cleaning.Rect]:
        try:
            return cleaning.parse_rectangles(self.cleaned_data["rectangles"])
        except cleaning.PhotoError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


NOT_ALLOWED = _(
    "This pupil may not appear in this photo (no consent for this channel), or was not "
    "ticked in step 1. The face stays blurred."
)


class FacePupilField(forms.ModelChoiceField):
    def label_from_instance(self, pupil):
        return pupil.full_name


class FacesForm(forms.Form):
    """Who each face found is. Only pupils ticked in step 1 who may appear on this channel
    can be chosen; every face without a pupil stays blurred."""

    def __init__(self, *args, count: int, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, count + 1):
            self.fields[f"face_{number}"] = FacePupilField(
                queryset=allowed,
                required=False,
                empty_label=_("Nobody chosen: blur this face"),
                label=_("Face %(number)s") % {"number": number},
                error_messages={"invalid_choice": NOT_ALLOWED},
            )

    def clean(self):
        seen: dict[int, str] = {}
        for name, pupil in list(self.cleaned_data.items()):
            if pupil is None:
                continue
            if pupil.pk in seen:
                self.add_error(
                    name,
                    _("You chose %(name)s for face %(other)s already.")
                    % {"name": pupil.full_name, "other": seen[pupil.pk]},
                )
            seen.setdefault(pupil.pk, name.removeprefix("face_"))
        return self.cleaned_data

    def assigned(self) -> dict[int, object]:
        """{face number: pupil} for the faces given a pupil (only when valid)."""
        return {
            int(name.removeprefix("face_")): pupil
            for name, pupil in self.cleaned_data.items()
            if pupil is not None
        }
