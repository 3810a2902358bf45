"""No `next` (or Referer) sends anyone to another site: every page that redirects after a
form (login, logout, language switch, asking again who you are) stays on the portal,
whatever spelling of another host it is given. Browsers read `\\` as `/` and drop tabs and
line breaks in a URL, so the Location is resolved the way they do."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

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
