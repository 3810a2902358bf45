"""Form fields more than one app uses."""

from django import forms
from django.utils.text import normalize_newlines

from opo_portal.text import without_direction_controls


class LongTextField(forms.CharField):
    """A text typed into a textarea, at most `MAX_LENGTH` characters. Longer is refused with
    `too_long` (which may use %(limit_value)d and %(show_value)d), the text kept in the
    form; the textarea has no `maxlength`, which would cut a pasted text short without a
    word. A browser sends each line break as \\r\\n: one character to the writer, not two."""

    MAX_LENGTH: int
    too_long: str

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(
            max_length=self.MAX_LENGTH, error_messages={"max_length": self.too_long}, **kwargs
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))


class NameField(forms.CharField):
    """A name people type (a person's, a school's or group's, a source's, a purpose's, a
    watch term): without Unicode's direction controls, which make it read as another name
    on every page and export showing it (opo_portal.text). A name of them only is empty,
    so a required one is refused as empty."""

    def to_python(self, value):
        value = super().to_python(value)
        return without_direction_controls(value).strip() if value else value
