"""Duty handlers used by the outbox tests."""

import smtplib

from outbox.services import duty_mail

calls: list[int] = []


def record(*, n: int) -> None:
    calls.append(n)


def mail(*, to: str) -> None:
    duty_mail("Onderwerp", "Tekst", to)


def refused(*, to: str) -> None:
    """As Django's SMTP backend raises when the server refuses the recipient."""
    raise smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 <" + to.encode() + b">: no such user")})
