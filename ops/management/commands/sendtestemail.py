"""Django's sendtestemail with the portal's mail headers, and one line instead of a traceback
when the mail fails.

README "Production", step 7: the way to check EMAIL_URL and DEFAULT_FROM_EMAIL once the
portal runs. Django's own command ended on smtplib's and socket's traceback, which named
neither the server it tried nor the setting to change.
"""

import smtplib
import socket
import ssl

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management import CommandError
from django.core.management.commands.sendtestemail import Command as DjangoCommand
from django.utils import timezone

from outbox.services import mail_headers


def _server() -> str:
    tls = "TLS" if settings.EMAIL_USE_SSL else "STARTTLS" if settings.EMAIL_USE_TLS else "no TLS"
    user = f", user {settings.EMAIL_HOST_USER}" if settings.EMAIL_HOST_USER else ""
    return f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT} ({tls}{user})"


class Command(DjangoCommand):
    def handle(self, *args, **kwargs):
        try:
            _send_to(kwargs["email"])
            super().handle(*args, **{**kwargs, "email": []})  # --managers, --admins
        except (OSError, smtplib.SMTPException) as error:  # socket, TLS and SMTP replies
            raise CommandError(
                f"the test e-mail was not sent: the mail server {_server()} "
                f"{_outcome(error)}; check EMAIL_URL"
            ) from None


def _send_to(recipients: list[str]) -> None:
    """Django's test e-mail with the headers of the portal's own (`mail_headers`): its
    Message-ID named this machine (`@localhost` without a domain), theirs the sender's
    domain, so it could land in the spam folder where the portal's e-mail would not."""
    if recipients:
        subject = f"Test email from {socket.gethostname()} on {timezone.now()}"
        body = "If you're reading this, it was successful."
        EmailMessage(subject, body, to=recipients, headers=mail_headers()).send()


def _outcome(error: OSError | smtplib.SMTPException) -> str:
    """An SMTP reply or a TLS handshake is the server's answer; a refused connection, a
    timeout or a name that does not resolve never reached it (it "answered
    ConnectionRefusedError" before, sending the reader to the server's settings)."""
    reason = f"{type(error).__name__}: {error}"
    if isinstance(error, smtplib.SMTPException | ssl.SSLError):
        return f"answered {reason}"
    return f"could not be reached ({reason})"
