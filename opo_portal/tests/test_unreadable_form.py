"""A form body that is not UTF-8 is refused, not read with "�" in place of what was sent.

Django decodes such a body with replacement characters, so a lone surrogate (%ED%A0%80)
or a stray byte (%FF) in a board member's purpose text was published to parents as "���",
with its hash, and the section headings of the protocol likewise (form input sweep,
2026-12-06). Browsers always send UTF-8: such a body is a tool's or an attacker's.
"""

import re

import pytest
from django.urls import reverse

from consent.models import PurposeVersion
from consent.tests.helpers import purpose
from opo_portal.middleware import form_body_is_utf8

FORM = "application/x-www-form-urlencoded"


def _purpose_text_body(client, url, text: str) -> str:
    page = client.get(url).content.decode()
    [based_on] = re.findall(r'name="based_on" value="(\d+)"', page)
    return f"based_on={based_on}&kind=correction&text={text}"


@pytest.mark.parametrize("unreadable", ["%ED%A0%80", "caf%FF", "%C3"])
def test_it_refuses_a_purpose_text_that_is_not_utf8(login, board, unreadable):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    client = login(board)
    body = _purpose_text_body(client, url, f"Foto%27s {unreadable} op de website.")

    response = client.post(url, body, content_type=FORM)

    assert response.status_code == 400
    assert "Er is niets gewijzigd" in response.content.decode()
    assert PurposeVersion.objects.filter(purpose=website).count() == 1


def test_it_still_publishes_a_text_with_accents_and_emoji(login, board):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    client = login(board)
    body = _purpose_text_body(client, url, "Caf%C3%A9+%F0%9F%93%B7+op+de+website.")

    response = client.post(url, body, content_type=FORM)

    assert response.status_code == 302
    assert website.versions.order_by("-number").first().text == "Café 📷 op de website."


@pytest.mark.parametrize(
    ("body", "readable"),
    [
        (b"", True),
        (b"a=1&b=caf%C3%A9+x", True),
        (b"a=%F0%9F%93%B7", True),
        (b"a=%ED%A0%80", False),  # a lone surrogate, as CESU-8
        (b"a=%ff", False),
        (b"a=\xff", False),  # not percent-encoded at all
        (b"a=%C3%28", False),
    ],
)
def test_it_tells_utf8_from_other_bytes(body, readable):
    assert form_body_is_utf8(body) is readable


def test_it_says_so_in_the_persons_own_language(login, board):
    board.language = "en"
    board.save(update_fields=["language"])
    url = reverse("consent:purpose_text", args=[purpose("website").pk])

    response = login(board).post(url, "kind=correction&text=%FF", content_type=FORM)

    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "Content-Security-Policy" in response


# --- A query string that is not UTF-8 ------------------------------------------------------
# Django reads it with "\ufffd" for each bad byte: the search boxes showed "��" and searched
# for it. Browsers percent-encode what is typed as UTF-8; such an address is a tool's, or a
# link mangled on its way. Refused as the form body is, with the same page.
SEARCH_PAGES = [
    ("consent:check_new", "q", "teacher_a"),
    ("consent:overview", "zoek", "board"),
    ("consent:coverage_index", "zoek", "board"),
    ("monitoring:sources", "zoek", "board"),
    ("monitoring:watch_terms", "zoek", "board"),
]


@pytest.mark.parametrize(("url_name", "param", "role"), SEARCH_PAGES)
@pytest.mark.parametrize("unreadable", ["%FF%FE", "caf%E9", "%ED%A0%80"])
def test_it_refuses_a_search_that_is_not_utf8(request, login, url_name, param, role, unreadable):
    client = login(request.getfixturevalue(role))

    response = client.get(f"{reverse(url_name)}?{param}={unreadable}")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Het portaal begreep dit verzoek niet" in page and "\ufffd" not in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("url_name", "param", "role"), SEARCH_PAGES)
def test_it_still_searches_for_accents(request, login, url_name, param, role):
    client = login(request.getfixturevalue(role))

    response = client.get(f"{reverse(url_name)}?{param}=caf%C3%A9")

    assert response.status_code == 200
    assert 'value="café"' in response.content.decode()
