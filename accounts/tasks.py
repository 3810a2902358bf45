from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.board import recount_due
from accounts.retention import accounts_apply_retention, admin_history_apply_retention


@shared_task(name="accounts.recount_schools")
def recount_schools() -> int:
    """Count the board's home page numbers of changed schools and this run's share of
    the oldest (accounts.board); nothing for a foundation counted live."""
    return recount_due()


@shared_task(name="accounts.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete the sessions that have expired (Django's `clearsessions`): nothing reads
    them again, and each row says who was logged in, and when."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="accounts.apply_retention")
def apply_retention() -> tuple[int, int, int]:
    """Accounts past their term and the admin's history past the longest term
    (accounts.retention). Returns (accounts deleted, accounts erased, history rows)."""
    today = timezone.localdate()
    deleted, erased = accounts_apply_retention(today=today)
    return deleted, erased, admin_history_apply_retention(today=today)
