"""allauth's forms where the portal's words differ (settings.ACCOUNT_FORMS)."""

from allauth.account import forms as allauth_forms
from allauth.account.forms import RequestLoginCodeForm
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from opo_portal.fields import EMAIL_ADDRESS_MAX_LENGTH, validate_email_address

TOO_MANY_CODES = _(
    "You asked for a code for this address several times just now. Wait a minute, then "
    "ask again; a code sent earlier may already be in your inbox."
)


class LoginCodeRequestForm(RequestLoginCodeForm):
    """allauth answers a fourth code within a minute (ACCOUNT_RATE_LIMITS, per address)
    with "Too many failed login attempts", which nobody made. Said for any address, with
    an account or not, so it tells nothing about the address."""

    def clean_email(self) -> str:
        try:
            return super().clean_email()
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ValidationError(TOO_MANY_CODES, code=error.code) from error
            raise


ADDRESS_TAKEN = _("Another account already uses this e-mail address.")


def used_by_another_account(
    email: str, user_pk: int | None, *, address_row_pk: int | None = None
) -> bool:
    """Whether an account other than `user_pk` logs in with, or has added, this address
    (whatever its capitals). `address_row_pk`: the address row being saved, which is
    `user_pk`'s once saved whoever holds it now."""
    users = get_user_model().objects
    others = users.all() if user_pk is None else users.exclude(pk=user_pk)
    rows = EmailAddress.objects.filter(email__iexact=email, user__in=others)
    return others.filter(email__iexact=email).exists() or rows.exclude(pk=address_row_pk).exists()


class AddEmailForm(allauth_forms.AddEmailForm):
    """allauth (enumeration prevention) accepts another account's address, unconfirmed,
    and mails it a confirmation link; confirmed, it would log in to this account, which
    a parent whose own address is not yet confirmed (code login) could do unawares. One
    account per address, as the admin keeps it: refused, said so. An address with a
    direction control is refused with its own error (opo_portal.fields), before Django's
    "not valid" for one in the local part."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's field checks 320 characters, the column takes 254 (a longer one was a
        # 500); Django's address check comes after the direction controls'
        field = self.fields["email"]
        field.max_length = EMAIL_ADDRESS_MAX_LENGTH
        field.widget.attrs["maxlength"] = str(EMAIL_ADDRESS_MAX_LENGTH)
        field.validators = [
            validate_email_address,
            MaxLengthValidator(EMAIL_ADDRESS_MAX_LENGTH),
            ProhibitNullCharactersValidator(),
        ]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if used_by_another_account(email, self.user.pk):
            raise ValidationError(ADDRESS_TAKEN, code="email_taken")
        return super().clean_email()


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """A new password set by the e-mailed reset link proves the person reads the address the
    link went to; allauth leaves that address unconfirmed, and with ACCOUNT_EMAIL_VERIFICATION
    "mandatory" the next login asked to confirm it by a second e-mail. allauth cannot tell
    which of an account's addresses the link went to. Its token does cover all of them
    (EmailAwarePasswordResetTokenGenerator: the link stops working once one is added or
    changed), so an account with one address got the link there: that one is confirmed.
    With several, nothing is."""

    def save(self) -> None:
        super().save()
        addresses = list(EmailAddress.objects.filter(user=self.user))
        emails = {address.email.lower() for address in addresses}
        emails |= {self.user.email.lower()} if self.user.email else set()
        if len(addresses) == 1 and len(emails) == 1 and not addresses[0].verified:
            addresses[0].set_verified(commit=True)  # not when another account confirmed it
