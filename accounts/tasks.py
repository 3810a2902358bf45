from celery import shared_task

from accounts.board import recount_due


@shared_task(name="accounts.recount_schools")
def recount_schools() -> int:
    """Count the board's home page numbers of changed schools and this run's share of
    the oldest (accounts.board); nothing for a foundation counted live."""
    return recount_due()
