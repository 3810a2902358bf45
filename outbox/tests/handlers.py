"""Duty handlers used by the outbox tests."""

from outbox.services import duty_mail

calls: list[int] = []


def record(*, n: int) -> None:
    calls.append(n)


def mail(*, to: str) -> None:
    duty_mail("Onderwerp", "Tekst", to)
