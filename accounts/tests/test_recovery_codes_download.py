"""The recovery codes as a file: named and headed in the user's language, as the portal's
other downloads (allauth named it recovery-codes.txt, in Dutch too, and wrote the bare
numbers: a file in Downloads that says nothing of what it is)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from conftest import reauthenticate

HEADINGS = {
    "nl": (
        "Herstelcodes voor het OPO Portal. Elke code werkt één keer: log ermee in als u de "
        "inlogcode-app niet bij de hand heeft."
    ),
    "en": (
        "Recovery codes for the OPO Portal. Each code works once: log in with one when you "
        "do not have the login code app at hand."
    ),
}


@pytest.mark.parametrize(
    ("language", "name"),
    [("nl", "opo-portal-herstelcodes.txt"), ("en", "opo-portal-recovery-codes.txt")],
)
def test_it_names_and_heads_the_file_in_the_users_language(client, director_a, language, name):
    EmailAddress.objects.create(user=director_a, email=director_a.email, verified=True)
    codes = RecoveryCodes.activate(director_a).get_unused_codes()
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    client.force_login(director_a)
    reauthenticate(client)

    response = client.get(reverse("mfa_download_recovery_codes"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [HEADINGS[language], "", *codes]


def test_it_is_not_there_for_someone_signed_out(client):
    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
