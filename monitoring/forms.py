import re
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit, urlunsplit

import idna
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _

from monitoring.models import (
    CATEGORY_LABELS,
    FollowUp,
    Source,
    WatchTerm,
    validate_watch_term_length,
)
from monitoring.sources import bluesky, http, mastodon
from monitoring.sources.base import MAX_LINK_LENGTH
from opo_portal.fields import NameField
from schools.forms import ListedChoices
from schools.models import School
from schools.search import school_field_choice


class HttpURLField(forms.URLField):
    """Only http(s): these addresses become links or are fetched (Django's URLField also
    allows ftp). Typed by staff, so checked as the fetcher and a browser read them: no
    user name or password (`https://bsky.app@evil.example` is evil.example), a host IDNA
    can write, stored in that ASCII form (a look-alike host shows as xn--…), and no
    internal network (`resolve`: also a name that resolves into one, for addresses the
    portal fetches)."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, *args, resolve: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolve = resolve

    def clean(self, value):
        # said first and alone: past 2,048 characters Django also calls the link invalid
        self._check_length(value)
        url = super().clean(value)
        if not url:
            return url
        url = checked_typed_url(url, resolve=self.resolve)
        self._check_length(url)  # the ASCII form of a host can be longer
        return url

    def _check_length(self, value) -> None:
        """Measured as the link is sent (beyond ASCII percent-encoded): a source's address
        of 1,000 Chinese characters is 3,000 bytes, more than PostgreSQL puts in the unique
        index of sources' addresses (an error page instead of a message)."""
        if self.max_length is None or not isinstance(value, str):
            return
        if len(iri_to_uri(value.strip())) > self.max_length:
            raise ValidationError(TOO_LONG, code="max_length", params={"limit": self.max_length})

    def widget_attrs(self, widget):
        # no maxlength in the page: a browser would cut a pasted link short without a word
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


TOO_LONG = _("The link is too long (at most %(limit)s characters).")
USERINFO = _("Give the address without a user name or password (the part before @).")
BAD_HOST = _("The name of the website in this address has characters no web address can have.")
BAD_PORT = _(
    "The port in this address (the number after the colon) must be a number from 0 to 65535."
)
INTERNAL = _(
    "This address points into an internal network (such as localhost or 10.x.x.x); the "
    "portal does not read or link to addresses there."
)


def checked_typed_url(url: str, *, resolve: bool) -> str:
    """`url` (valid for URLValidator) with its host in IDNA's ASCII form; ValidationError
    for a user name or password, a host IDNA refuses, or an internal address."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise ValidationError(USERINFO, code="userinfo")
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:  # "https://example.org:99999/": the name is fine, the port is not
        raise ValidationError(BAD_PORT, code="port") from None
    try:
        ascii_host = host if ":" in host else idna.encode(host, uts46=True).decode("ascii")
    except UnicodeError:  # idna's errors are UnicodeErrors
        raise ValidationError(BAD_HOST, code="host") from None
    if http.internal_host(ascii_host, resolve=resolve):
        raise ValidationError(INTERNAL, code="internal")
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def validate_source_url(kind: str, url: str) -> None:
    """The address must fit the kind: a feed URL, a Mastodon tag page, a Bluesky profile."""
    if kind == Source.Kind.MASTODON:
        try:
            mastodon.timeline_url(url)
        except ValueError:
            raise ValidationError(
                _("A Mastodon source is a tag page, such as https://mastodon.example/tags/school.")
            ) from None
    elif kind == Source.Kind.BLUESKY:
        try:
            bluesky.parse_source_url(url)
        except ValueError:
            raise ValidationError(
                _(
                    "A Bluesky source is a profile (https://bsky.app/profile/name) "
                    "or a search (https://bsky.app/search?q=words)."
                )
            ) from None


class SchoolOfTheFoundation(forms.ModelForm):
    """A board form with a `school` field of every school of the foundation."""

    def __init__(self, *args, choosing_on_a_page: bool = False, **kwargs):
        """`choosing_on_a_page`: the board's page, where the school is chosen from a list
        (or by its code beyond SELECT_LIMIT schools). The add_source command gives a
        school's pk and needs no list read before the input is checked."""
        super().__init__(*args, **kwargs)
        self.asks_code = choosing_on_a_page and school_field_choice(
            cast(forms.ModelChoiceField, self.fields["school"]), School.objects.all()
        )


# the mixin's base for the type checker: it is mixed into a form
if TYPE_CHECKING:
    _FormMixinBase = forms.BaseForm
else:
    _FormMixinBase = object


class AddressFitsKind(_FormMixinBase):
    """A source form's clean: the address must fit the source's kind
    (`validate_source_url`), said at the address. The board's page and the admin."""

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if data.get("kind") and data.get("url"):
            try:
                validate_source_url(data["kind"], data["url"])
            except ValidationError as error:
                self.add_error("url", error)
        return data


class SourceForm(AddressFitsKind, SchoolOfTheFoundation):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[(k, label) for k, label in Source.Kind.choices if k != Source.Kind.MANUAL],
    )
    url = HttpURLField(
        label=_("address"), max_length=MAX_LINK_LENGTH, assume_scheme="https", resolve=True
    )
    # 0 fetched the source at every dispatch (each minute); a huge number never again
    interval_minutes = forms.IntegerField(
        label=_("interval in minutes"), min_value=5, max_value=7 * 24 * 60, initial=30
    )

    class Meta:
        model = Source
        fields = ["kind", "name", "url", "school", "interval_minutes"]
        field_classes = {"name": NameField}  # a typed name (opo_portal.text)

    def clean(self):
        """A source added twice (a double click, Back) is said in words, on its address: an
        error there also keeps the database's "constraint … is violated" off the page."""
        data = super().clean()
        url, kind = data.get("url"), data.get("kind")
        if url and Source.objects.filter(kind=kind, url=url).exclude(pk=self.instance.pk).exists():
            self.add_error("url", _("There already is a source with this address."))
        return data


class WatchTermForm(SchoolOfTheFoundation):
    class Meta:
        model = WatchTerm
        fields = ["school", "term"]
        # a term is one of the school's names, shown on the board's pages (opo_portal.text)
        field_classes = {"term": NameField}

    def clean_term(self):
        term = " ".join(self.cleaned_data["term"].split())
        if not term:
            raise ValidationError(_("Give a term."))
        validate_watch_term_length(term)  # here, before clean() looks for the same term
        return term

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if WatchTerm.objects.filter(
            school=data.get("school"), term__iexact=data.get("term", "")
        ).exists():
            # on the term, so the unique constraint is not checked and said a second time
            self.add_error("term", _("This school already has this term."))
        return data


# As a manual report's text: room for several conversations, not a pasted book.
NOTES_MAX_LENGTH = 10_000


def _from_2000(day):
    """A conversation's date: 1900 or year 1 is a typo (the portal and the posts it
    follows up are of this century), and it left the conversation out of every month's
    report."""
    if day is not None and day.year < 2000:
        raise ValidationError(_("Choose a date from 2000 on."))
    return day


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=FollowUp.Status.choices)
    assigned_to: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("assigned to"), queryset=None, required=False, empty_label=_("Nobody")
    )
    planned_for = forms.DateField(
        label=_("conversation planned for"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    held_on = forms.DateField(
        label=_("conversation held on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Asked of an assignee who does not answer for the school (not its director, not on
    # the board): closing "no action needed" takes a reason, and the director is told
    # (services.followup_update). Who answers for the school decides without one.
    no_action_reason = forms.CharField(
        label=_(
            "reason for “no action needed” (required for that status; the director is told, "
            "or the board when the school has none)"
        ),
        required=False,
        max_length=500,
    )
    # the case as this form was read (FollowUp.version_token): another director's save
    # meanwhile is not overwritten (services.followup_update)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_planned_for(self):
        return _from_2000(self.cleaned_data["planned_for"])

    def clean_held_on(self):
        return _from_2000(self.cleaned_data["held_on"])

    def __init__(
        self, *args, staff, can_assign=True, status=FollowUp.Status.NEW, notes="", **kwargs
    ):
        """`notes`: the case's notes as stored. They may be longer than NOTES_MAX_LENGTH
        (until 2026-12-07 the portal added lines to them: a reason for no action, an
        earlier conversation's date; migrations 0026 and 0027 keep a line they cannot
        read); saving them back is not refused."""
        super().__init__(*args, **kwargs)
        limit = max(NOTES_MAX_LENGTH, len(notes))
        field = cast(forms.CharField, self.fields["notes"])
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs["maxlength"] = str(limit)
        if not can_assign:  # the assignee updates their case but does not hand it on
            del self.fields["assigned_to"]
            self._reason_as(status)
            return
        del self.fields["no_action_reason"]
        assigned_to = cast(forms.ModelChoiceField, self.fields["assigned_to"])
        assigned_to.queryset = staff
        assigned_to.label_from_instance = lambda u: u.full_name or u.email  # type: ignore[method-assign,assignment]

    def _reason_as(self, status: str) -> None:
        """The reason is asked (and said to be required) only while the case `status` can
        still become "no action needed": a case already closed so, or past a conversation,
        has no such field. A reason typed in a form sent again stays, without "required"."""
        if FollowUp.Status.NO_ACTION in FollowUp.TRANSITIONS[FollowUp.Status(status)]:
            return
        if self.is_bound and self.data.get("no_action_reason", "").strip():
            self.fields["no_action_reason"].label = _("reason for “no action needed”")
        else:
            del self.fields["no_action_reason"]


class ReplyDraftForm(forms.Form):
    text = forms.CharField(
        label=_("correction to post"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyPostedForm(forms.Form):
    posted_url = HttpURLField(
        label=_("address of the posted reply"),
        required=False,
        max_length=1000,  # PublicReply.posted_url
        assume_scheme="https",
    )


class ManualReportForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("school"), queryset=School.objects.none(), empty_label=_("Choose a school")
    )
    url = HttpURLField(label=_("link to the post"), max_length=1000, assume_scheme="https")
    text = forms.CharField(
        label=_("text of the post"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    has_media = forms.BooleanField(label=_("the post shows photos or video"), required=False)
    category = forms.ChoiceField(
        label=_("what it is about"),
        required=False,
        choices=[("", _("I am not sure: let the portal judge"))] + list(CATEGORY_LABELS.items()),
        help_text=_(
            "A complaint, an insult, a pupil's privacy or a claim to check opens a case for "
            "the school's director (at a school without a director: the board), whatever "
            "the portal reads in it."
        ),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["school"])
        self.asks_code = school_field_choice(field, schools)


class ReportForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("school"),
        queryset=School.objects.none(),
        to_field_name="code",
        empty_label=_("Choose a school"),
    )
    month = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["school"])
        self.asks_code = school_field_choice(field, schools)

    def clean_month(self):
        # The report reaches months back and one ahead: year 1 or 9999 overflowed (a 500).
        month = self.cleaned_data["month"]
        if not 2000 <= month.year <= 2100:
            raise ValidationError(_("Choose a month from 2000 to 2100."))
        return month


ROW_ID = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() also takes "٣" and "²"


class SourceChoices(ListedChoices):
    """The mention filter's sources as (id, name), read by mention_source_choices in one
    plain query: read as models through the field's queryset they took a tenth of the
    mentions page (issue 17). The queryset still validates a chosen source."""

    field: "SourceChoiceField"

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from mention_source_choices(self.field.school)


class SourceChoiceField(forms.ModelChoiceField):
    """A source by its id. A value that is no id at all ("abc", "0", "1.5") is the field's
    own error, a 400 like an unknown category; a well-formed id of a source out of reach
    and one of no source are alike "not one of the choices" (the view's 404), so the answer
    never tells that another school's source exists."""

    iterator = SourceChoices
    school: School | None = None  # whose mentions are filtered
    default_error_messages = {
        "malformed": _("Choose a source from the list: the source in the address is not a number."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not (ROW_ID.fullmatch(text) and int(text) > 0):
            raise ValidationError(self.error_messages["malformed"], code="malformed")
        return super().to_python(text)


class MentionFilterForm(forms.Form):
    """Filters of the "Vermeldingen" list; unknown values are refused, never a 500."""

    category = forms.ChoiceField(label=_("category"), required=False)
    source = SourceChoiceField(label=_("source"), queryset=Source.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[
            ("", _("all")),
            ("flagged", _("flagged")),
            ("unflagged", _("not flagged")),
            ("dismissed", _("flag dismissed")),
            ("marked", _("marked by staff")),
        ],
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", _("all")), *CATEGORY_LABELS.items()]
        source = cast(SourceChoiceField, self.fields["source"])
        source.queryset = mention_sources(school)
        source.school = school


# Each arm from an index: as an OR of the three (id IN brought OR school = … OR school IS
# NULL) PostgreSQL read every source of the foundation, one per school (1.2 ms at 6,000
# schools, 0.09 ms as a UNION; tests/test_mentions_sql.py compares it with the OR).
SOURCES_SQL = (
    "SELECT p.source_id FROM monitoring_mention m JOIN monitoring_post p ON p.id = m.post_id"
    " WHERE m.school_id = %s"
    " UNION ALL SELECT s.id FROM monitoring_source s WHERE s.school_id = %s"
    " UNION ALL SELECT s.id FROM monitoring_source s WHERE s.school_id IS NULL"
)


SOURCE_CHOICES_SQL = (
    "SELECT src.id, src.name FROM monitoring_source src WHERE src.id IN ("  # noqa: S608 (constants)
    + SOURCES_SQL
    + ") ORDER BY src.name"
)


def mention_source_choices(school) -> list[tuple[int, str]]:
    """(pk, str(source)) of mention_sources(school), in its order."""
    with connection.cursor() as cursor:
        cursor.execute(SOURCE_CHOICES_SQL, [school.pk, school.pk])
        return cursor.fetchall()


def mention_sources(school):
    """The sources worth filtering the school's mentions by: those that brought a post
    naming the school, the school's own and the foundation's. Not every source of the
    foundation: that list grew with the schools (issue 17) and named other schools' feeds.
    """
    ids = RawSQL(SOURCES_SQL, [school.pk, school.pk])  # noqa: S611 (constant SQL, bound values)
    return Source.objects.filter(pk__in=ids).order_by("name")


class MarkForm(forms.Form):
    category = forms.ChoiceField(label=_("mark as"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = list(CATEGORY_LABELS.items())
