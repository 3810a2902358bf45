"""Form fields more than one app uses."""

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_email
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from opo_portal.text import has_direction_controls, without_direction_controls

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class LongTextField(forms.CharField):
    """A text typed into a textarea, at most `MAX_LENGTH` characters. Longer is refused with
    `too_long` (which may use %(limit_value)d and %(show_value)d), the text kept in the
    form; the textarea has no `maxlength`, which would cut a pasted text short without a
    word. A browser sends each line break as \\r\\n: one character to the writer, not two."""

    MAX_LENGTH: int
    too_long: "str | StrPromise"

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
        value = super().to_python(value)
        return normalize_newlines(value) if value else value


class NameField(forms.CharField):
    """A name people type (a person's, a school's or group's, a source's, a purpose's, a
    watch term): without Unicode's direction controls, which make it read as another name
    on every page and export showing it (opo_portal.text). A name of them only is empty,
    so a required one is refused as empty."""

    def to_python(self, value):
        value = super().to_python(value)
        return without_direction_controls(value).strip() if value else value


ADDRESS_WITH_DIRECTION_CONTROLS = _(
    "An e-mail address holds no invisible characters that turn the reading direction "
    "around (such as U+202E). Type the address instead of pasting it."
)


ADDRESS_WITH_DOMAIN_LITERAL = _(
    "An e-mail address has a domain name after the @ (such as school.nl), not an IP "
    "address in square brackets."
)


def has_domain_literal(value: str) -> bool:
    """An IP address in square brackets for a domain ("eva@[127.0.0.1]"): what follows the
    last @ (a quoted local part may hold one) starts with "[" and ends with "]"."""
    domain = value.rpartition("@")[2]
    return domain.startswith("[") and domain.endswith("]")


ADDRESS_WITH_DOMAIN_WITHOUT_DOT = _(
    "An e-mail address has a full domain name after the @, with a dot (such as "
    "school.nl). Check what you typed after the @."
)


# Django's own check of what comes before the @
_LOCAL_PART = EmailValidator.user_regex


def has_domain_without_dot(value: str) -> bool:
    """A host name for a domain ("eva@localhost", "ouder@intranet"): what follows the last
    @ is not empty, holds no dot and is no IP address in brackets (has_domain_literal)."""
    domain = value.rpartition("@")[2]
    return bool(domain) and "." not in domain and not domain.startswith("[")


def validate_email_address(value: str) -> None:
    """An e-mail address as Django's validator takes it, without direction controls and
    with a domain name.

    Django's takes any character from U+00A1 up in the domain, so "jan@exa" + U+202E +
    "mple.org" passed: it reads as another address on every page showing it and in the
    histories that copy it (opo_portal.text), and no address has one. Refused with its own
    error, said before any other (a control in the local part is "not valid" too).

    Django's also takes an IP address in brackets ("eva@[127.0.0.1]"): no parent's or
    colleague's address is one, and mail to it goes to a machine by its number (the
    portal's own, one in a school's network) instead of to a mail domain. Refused with its
    own error too.

    A domain without a dot ("eva@localhost", "ouder@intranet") is a machine's or a local
    network's name, never a parent's mail domain: Django's takes "localhost" and calls the
    others "not valid". Refused with its own error when what comes before the @ is fine
    (in "piet@@example" the fault is elsewhere, and Django's "not valid" says so)."""
    if has_direction_controls(value):
        raise ValidationError(ADDRESS_WITH_DIRECTION_CONTROLS, code="direction_controls")
    if has_domain_literal(value):
        raise ValidationError(ADDRESS_WITH_DOMAIN_LITERAL, code="domain_literal")
    if has_domain_without_dot(value) and _LOCAL_PART.match(value.rpartition("@")[0]):
        raise ValidationError(ADDRESS_WITH_DOMAIN_WITHOUT_DOT, code="domain_without_dot")
    validate_email(value)


# The address columns of accounts and allauth's address rows (and the copies of them):
# Django's EmailField takes 320 characters, and a longer one was the database's error, a 500
EMAIL_ADDRESS_MAX_LENGTH = 254


class EmailAddressField(forms.EmailField):
    """An e-mail address people type: refused with direction controls, an IP address for a
    domain or a domain without a dot (validate_email_address), and longer than the columns
    that keep it."""

    default_validators = [validate_email_address]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_ADDRESS_MAX_LENGTH)
        super().__init__(**kwargs)
