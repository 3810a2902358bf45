from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts import (
            checks,  # noqa: F401 - registers the deploy checks
            signals,  # noqa: F401  (connects the receivers)
        )

        user_logged_in.connect(_stamp_session, dispatch_uid="opo_session_start")


def _stamp_session(sender, request, user, **kwargs):
    from accounts.security_middleware import session_start

    if request is not None and hasattr(request, "session"):
        session_start(request=request, user=user)
