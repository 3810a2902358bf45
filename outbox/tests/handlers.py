"""Duty handlers used by the outbox tests."""

from django.core.mail import send_mail

calls: list[int] = []


def record(*, n: int) -> None:
    calls.append(n)


def mail(*, to: str) -> None:
    send_mail("Onderwerp", "Tekst", None, [to])
