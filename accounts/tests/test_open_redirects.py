"""No `next` (or Referer) sends anyone to another site: every page that redirects after a
form (login, logout, language switch, asking again who you are; the TOTP step of a staff
login, a login by e-mailed code and the admin's login, which hands `next` to ours) stays on
the portal, whatever spelling of another host it is given. Browsers read `\\` as `/` and
drop tabs and line breaks in a URL, so the Location is resolved the way they do."""

import re
import time
from urllib.parse import quote, urljoin, urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, reauthenticate

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "http:/\\evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "https://testserver@evil.example/",
    "javascript:alert(1)",
    "data:text/html,x",
]


def _stays_on_the_portal(response) -> bool:
    assert response.status_code == 302
    location = response.headers["Location"]
    as_read = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin("http://testserver/accounts/", as_read))
    return target.scheme in ("http", "https") and target.netloc == "testserver"


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login(client, parent_a, next_url):
    response = client.post(
        "/accounts/login/", {"login": parent_a.email, "password": PASSWORD, "next": next_url}
    )
    assert _stays_on_the_portal(response)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_logout(client, parent_a, next_url):
    client.force_login(parent_a)
    response = client.post("/accounts/logout/", {"next": next_url})
    assert _stays_on_the_portal(response)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_language_switch(client, db, next_url):
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert _stays_on_the_portal(response)
    response = client.post("/i18n/setlang/", {"language": "en"}, headers={"referer": next_url})
    assert _stays_on_the_portal(response)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_asking_again_who_you_are(client, parent_a, code_parent, next_url):
    client.force_login(parent_a)
    assert _stays_on_the_portal(reauthenticate(client, next_url))
    client.force_login(code_parent)
    response = client.post(
        "/accounts/reauthenticate/code/?next=" + next_url, {"action_send": "1", "next": next_url}
    )
    assert _stays_on_the_portal(response)


def _totp_code(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(decrypt(authenticator.data["secret"]), counter))


@pytest.fixture
def staff_with_totp(teacher_a):
    cache.clear()  # allauth's rate limits: earlier tests' logins do not count
    EmailAddress.objects.create(user=teacher_a, email=teacher_a.email, verified=True, primary=True)
    return teacher_a  # with TOTP, as all staff of the cast


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login_with_the_code_from_the_app(client, staff_with_totp, next_url):
    """The `next` given with the password is kept through the TOTP step, and refused there."""
    data = {"login": staff_with_totp.email, "password": PASSWORD, "next": next_url}
    step = client.post("/accounts/login/?next=" + quote(next_url), data)
    assert step.headers["Location"] == reverse("mfa_authenticate")
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(staff_with_totp)})
    assert _stays_on_the_portal(response)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_asking_again_with_the_code_from_the_app(client, staff_with_totp, next_url):
    client.force_login(staff_with_totp)
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(
            "/accounts/2fa/reauthenticate/?next=" + quote(next_url),
            {"code": _totp_code(staff_with_totp), "next": next_url},
        )
    assert _stays_on_the_portal(response)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login_by_a_mailed_code(client, code_parent, next_url):
    cache.clear()
    client.post("/accounts/login/code/?next=" + quote(next_url), {"email": code_parent.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    response = client.post("/accounts/login/code/confirm/", {"code": code, "next": next_url})
    assert _stays_on_the_portal(response)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_admin_login(client, db, next_url):
    response = client.get("/admin/login/?next=" + quote(next_url))
    assert _stays_on_the_portal(response)
