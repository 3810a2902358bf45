"""`manage.py sendtestemail ADDRESS`: the check of the e-mail settings the README gives.

Django's own command ended on a traceback of smtplib and socket when the mail server
could not be reached or refused the login; now one line names the server and the reason.
"""

import contextlib
import socket
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command


def _closed_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def test_it_names_the_server_and_the_reason_in_one_line(settings):
    port = _closed_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = True, False
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "portal", "hunter2"
    with pytest.raises(CommandError) as refused:
        call_command("sendtestemail", "beheer@example.nl")
    message = str(refused.value)
    assert message == (
        f"the test e-mail was not sent: the mail server 127.0.0.1:{port} (STARTTLS, user "
        "portal) could not be reached (ConnectionRefusedError: [Errno 111] Connection "
        "refused); check EMAIL_URL"
    )
    assert "hunter2" not in message


@pytest.fixture
def refusing_server():
    """A mail server that greets every connection with 554 and closes it."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        with contextlib.suppress(OSError):
            while True:
                connection, _ = listener.accept()
                with connection:
                    connection.sendall(b"554 5.7.1 no service for you\r\n")

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def test_it_says_what_a_server_that_was_reached_answered(settings, refusing_server):
    """Before, an unreachable server "answered ConnectionRefusedError" too: only an SMTP
    reply is an answer."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refusing_server
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    with pytest.raises(CommandError) as refused:
        call_command("sendtestemail", "beheer@example.nl")
    assert str(refused.value).startswith(
        f"the test e-mail was not sent: the mail server 127.0.0.1:{refusing_server} (no TLS) "
        "answered SMTPConnectError: (554, b'5.7.1 no service for you')"
    )


def test_it_sends_the_test_e_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("sendtestemail", "beheer@example.nl")
    assert [m.to for m in mail.outbox] == [["beheer@example.nl"]]


def test_it_sends_with_the_headers_of_the_portals_own_e_mail(settings):
    """The test e-mail checks what the portal's e-mails will meet (README step 7: "look in
    the inbox and the spam folder"); it carried Django's Message-ID, which names the
    machine (`@localhost` on a host without a domain), not the sender's domain."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "OPO Portal <noreply@opo-borger-odoorn.nl>"
    call_command("sendtestemail", "beheer@example.nl")
    [sent] = mail.outbox
    message = sent.message()
    assert message["Message-ID"].endswith("@opo-borger-odoorn.nl>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["From"] == "OPO Portal <noreply@opo-borger-odoorn.nl>"
