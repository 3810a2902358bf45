"""Who a mass e-mail to parents reaches, and what a report says about those it does not.

Whom an e-mail reaches is decided by `outbox.services.emailed_users` alone, which the
send's `recipient_email` uses too: a parent whose account is deactivated is counted
apart, never as e-mailed.
"""

from django.utils.translation import ngettext


def deactivated_sentences(n: int) -> list[str]:
    """What a report after a send says about the parents no e-mail reached: nothing when
    there are none."""
    if not n:
        return []
    text = ngettext(
        "%(n)s parent was not e-mailed: their account is deactivated; reach them on paper.",
        "%(n)s parents were not e-mailed: their accounts are deactivated; reach them on paper.",
        n,
    )
    return [text % {"n": n}]
