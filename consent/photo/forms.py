from django import forms
from django.utils.translation import gettext_lazy as _

from consent.models import Purpose
from consent.photo import cleaning


class PupilChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, pupil):
        group = pupil.group.name if pupil.group else ""
        return f"{pupil.full_name} ({group})" if group else pupil.full_name


class PhotoForm(forms.Form):
    """One form for both steps; the browser keeps the file and posts it again."""

    photo = forms.FileField(
        label=_("Photo"),
        allow_empty_file=True,  # the pipeline says why an empty file is refused
        help_text=_("JPEG, PNG, WebP or HEIC (iPhone)."),
        widget=forms.FileInput(attrs={"accept": cleaning.ACCEPTED_CONTENT_TYPES}),
    )
    channel = forms.ModelChoiceField(
        queryset=Purpose.objects.filter(active=True),
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

    # Step 2: the check made in step 1 and the pupils the teacher blurred on it.
    check = forms.IntegerField(required=False, widget=forms.HiddenInput)
    blurred = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Pupils you made unrecognisable"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        self.fields["blurred"].queryset = pupils

    def clean_rectangles(self) -> list[cleaning.Rect]:
        try:
            return cleaning.parse_rectangles(self.cleaned_data["rectangles"])
        except cleaning.PhotoError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
