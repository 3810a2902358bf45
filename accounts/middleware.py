from django.shortcuts import redirect

from accounts.roles import has_totp, requires_mfa

# Paths a staff member without TOTP may still reach: logging in and out, setting up
# TOTP itself, static files, the language switch and the health check.
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/health/")


class StaffMfaRequiredMiddleware:
    """Send staff to TOTP set-up before any page that could show pupil data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and requires_mfa(user)
            and not has_totp(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
