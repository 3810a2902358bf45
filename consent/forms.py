import re
import uuid
from collections.abc import Callable, Sequence
from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consent.models import Appearance, ConsentEvent, MediaType, Purpose, PurposeVersion
from consent.rules import PURPOSE_FIELDS, PurposeInfo
from consent.services import Answer, retired_yes_message
from opo_portal.fields import LongTextField, NameField
from opo_portal.sql import prepared
from schools.access import fetch_rows
from schools.forms import ListedChoices, RowsField

YES_NO = [
    ("yes", pgettext_lazy("consent answer", "Yes")),
    ("no", pgettext_lazy("consent answer", "No")),
]


class NormalChoices(BaseChoiceIterator):
    """Choices already in Django's normal form, taken as they are: a plain list is
    normalised again by every field and widget it is given to (three times per field,
    most of the time it takes to build the parent's form of 18 questions)."""

    def __init__(self, choices):
        self.choices = normalize_choices(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


YES_NO_CHOICES = NormalChoices(YES_NO)
YES_NO_VALUES = frozenset(value for value, _label in YES_NO)
# A retired channel (switched off in the admin) takes a withdrawal, never a new "yes".
NO_ONLY_CHOICES = NormalChoices(YES_NO[1:])


def answer_field_name(purpose_id: int, media_type: str) -> str:
    return f"c-{purpose_id}-{media_type}"


def answer_field(
    info: PurposeInfo, media: MediaType, *, refused_yes: Callable[[str], str]
) -> forms.ChoiceField:
    """Yes/no on an active channel; only "no" on a retired one, where a "yes" (sent by a
    page shown before it was switched off) is refused with `refused_yes(channel name)`."""
    if info.purpose.active:
        return forms.ChoiceField(
            label=media.label, choices=YES_NO_CHOICES, required=False, widget=forms.RadioSelect
        )
    return forms.ChoiceField(
        label=media.label,
        choices=NO_ONLY_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": refused_yes(info.purpose.name)},
    )


# The largest id a version can have (a bigint column): a larger number sent is refused by
# the form, never looked up (the database would refuse it).
PK_MAX = 2**63 - 1


def version_field(info: PurposeInfo) -> forms.IntegerField:
    """The hidden text version of a channel as the page showed it (its current text). Not
    required: a channel added since the page was shown has none; one left open may lack
    it (`SentAsShownForm`)."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        initial=info.current_version.pk,
        required=False,
        min_value=1,
        max_value=PK_MAX,
    )


class SentAsShownForm(forms.Form):
    """A form of a child's channels × media (the parent's own on the child page, the
    director's paper form), held to what its page could have sent: each field once, at
    every channel a text version of that channel (at an answered one, one at all), and
    answers, "yes" or "no", only on the form's channels and media. A form sets `infos`
    and `altered_messages` (what to say per kind: "version", "missing", "answer",
    "foreign", "twice"; `%(channels)s` where channels are named) and raises `_altered()`
    in its `clean`."""

    altered_messages: dict[str, str | Promise]
    _errors: ErrorDict  # Django's (full_clean), which django-stubs leaves out

    def __init__(self, *args, infos: list[PurposeInfo], **kwargs):
        super().__init__(*args, **kwargs)
        self.infos = infos
        # the number of the text each channel had when the page was shown, where that is
        # an earlier text of the channel (read in `_altered_versions`)
        self.shown_numbers: dict[int, int] = {}

    def _sent_twice(self) -> bool:
        """Whether a field of the form came more than once: the page sends each once (a
        hidden version, the parent, the method, a channel's radio), and the last one sent
        was read, whatever came before it."""
        getlist = getattr(self.data, "getlist", None)
        return getlist is not None and any(len(getlist(name)) > 1 for name in self.fields)

    def _foreign_answers(self) -> bool:
        """Whether an answer came for a channel or medium that is not on the form: the
        rest was recorded without it, as if the parent had said nothing there. (A version
        of a channel not on the form is not read: a channel switched off since the page
        was shown, with nothing of it standing for the child, is left off it.)"""
        return any(name.startswith("c-") and name not in self.fields for name in self.data)

    def _versions_missing(self) -> list[PurposeInfo]:
        """The answered channels whose text version was not sent: the page sends one with
        every channel it shows, so it was removed, and the answer would be recorded as
        given to the current text. A channel left open may lack it (a channel added since
        the page was shown has none)."""
        return [
            info
            for info in self.infos
            if f"v-{info.purpose.pk}" not in self.data
            and any(answer_field_name(info.purpose.pk, m) in self.data for m in MediaType)
        ]

    def _altered_versions(self) -> list[PurposeInfo]:
        """The channels whose hidden text version is none of that channel's texts (not a
        number, empty, another channel's, one that does not exist): the page was altered,
        since it only ever sends a text it showed. Keeps the numbers of earlier texts of
        their own channel (`shown_numbers`, for `changed_channels`). One query, only when
        a version is not the current one."""
        altered, earlier = [], {}
        for info in self.infos:
            name = f"v-{info.purpose.pk}"
            if self._errors.pop(name, None) is not None:  # not a number (in range)
                altered.append(info)
            elif (shown := self.cleaned_data.get(name)) is None:
                if name in self.data:  # sent empty
                    altered.append(info)
            elif shown != info.current_version.pk:
                earlier[info.purpose.pk] = shown
        if earlier:
            found = {
                pk: (purpose_id, number)
                for pk, purpose_id, number in PurposeVersion.objects.filter(
                    pk__in=earlier.values()
                ).values_list("pk", "purpose_id", "number")
            }
            for info in self.infos:
                if info.purpose.pk not in earlier:
                    continue
                purpose_id, number = found.get(earlier[info.purpose.pk], (None, None))
                if purpose_id != info.purpose.pk or number is None:  # None: not found
                    altered.append(info)
                else:
                    self.shown_numbers[info.purpose.pk] = number
        return [info for info in self.infos if info in altered]  # in the form's order

    def _answers_not_offered(self) -> list[PurposeInfo]:
        """The channels with an answer that is neither "yes" nor "no": the radios send only
        those, so it was typed in, and is said as altered, not at the radio ("choose a
        valid choice") nor as a "yes" on a channel switched off since the page was shown,
        which may have come from an honest page. Left open (empty) is no answer."""
        offered = {"", *YES_NO_VALUES}
        not_offered = []
        for info in self.infos:
            names = [answer_field_name(info.purpose.pk, media) for media in MediaType]
            sent = [name for name in names if self.data.get(name, "") not in offered]
            for name in sent:
                self._errors.pop(name, None)
            if sent:
                not_offered.append(info)
        return not_offered

    def _altered(self) -> list[forms.ValidationError]:
        """What the page could not have sent, each said once (README "The paper form
        carries each channel's text", "A parent's year, on a phone")."""
        said = self.altered_messages
        errors = []
        if altered := self._altered_versions():
            errors.append(_altered_error(said["version"], altered))
        if missing := self._versions_missing():
            errors.append(_altered_error(said["missing"], missing))
        if not_offered := self._answers_not_offered():
            errors.append(_altered_error(said["answer"], not_offered))
        if self._foreign_answers():
            errors.append(_altered_error(said["foreign"]))
        if self._sent_twice():
            errors.append(_altered_error(said["twice"]))
        return errors


def _altered_error(message, infos: Sequence[PurposeInfo] = ()) -> forms.ValidationError:
    params = {"channels": ", ".join(f"“{i.purpose.name}”" for i in infos)} if infos else None
    return forms.ValidationError(message, code="altered", params=params)


class ChildConsentForm(SentAsShownForm):
    """Yes/no per purpose and media type. Nothing is pre-selected and an untouched question
    is simply not answered, so saving never re-submits a default. What its page could not
    have sent is refused as altered (`SentAsShownForm`, said as `altered()`).
    """

    # The child's latest consent event when the page was shown: a radio sent as the page
    # showed it is no decision, so an older page (a second tab) cannot undo a newer answer.
    # Left out or empty it is not read: each radio is then the parent's own decision.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    # what was altered, each a part of one sentence to a parent on a phone
    # (`CHILD_FORM_ALTERED`, which says once that nothing was saved and what to do)
    altered_messages = {  # noqa: RUF012 - read only
        "version": _("the text version sent for %(channels)s is not one of that channel's texts"),
        "missing": _("the text version of %(channels)s is missing"),
        "answer": _("it holds an answer other than yes or no for %(channels)s"),
        "foreign": _("it answers a channel or medium that this page does not show (any more)"),
        "twice": _("it sends a field more than once"),
    }

    def __init__(self, *args, infos: list[PurposeInfo], **kwargs):
        super().__init__(*args, infos=infos, **kwargs)
        for info in infos:
            pid = info.purpose.pk
            self.fields[f"v-{pid}"] = version_field(info)
            for media in MediaType:
                self.fields[answer_field_name(pid, media)] = answer_field(
                    info, media, refused_yes=retired_yes_message
                )

    def retired_errors(self) -> list[str]:
        """Why a "yes" on a retired channel was refused (a page shown before the channel
        was switched off), once per channel."""
        messages: list[str] = []
        for info in self.infos:
            if info.purpose.active:
                continue
            for media in MediaType.values:
                errors = cast(
                    list[str], self.errors.get(answer_field_name(info.purpose.pk, media), [])
                )
                for message in errors:
                    if message not in messages:
                        messages.append(message)
        return messages

    def answers(self) -> list[Answer]:
        return [
            Answer(
                info.purpose.pk,
                media,
                self.cleaned_data[answer_field_name(info.purpose.pk, media)] == "yes",
            )
            for info in self.infos
            for media in MediaType.values
            if self.cleaned_data.get(answer_field_name(info.purpose.pk, media))
        ]

    def seen_versions(self) -> dict[int, int | None]:
        return {
            info.purpose.pk: self.cleaned_data.get(f"v-{info.purpose.pk}") for info in self.infos
        }

    def seen_event(self) -> int | None:
        return self.cleaned_data.get("seen")

    def clean(self):
        cleaned = super().clean()
        altered = self._altered()
        # `seen` is a number the page wrote (0 for a child without events): anything else
        # was typed into it, where it said "choose yes or no" about a field no one sees
        if self._errors.pop("seen", None) is not None:
            altered.append(
                forms.ValidationError(
                    _("a hidden field holds a value that this page does not send"),
                    code="altered",
                )
            )
        if altered:
            raise forms.ValidationError(altered)
        return cleaned

    def altered(self) -> str:
        """What the page could not have sent, in one sentence for the parent ("" when the
        form was not refused as altered)."""
        what = [
            message
            for error in self.non_field_errors().as_data()
            if error.code == "altered"
            for message in error.messages
        ]
        return str(CHILD_FORM_ALTERED % {"what": "; ".join(what)}) if what else ""


CHILD_FORM_ALTERED = _(
    "The form was altered after the page was shown: %(what)s. Nothing was saved. Open the "
    "page again and choose once more."
)


class WithdrawForm(forms.Form):
    """`target` is "all" or "<purpose id>:<media type>"."""

    target = forms.CharField(max_length=40)

    def clean_target(self) -> tuple[int | None, str | None]:
        target = self.cleaned_data["target"]
        if target == "all":
            return None, None
        purpose_id, _sep, media = target.partition(":")
        if not (purpose_id.isascii() and purpose_id.isdigit()) or media not in MediaType.values:
            raise forms.ValidationError(_("Unknown choice."))
        return int(purpose_id), media


def retired_yes_on_paper_message(channel: str) -> str:
    return _(
        "“%(channel)s” is no longer used for new posts: only a “no” (a withdrawal) can be "
        "recorded there, not a “yes”. Nothing was recorded."
    ) % {"channel": channel}


class PaperForm(SentAsShownForm):
    """A whole paper form (or phone call) at once: one parent, one child, every channel ×
    media type. A question left open stays unanswered; nothing is pre-selected.
    """

    altered_messages = {  # noqa: RUF012 - read only
        "version": _(
            "The form was altered after the page was shown: the text version "
            "sent for %(channels)s is not one of that channel's texts. Nothing "
            "was recorded. Open this page again and type in the form once more."
        ),
        "missing": _(
            "The form was altered after the page was shown: the text version "
            "of %(channels)s is missing. Nothing was recorded. Open this page again "
            "and type in the form once more."
        ),
        "answer": _(
            "The form was altered after the page was shown: it holds an answer other "
            "than yes or no for %(channels)s. Nothing was recorded. Open this page again "
            "and type in the form once more."
        ),
        "foreign": _(
            "The form was altered after the page was shown: it answers a channel "
            "or medium that this page does not show (any more). Nothing was "
            "recorded. Open this page again and type in the form once more."
        ),
        "twice": _(
            "The form was altered after the page was shown: it sends a field "
            "more than once. Nothing was recorded. Open this page again and type in "
            "the form once more."
        ),
    }

    guardian = forms.ModelChoiceField(
        label=_("Parent with parental authority"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose a parent"),
    )
    method = forms.ChoiceField(
        label=_("How the parent told the school"),
        choices=[
            (ConsentEvent.Method.PAPER, ConsentEvent.Method.PAPER.label),
            (ConsentEvent.Method.PHONE, ConsentEvent.Method.PHONE.label),
        ],
        widget=forms.RadioSelect,
        # the page offers only these two: anything else was typed into it by hand
        error_messages={
            "invalid_choice": _(
                "The form was altered after the page was shown: the method sent is not "
                "paper or phone. Nothing was recorded. Choose how the parent told the "
                "school."
            )
        },
    )

    def __init__(self, *args, pupil, guardians, infos: list[PurposeInfo], **kwargs):
        """`infos`: the channels the child's page shows (`consent.services.parent_purposes`),
        retired ones included, where only a "no" can be recorded. `guardians`: the
        pupil's gezag-holders, as read now."""
        super().__init__(*args, infos=infos, **kwargs)
        guardian = cast(forms.ModelChoiceField, self.fields["guardian"])
        guardian.queryset = guardians
        # Not called altered: the parent's gezag may have ended since the page was shown.
        guardian.error_messages["invalid_choice"] = _(
            "Choose a parent with parental authority from the list: this parent has no "
            "parental authority over %(name)s (any more). Nothing was recorded."
        ) % {"name": pupil.first_name}
        guardian.label_from_instance = lambda u: u.full_name or u.email  # type: ignore[method-assign,assignment]
        # channels left open because their meaning changed (the view's form again)
        self.changed: list[PurposeInfo] = []
        for info in infos:
            # the text each channel had when the page was shown, as on the parent's form
            self.fields[f"v-{info.purpose.pk}"] = version_field(info)
            for media in MediaType:
                self.fields[answer_field_name(info.purpose.pk, media)] = answer_field(
                    info, media, refused_yes=retired_yes_on_paper_message
                )

    def changed_channels(self) -> list[PurposeInfo]:
        """The answered channels whose meaning changed since the page was shown (a change
        of meaning published, which asks every parent again): what the parent answered on
        paper was the earlier text. A correction keeps the answer valid, as it keeps the
        parents' answers given online."""
        answered = {answer.purpose_id for answer in self.answers()}
        return [
            info
            for info in self.infos
            if info.purpose.pk in answered
            and self.shown_numbers.get(info.purpose.pk, info.baseline) < info.baseline
        ]

    def data_without(self, changed: list[PurposeInfo]) -> dict:
        """The posted data with the changed channels' answers left open and every channel
        at its current text: the form to save again without them."""
        data = cast(QueryDict, self.data).copy()
        for info in self.infos:
            data[f"v-{info.purpose.pk}"] = str(info.current_version.pk)
        for info in changed:
            for media in MediaType:
                data.pop(answer_field_name(info.purpose.pk, media), None)
        return data

    def rows(self):
        """Per channel its name, whether it is retired and its media fields, for the
        template."""
        return [
            (
                info.purpose.name,
                not info.purpose.active,
                [self[answer_field_name(info.purpose.pk, m)] for m in MediaType],
            )
            for info in self.infos
        ]

    def answers(self) -> list[Answer]:
        return [
            Answer(info.purpose.pk, media, self.cleaned_data[name] == "yes")
            for info in self.infos
            for media in MediaType.values
            if self.cleaned_data.get(name := answer_field_name(info.purpose.pk, media))
        ]

    def clean(self):
        cleaned = super().clean()
        # said once for the form, not at hidden fields the page does not show (it was a
        # 400 without a word, or read as a text changed meanwhile, or recorded)
        if altered := self._altered():
            raise forms.ValidationError(altered)
        # Also said beside a missing parent or method: a form sent with nothing in it
        # showed only "required" at those two fields. Not after a refused answer, which
        # the director did type in.
        answer_fields = {
            answer_field_name(info.purpose.pk, media) for info in self.infos for media in MediaType
        }
        if not self.errors.keys() & answer_fields and not self.answers():
            raise forms.ValidationError(_("Fill in at least one answer from the form."))
        return cleaned


class OverviewFilterForm(forms.Form):
    """Channel and media type of the class overview. The channels are the purposes the
    view already loaded (no query of its own); `purpose` cleans to a purpose code."""

    purpose = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        # the message the list of purposes had when it was a ModelChoiceField
        error_messages={
            "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
        },
    )
    # a field named `media`: the form's metaclass takes it out of the class (Form.media stays)
    media = forms.ChoiceField(  # type: ignore[assignment]
        label=_("Media type"),
        choices=[("", _("All media types")), *MediaType.choices],
        required=False,
    )

    def __init__(self, *args, infos: list[PurposeInfo], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["purpose"]).choices = [
            ("", _("All channels")),
            *((info.purpose.code, info.purpose.name) for info in infos),
        ]


# Purpose.objects.filter(active=True) in the model's order, written out: the check and
# the photo check list the channels on every request (tests compare it with the ORM's).
ACTIVE_PURPOSES_SQL = prepared(
    "SELECT id, code, name, ordering, active FROM consent_purpose WHERE active"
    " ORDER BY ordering, code"
)


class ActivePurposeChoices(ListedChoices):
    """The active purposes as choices, read with one plain SELECT written out (building
    the ORM query cost more CPU than running it)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in fetch_rows(ACTIVE_PURPOSES_SQL, []):
            yield self.choice(Purpose.from_db(connection.alias, PURPOSE_FIELDS, row))


class PurposeChoiceField(forms.ModelChoiceField):
    """A channel: one of the active purposes (the choices are read as ACTIVE_PURPOSES_SQL,
    a chosen one is found through the queryset)."""

    iterator = ActivePurposeChoices
    # A channel not among the choices is one retired since the form was read (the board
    # switched it off): said so, where Django's "not one of the available choices" left a
    # teacher guessing what was wrong with the channel just chosen.
    default_error_messages = {  # noqa: RUF012 - Django's own pattern
        "invalid_choice": _(
            "This channel is no longer in use. Choose another channel from the list."
        ),
    }

    def __init__(self, **kwargs):
        # the same first line wherever a channel is chosen (the photo page had "---------")
        kwargs.setdefault("empty_label", _("Choose a channel"))
        super().__init__(queryset=Purpose.objects.filter(active=True), **kwargs)


FORM_TOKEN = re.compile(r"[0-9a-f]{32}")


class FormTokenField(forms.CharField):
    """A token that is not one the form made (uuid4 hex) is no token: the form is then
    taken as sent once. Refusing it would refuse the form with an error in a hidden field,
    which no page shows."""

    def clean(self, value) -> str:
        token = self.to_python(value)
        return token if token and FORM_TOKEN.fullmatch(token) else ""


# The first sentence of the 404 of a form whose ticks name a pupil out of reach (the check
# before posting, the photo check): the same words for a pupil moved to another group while
# the form was open as for a number of another school or of nobody, and never a name. Each
# page says after it what it did not do.
TICKED_OUT_OF_REACH = _(
    "Not every pupil you ticked is (still) one of your pupils, for example because a pupil "
    "moved to another group."
)


class CheckForm(forms.Form):
    purpose = PurposeChoiceField(
        label=_("Channel"),
        to_field_name="code",
    )
    media_type = forms.ChoiceField(
        label=_("Media type"), choices=MediaType.choices, widget=forms.RadioSelect
    )
    pupils = RowsField(
        label=_("Pupils in view"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("What are you publishing? (optional)"),
        max_length=200,
        required=False,
        # The note is kept with the check as evidence: a pupil's name in it would outlive
        # the pupil's record until retention empties it.
        help_text=_(
            "Do not type pupils' names: you choose who is in it above. For example:"
            " “musical groep 8”."
        ),
    )

    # new with every page: a double click or Back and send again is one check
    token = FormTokenField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["pupils"]).queryset = pupils
        if not self.is_bound:
            self.fields["token"].initial = uuid.uuid4().hex


class PurposeTextField(LongTextField):
    """The text every parent reads on each child's page, on a phone: a few paragraphs at
    most."""

    MAX_LENGTH = 2000
    too_long = _(
        "A text for parents can have at most %(limit_value)d characters (this one has "
        "%(show_value)d): parents read it on their phone, on the page of each child."
    )


class PurposeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = NameField(label=_("Name"), max_length=120)  # a typed name (opo_portal.text)
    text = PurposeTextField(label=_("Text shown to parents"))

    def clean_code(self) -> str:
        # The code is in addresses and the command line: "Kalender" and "kalender" are one
        return self.cleaned_data["code"].lower()

    def clean_name(self) -> str:
        """Parents answer per channel by its name, and teachers pick it by name."""
        name = self.cleaned_data["name"]
        same = Purpose.objects.filter(name__iexact=name).values_list("name", flat=True).first()
        if same is not None:
            raise forms.ValidationError(
                _("A purpose named “%(name)s” already exists.") % {"name": same}
            )
        return name


class PurposeTextForm(forms.Form):
    text = PurposeTextField(label=_("New text shown to parents"))
    kind = forms.ChoiceField(
        label=_("Kind of change"), choices=PurposeVersion.Kind.choices, widget=forms.RadioSelect
    )
    # Set by the confirmation step of a change of meaning (it e-mails every parent).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The version the page showed as current: a colleague's newer one is not published over
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_based_on(self) -> int | None:
        """The number sent, 0 for anything that is no version number ("abc", -1, 1.5):
        the service refuses both alike as a version that does not exist, in words, where
        Django's "(Hidden field based_on) …" told the board member nothing."""
        value = self.cleaned_data["based_on"]
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:  # not a whole number, or past int()'s 4300 digits
            return 0
        return max(number, 0)


class AppearanceForm(forms.Form):
    """Per pupil of a check: appears, made unrecognisable, or left out."""

    def __init__(self, *args, verdicts, **kwargs):
        super().__init__(*args, **kwargs)
        self.verdicts = verdicts
        for verdict in verdicts:
            self.fields[f"a-{verdict.pupil.pk}"] = forms.ChoiceField(
                label=verdict.pupil.full_name,
                choices=Appearance.choices,
                initial=verdict.appearance,
                widget=forms.RadioSelect,
            )

    def appearances(self) -> dict[int, str]:
        return {v.pupil.pk: self.cleaned_data[f"a-{v.pupil.pk}"] for v in self.verdicts}

    def rows(self):
        return [(verdict, self[f"a-{verdict.pupil.pk}"]) for verdict in self.verdicts]


class AppearQuestionForm(forms.Form):
    """ "Who may appear on <channel> in a <photo/video/sound>?" One channel and medium."""

    purpose = forms.ChoiceField(label=_("Channel"))
    media = forms.ChoiceField(label=_("Media type"), choices=MediaType.choices)  # type: ignore[assignment]  # as OverviewFilterForm's

    def __init__(self, *args, infos: list[PurposeInfo], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i.purpose.code, i.purpose.name) for i in infos]
        cast(forms.ChoiceField, self.fields["purpose"]).choices = choices
