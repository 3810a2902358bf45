"""Remove the unconfirmed addresses that belong to another account.

Before accounts.forms.AddEmailForm refused it, "Mijn account" (allauth's add e-mail)
accepted an address another account logs in with, unconfirmed, and mailed it a
confirmation link: once clicked, the other person could log in to this account. The form
now refuses such an address; this removes the rows added before: every unconfirmed,
non-main address (any capitals) that is another account's login address, or another
account's confirmed or main address. An address that is its owner's own login stays, and
so does every confirmed or main one (those the admin decides about). Their confirmation
rows go with them, so a link mailed earlier no longer works. Nothing to undo: the rows
are not brought back.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def drop_addresses_of_other_accounts(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    others_login = User.objects.filter(email__iexact=OuterRef("email")).exclude(
        pk=OuterRef("user_id")
    )
    others_address = EmailAddress.objects.filter(
        Q(verified=True) | Q(primary=True), email__iexact=OuterRef("email")
    ).exclude(user_id=OuterRef("user_id"))
    own_login = User.objects.filter(pk=OuterRef("user_id"), email__iexact=OuterRef("email"))
    EmailAddress.objects.filter(verified=False, primary=False).filter(
        Exists(others_login) | Exists(others_address)
    ).exclude(Exists(own_login)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_language"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(drop_addresses_of_other_accounts, migrations.RunPython.noop)]
