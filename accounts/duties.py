"""Outbox duty handlers for accounts (see outbox/services.py)."""

from django.core.cache import cache

from outbox.services import duty_mail, recipient_email


def account_notice_send(*, user_id: int, recipient: str, subject: str, body: str) -> None:
    """One security notice (accounts.notices), rendered when the change was made, to one
    of the account's addresses. Nothing goes out for an account deactivated or deleted
    since; raises unless the SMTP server accepted it, so the duty is retried."""
    if recipient_email(user_id) is None:
        return
    duty_mail(subject, body, recipient)


def cache_keys_forget(*, keys: list[str]) -> None:
    """Drop cached entries a change could not drop while Redis was unavailable
    (accounts.cache_forget). Raises while Redis is still unavailable, so it is retried."""
    strict = getattr(cache, "delete_many_or_raise", cache.delete_many)
    strict(keys)
