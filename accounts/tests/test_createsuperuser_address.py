"""`manage.py createsuperuser` (README "Production": the IT partner's first account) takes
an address as every form does (opo_portal.fields.validate_email_address): until 2026-12-07
it went through the model field's plain check only, and took an address without a mail
domain ("beheer@localhost", "beheer@[127.0.0.1]") that no e-mail of the portal reaches."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address", ["beheer@localhost", "beheer@intranet", "beheer@[127.0.0.1]", "beh\u202eeer@x.nl"]
)
def test_it_refuses_an_address_no_mail_reaches(monkeypatch, address):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse 42")
    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", email=address, verbosity=0)
    assert not User.objects.filter(is_superuser=True).exists()


def test_it_makes_the_account_with_a_real_address(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse 42")
    call_command("createsuperuser", "--noinput", email="beheer@opo.example", verbosity=0)
    user = User.objects.get(email="beheer@opo.example")
    assert user.is_superuser and user.check_password("correct horse 42")
