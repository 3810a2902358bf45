"""allauth's forms where the portal's words differ (settings.ACCOUNT_FORMS)."""

from allauth.account.forms import RequestLoginCodeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
