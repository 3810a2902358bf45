"""Duty handlers used by the outbox tests."""

import os
import signal
import smtplib

from django.core.mail.backends import smtp

from outbox.services import Mail, duty_mail

calls: list = []


def record(*, n: int) -> None:
    calls.append(n)


def mail(*, to: str) -> None:
    duty_mail("Onderwerp", "Tekst", to)


def mail_returned(*, to: str) -> Mail:
    """Decides, and leaves the sending to the outbox; `sent` records whether it ran in a
    transaction."""
    from django.db import connection

    return Mail("Onderwerp", "Tekst", to, sent=lambda: calls.append(connection.in_atomic_block))


def refused(*, to: str) -> None:
    """As Django's SMTP backend raises when the server refuses the recipient."""
    raise smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 <" + to.encode() + b">: no such user")})


class WorkerStopped(BaseException):
    """Raised in-process where a real worker would die: like SIGKILL, no ``except
    Exception`` sees it, so the duty gets no outcome and keeps its lease."""


def stops(*, n: int) -> None:
    calls.append(n)
    raise WorkerStopped


def kills_its_worker(*, path: str) -> None:
    """As a handler that runs a worker out of memory: the process dies mid-handler. Each
    run leaves a line in `path`, so a test can count the runs across processes."""
    with open(path, "a") as runs:
        runs.write("ran\n")
    os.kill(os.getpid(), signal.SIGKILL)


def outlives_its_lease(*, path: str, seconds: float) -> None:
    """As a send to an SMTP server that answers slowly: 'started', a wait, then 'sent'."""
    import time

    with open(path, "a") as runs:
        runs.write("started\n")
    time.sleep(seconds)
    with open(path, "a") as runs:
        runs.write("sent\n")


class QuitSpy(smtp.EmailBackend):
    """Django's SMTP backend without a network: each send and each QUIT (``close``)
    records whether the database was inside a transaction then, and the duties' statuses
    as committed."""

    quits: list[tuple[bool, list[str]]] = []
    sends: list[tuple[bool, list[str]]] = []

    def open(self):
        if self.connection is not None:
            return False
        self.connection = object()
        return True

    def _send(self, email_message) -> bool:
        from django.db import connection

        from outbox.models import Duty

        statuses = list(Duty.objects.values_list("status", flat=True))
        QuitSpy.sends.append((connection.in_atomic_block, statuses))
        return True

    def close(self) -> None:
        from django.db import connection

        from outbox.models import Duty

        if self.connection is None:
            return
        statuses = list(Duty.objects.values_list("status", flat=True))
        QuitSpy.quits.append((connection.in_atomic_block, statuses))
        self.connection = None
