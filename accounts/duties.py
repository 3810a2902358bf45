"""Outbox duty handlers for accounts (see outbox/services.py)."""

from outbox.services import duty_mail, recipient_email


def account_notice_send(*, user_id: int, recipient: str, subject: str, body: str) -> None:
    """One security notice (accounts.notices), rendered when the change was made, to one
    of the account's addresses. Nothing goes out for an account deactivated or deleted
    since; raises unless the SMTP server accepted it, so the duty is retried."""
    if recipient_email(user_id) is None:
        return
    duty_mail(subject, body, recipient)
