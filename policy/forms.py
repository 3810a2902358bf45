import re
from typing import Any, cast

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.text import normalize_newlines, slugify
from django.utils.translation import gettext_lazy as _

from opo_portal.fields import LongTextField, NameField
from opo_portal.text import without_direction_controls
from policy.models import ProtocolVersion, Release, Section
from policy.services import text_digest
from policy.text import normalise_article_text

# Ids the pages showing the protocol have already (the contents, the confirm form, the
# base page's main and session warning, the preview's "changes-title" and
# "publish-title", the summary form's "stored-title"); a section may not take them, nor
# one whose heading's id ("<anchor>-title") would be one of them.
RESERVED_SLUGS = {
    "inhoud",
    "bevestigen",
    "main",
    "session-warning",
    "session-warning-text",
    "changes",
    "publish",
    "stored",
}


class DraftTextField(LongTextField):
    """A draft's summary or article text. The whole protocol is about 6,000 characters;
    one text may have ten times that, and a pasted file of megabytes, stored, would be
    rendered on every draft page."""

    MAX_LENGTH = 60_000
    too_long = _(
        "A text in the protocol can have at most %(limit_value)d characters (this one "
        "has %(show_value)d): ten times the whole protocol. Please shorten it."
    )


class DraftSummaryField(DraftTextField):
    """The summary of changes: its line breaks stay (a list of changes), Unicode's
    direction controls go (opo_portal.text), as in an article's text."""

    def to_python(self, value):
        return without_direction_controls(super().to_python(value))


class KeptField(forms.Field):
    """A hidden value the page sends back as it got it; never an error of the form (the
    editor could not correct it), checked where it is used."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> str:
        return value if isinstance(value, str) else ""


class ShowsTextForm(forms.Form):
    """An edit form that carries what it showed: services.text_digest of the stored text as
    the page showed it, so a save over text changed since (a colleague, another tab) is
    refused (services._refuse_if_changed). Missing, it matches no text. It carries the text
    itself too (`original`), so a refusal can show what changed since (started_from)."""

    shown = forms.CharField(required=False, widget=forms.HiddenInput)
    original = KeptField()

    def __init__(self, *args, stored: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("shown", text_digest(stored))
        self.initial.setdefault("original", stored)

    def now_showing(self, stored: str) -> None:
        """The page shows `stored` beside the typed text: saving again saves over it."""
        data = cast(MultiValueDict, self.data).copy()  # a form's data: the request's
        data[self.add_prefix("shown")] = text_digest(stored)
        data[self.add_prefix("original")] = stored
        self.data = data

    def started_from(self) -> str | None:
        """The text the page showed when it was opened, if the form sent it back as it was
        (its digest is `shown`); None when not known: a page opened before the forms
        carried it, or a request made by hand. A browser sends a line break as \r\n."""
        shown = self.cleaned_data.get("shown")
        original = self.cleaned_data.get("original", "")
        for text in (original, normalize_newlines(original)):
            if shown and text_digest(text) == shown:
                return text
        return None


class SavesToDraftForm(forms.Form):
    """A form that saves into a draft (adds a section or an article, edits an article, a
    heading or the summary) carries the draft's own id (`draft`), not only its number in
    the address: a draft discarded after the page was opened is followed by a new one with
    the same number, which the page never showed (views._require_shown_draft). Missing, or
    naming another version, it is refused, nothing saved, and the form then carries this
    draft's id, so saving again saves knowingly."""

    draft = KeptField()
    other_draft = _(
        "This page does not belong to the draft of version %(number)s as it is now, so "
        "nothing was saved. Check the draft, then save again to save this in it."
    )

    def __init__(self, *args, version: ProtocolVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.initial.setdefault("draft", version.pk)

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if cleaned.get("draft") != str(self.version.pk):
            data = cast(MultiValueDict, self.data).copy()  # a form's data: the request's
            data[self.add_prefix("draft")] = str(self.version.pk)
            self.data = data
            raise forms.ValidationError(
                self.other_draft, code="other_draft", params={"number": self.version.number}
            )
        return cleaned


class AddsToDraftForm(SavesToDraftForm):
    """SavesToDraftForm for a form that adds a section or an article: its refusal says so."""

    other_draft = _(
        "This page does not belong to the draft of version %(number)s as it is now, so "
        "nothing was saved. Check the draft, then save again to add this to it."
    )


class SummaryForm(SavesToDraftForm, ShowsTextForm):
    summary = DraftSummaryField(
        label=_("Summary of changes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required before publishing. Readers see it above the protocol."),
    )


class ArticleForm(forms.Form):
    text = DraftTextField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Separate paragraphs with an empty line; other line breaks become spaces."),
    )

    def clean_text(self) -> str:
        text = normalise_article_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("An article needs text."))
        return text


class ArticleAddForm(AddsToDraftForm, ArticleForm):
    pass


class ArticleEditForm(SavesToDraftForm, ShowsTextForm, ArticleForm):
    # the article's section, should the article be removed meanwhile: what was typed can
    # then be added to it again (views.article_edit)
    section = KeptField()


class HeadingForm(forms.Form):
    # a typed name: without direction controls, and one of them only is empty
    heading = NameField(label=_("Heading"), max_length=200)


class SectionForm(SavesToDraftForm, ShowsTextForm, HeadingForm):
    pass


class SectionAddForm(AddsToDraftForm, HeadingForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Section.Kind.choices)
    slug = forms.SlugField(
        label=_("Anchor name"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to derive it from the heading. Articles are cited as name-1."),
    )

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        slug = cleaned.get("slug") or slugify(cleaned.get("heading", ""))
        limit = cast(forms.SlugField, self.fields["slug"]).max_length
        if not slug:
            self.add_error("slug", _("Choose an anchor name."))
        elif limit is not None and len(slug) > limit:  # derived from a long heading
            self.add_error(
                "slug",
                _("This anchor name is longer than %(max)s characters; choose a shorter one.")
                % {"max": limit},
            )
        elif slug in RESERVED_SLUGS or re.search(r"-\d+$", slug) or slug.endswith("-title"):
            self.add_error(
                "slug", _("This anchor name is reserved or ends in a number; choose another.")
            )
        cleaned["slug"] = slug
        return cleaned


class ConfirmForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DiffChoiceForm(forms.Form):
    old = forms.TypedChoiceField(label=_("From version"), coerce=int)
    new = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        cast(forms.ChoiceField, self.fields["old"]).choices = choices
        cast(forms.ChoiceField, self.fields["new"]).choices = choices

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if cleaned.get("old") is not None and cleaned.get("old") == cleaned.get("new"):
            raise forms.ValidationError(_("Choose two different versions."))
        return cleaned


class PublishForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of change is this?"),
        choices=Release.Kind.choices,
        widget=forms.RadioSelect,
        initial=Release.Kind.REVISION,  # the safe default: everyone reads again
    )
    # services.version_fingerprint of the draft as the preview showed it; missing (a page
    # opened before it was sent, a request made by hand) it matches no draft
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)
