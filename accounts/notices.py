"""Security notices after a change to an account (allauth's ACCOUNT_EMAIL_NOTIFICATIONS):
an address added, removed or made the main one, a password changed, set or reset, TOTP
switched on or off, new recovery codes.

allauth mails one address during the request. Here every confirmed address of the account
gets the notice, and so does an address that was removed: when someone else removes it,
that is the owner's. Each notice is a duty (outbox) written in the change's transaction, so
an SMTP outage neither undoes the change nor loses the notice. It is rendered now, because
what it reports (when, from which IP address and browser) exists only in this request, and
in the language the owner chose (accounts.languages), not the page's: the owner reads it,
not necessarily whoever made the change.
"""

import uuid

from allauth.account.models import EmailAddress

from accounts.languages import in_language_of
from outbox.services import duty_enqueue

HANDLER = "accounts.duties.account_notice_send"


def notice_recipients(user, email: str | None, context: dict) -> list[str]:
    """Every confirmed address, allauth's own recipient (`email`, else the main address)
    and a removed address."""
    confirmed = EmailAddress.objects.filter(user=user, verified=True)
    addresses = set(confirmed.values_list("email", flat=True))
    addresses.add(email or EmailAddress.objects.get_primary_email(user))
    addresses.add(context.get("deleted_email"))
    return sorted(address for address in addresses if address)


def notices_queue(*, adapter, template_prefix: str, user, context: dict, email=None) -> None:
    """One duty per recipient, keyed by this change (a uuid) and the recipient's place."""
    change = uuid.uuid4().hex
    with in_language_of(user.pk):
        for number, recipient in enumerate(notice_recipients(user, email, context)):
            message = adapter.render_mail(
                template_prefix, recipient, {**context, "email": recipient}
            )
            duty_enqueue(
                key=f"account-notice:{change}:{number}",
                handler=HANDLER,
                payload={
                    "user_id": user.pk,
                    "recipient": recipient,
                    "subject": str(message.subject),
                    "body": message.body,
                },
            )
