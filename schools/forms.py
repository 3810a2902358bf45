import datetime
import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from opo_portal.converters import BIGINT_MAX
from opo_portal.fields import EmailAddressField, NameField
from schools.importer import (
    NEXT_YEAR_MONTHS,
    NotTextError,
    WorkbookTooLargeError,
    read_text,
    school_year_for,
    too_large_file,
    too_large_workbook,
)
from schools.models import Group, School
from schools.search import school_field_choice

# What a choice field says of a value none of its choices has (Django's codes).
NOT_A_CHOICE = ("invalid_choice", "invalid_pk_value")


def refuse_choices_out_of_reach(form, *names: str) -> None:
    """A 404 when a posted or asked field in `names` names an object outside the form's
    choices: another school's pupil, school, parent or colleague, or an id of nothing.
    As the same id in a page's path: a form error (a 200 or 400 with "not one of the
    choices") was an answer of its own for what a person may not reach. Call it after
    form.is_valid(); other errors of the form stay errors."""
    for name in names:
        if any(form.has_error(name, code) for code in NOT_A_CHOICE):
            raise Http404("No object in reach matches the given form.")


class ListedChoices(forms.models.ModelChoiceIterator):
    """A model choice field's choices read with one plain SELECT. Django's own iterator
    reads them through a server-side cursor, on PostgreSQL a DECLARE … WITH HOLD, FETCH
    and CLOSE (three round trips and a materialised result) for a few dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class RowsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses an id no row can have before it
    queries: SQLite raises OverflowError for a number beyond 64 bits (a 500 under
    `make run`), where the answer is the field's own "not one of the choices"."""

    def _check_values(self, value):
        for pk in value:
            if _beyond_any_row(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private to Django, not in django-stubs


def _beyond_any_row(pk) -> bool:
    try:
        return abs(int(str(pk))) > BIGINT_MAX
    except ValueError:
        return False  # not a number: the field's own check says so


class PupilImportForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), to_field_name="code", empty_label=None
    )
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Save the pupil list from your spreadsheet or administration as CSV or as an "
            "Excel workbook (.xlsx)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: only show what would change, save nothing"),
        required=False,
        initial=True,
    )
    allow_most_leaving = forms.BooleanField(
        label=_("Import even when more than half of the school's pupils would be marked as left"),
        help_text=_("Only when the file is right, for example after new pupil numbers."),
        required=False,
    )

    next_school_year = forms.BooleanField(required=False)

    def __init__(self, *args, schools, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["school"])
        self.asks_code = school_field_choice(field, schools)
        if today.month not in NEXT_YEAR_MONTHS:
            del self.fields["next_school_year"]
        else:
            year = school_year_for(today, next_year=True)
            self.fields["next_school_year"].label = _(
                "This is the list for next school year (%(year)s): its groups are that year's"
            ) % {"year": year}

    def clean_file(self) -> str:
        """The decoded text of the uploaded file."""
        upload = self.cleaned_data["file"]
        limit = settings.PUPIL_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(too_large_file(limit))
        try:
            return read_text(upload.read())
        except WorkbookTooLargeError as error:
            raise forms.ValidationError(too_large_workbook()) from error
        except NotTextError as error:
            raise forms.ValidationError(
                _(
                    "This is neither a CSV file nor an Excel workbook (.xlsx). In your "
                    "spreadsheet, choose Save as… CSV or Excel workbook."
                )
            ) from error


# A teacher listed on the open form who is no teacher of the school (any more): a colleague
# who left while the director had the page open, or an id typed by hand, gets these words.
TEACHER_NOT_HERE = _(
    "A teacher on this form is not a teacher of this school (any more). Nothing was saved: "
    "the page now shows the current teachers, with your ticks; save again."
)
LINK = re.compile(r"(\d{1,18})-(\d{1,18})")


class LinksField(forms.MultipleChoiceField):
    """Ticked "<membership id>-<group id>" pairs whose group is one of `group_ids`."""

    group_ids: frozenset[int] = frozenset()

    def valid_value(self, value) -> bool:
        match = LINK.fullmatch(str(value))
        return match is not None and int(match[2]) in self.group_ids


class TeachingLinksForm(forms.Form):
    """Which of this year's groups each listed teacher teaches: `teachers` names the teacher
    memberships the form showed (only those change), `links` the ticked pairs. A group that
    is not one of the school's groups of this year (another school's, an earlier year's,
    none), or a pair for a teacher the form does not list, is no choice:
    refuse_choices_out_of_reach makes it a 404. A listed teacher who is not one of the
    school's teachers (a colleague who left meanwhile, a director's or another school's
    membership) is a form error: people change under an open form."""

    teachers = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"invalid_choice": TEACHER_NOT_HERE}
    )
    links = LinksField(required=False)
    # the ticked pairs as the page showed them ("1-2 3-4"): only what the director changed
    # since is saved, so an older page does not undo a colleague's save (shown_pairs)
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, staffing, **kwargs):
        super().__init__(*args, **kwargs)
        teachers = self.fields["teachers"]
        teachers.choices = [(row.membership.pk, "") for row in staffing.teachers]  # type: ignore[attr-defined]
        self.fields["links"].group_ids = frozenset(group.pk for group in staffing.groups)  # type: ignore[attr-defined]

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if "teachers" in cleaned and "links" in cleaned:
            teachers = set(cleaned["teachers"])
            if any(membership not in teachers for membership, _group in self.pairs()):
                # only a hand-made form ticks a group for a teacher it does not list
                self.add_error("links", forms.ValidationError("", code="invalid_choice"))
        return cleaned

    def pairs(self) -> list[tuple[int, int]]:
        """The ticked (membership id, group id) pairs."""
        pairs = []
        for value in self.cleaned_data.get("links", ()):
            membership, group = value.split("-")
            pairs.append((int(membership), int(group)))
        return pairs

    def shown_pairs(self) -> list[tuple[int, int]] | None:
        """The pairs the page showed ticked; None from a form without them (every listed
        teacher's links are then replaced by the ticks)."""
        if "shown" not in self.data:
            return None
        found = (LINK.fullmatch(value) for value in self.cleaned_data["shown"].split())
        return [(int(match[1]), int(match[2])) for match in found if match]


class GroupChoices(RowsField):
    """Groups of one school year by name alone (the page names the school and the year)."""

    iterator = ListedChoices

    def label_from_instance(self, obj) -> str:
        return obj.name


class SchoolContactForm(forms.Form):
    """The school's contact address for parents' replies (`School.contact_email`). A bare
    address only: EmailField refuses a name, a second address and a line break, so the
    Reply-To header it becomes holds one address and nothing more; nor a direction
    control (opo_portal.fields), which reads as another address and fails the send."""

    contact_email = EmailAddressField(
        label=_("Contact address for parents"),
        max_length=254,
        required=False,
        help_text=_(
            "Parents who reply to the portal's e-mails about this school (the reminders, "
            "the yearly review) write to this address. Use a shared address of the school "
            "that someone reads, such as info@…, not a personal one: parents see it. "
            "Leave it empty and the e-mails say that replies are not read."
        ),
    )


class TeacherAddForm(forms.Form):
    """A new teacher of the school: name, e-mail address and, if known, this year's groups
    (`groups`: the school's groups of this year). A group that is not one of them is no
    choice: refuse_choices_out_of_reach makes it a 404."""

    full_name = NameField(label=_("Name"), max_length=200)
    email = EmailAddressField(  # no direction controls: the account's address
        label=_("E-mail address"),
        help_text=_(
            "The teacher gets an e-mail at this address with how to log in. An address "
            "that already has an account (a teacher of another school, a parent) makes "
            "that account a teacher here too."
        ),
    )
    groups = GroupChoices(
        label=_("Groups this school year"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # Shown when the address has an account in another name (TeacherAddUnconfirmed): its
    # value is the address confirmed, so a confirmation never carries over to another one.
    address_confirmed = forms.CharField(required=False, widget=forms.CheckboxInput)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups  # type: ignore[attr-defined]

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def other_name_confirmed(self) -> bool:
        """Whether the director confirmed this very address (after TeacherAddUnconfirmed)."""
        confirmed = self.data.get("address_confirmed", "").strip().lower()
        return bool(confirmed) and confirmed == self.cleaned_data["email"]
