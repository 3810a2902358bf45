"""Branded Dutch error pages in the portal's layout, without debug output."""

import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils.crypto import get_random_string
from django.views import defaults

from consent.models import ConsentEvent
from consent.tests.helpers import html_of, purpose


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_it_shows_a_dutch_404_in_the_layout(production, client, db):
    response = client.get("/bestaat-niet/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in html
    assert 'class="site-header"' in html and 'name="viewport"' in html
    assert "Traceback" not in html and "urlpatterns" not in html


def test_it_shows_the_same_404_for_an_object_out_of_reach(production, login, parent_b, pupil_a):
    response = login(parent_b).get(f"/toestemming/kind/{pupil_a.pk}/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()


TYPED = '?q=Sem"><script>alert(1)</script>&next=//elders.example/'


def language_next(html: str) -> str:
    """Where the language switch of the page sends the person back to."""
    form = re.search(r'<form class="lang-switch".*?</form>', html, re.DOTALL).group()
    return re.search(r'name="next" type="hidden" value="([^"]*)"', form).group(1)


def test_the_404_language_switch_leaves_the_query_string_behind(production, client, db):
    response = client.get(f"/bestaat-niet/{TYPED}")
    html = response.content.decode()
    assert response.status_code == 404
    assert language_next(html) == "/bestaat-niet/"
    assert "Sem" not in html_of(response) and "<script>" not in html and "elders" not in html
    switched = client.post("/i18n/setlang/", {"language": "en", "next": language_next(html)})
    assert switched.status_code == 302 and switched["Location"] == "/bestaat-niet/"


def test_the_403_language_switch_leaves_the_query_string_behind(production, db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(f"/toestemming/{TYPED}")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, Exception("geheim"))
    html = response.content.decode()
    assert language_next(html) == "/toestemming/"
    assert "Sem" not in html_of(response) and "<script>" not in html


def test_a_page_that_answers_keeps_its_query_string_in_the_switch(production, client, db):
    """The login page's ?next= is where the person goes after logging in."""
    html = client.get("/accounts/login/?next=/toestemming/").content.decode()
    assert language_next(html) == "/accounts/login/?next=/toestemming/"


def test_it_shows_a_dutch_400_for_a_bad_host(production, db):
    response = Client(HTTP_HOST="evil.example", raise_request_exception=True).get("/")
    assert response.status_code == 400
    assert "Het portaal begreep dit verzoek niet" in response.content.decode()


def test_it_shows_a_dutch_403_for_an_expired_form(production, db, parent_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent_a)
    response = client.post("/toestemming/kinderen/")
    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.content.decode()


def _page_after_a_login_elsewhere(client, page):
    """The form's page opened, then a login in another tab: Django's login gives the
    browser a new CSRF secret (rotate_token), so the page's token no longer matches."""
    html = client.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    return token


def test_a_form_from_before_a_login_elsewhere_says_what_to_do(production, db, parent_a, pupil_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent_a)
    page = f"/toestemming/kind/{pupil_a.pk}/"
    token = _page_after_a_login_elsewhere(client, page)
    data = {"csrfmiddlewaretoken": token, f"c-{purpose('website').pk}-photo": "yes"}
    response = client.post(page, data, HTTP_REFERER="http://testserver" + page)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Er is niets opgeslagen" in html
    assert "in een ander venster of tabblad bent in- of uitgelogd" in html
    assert "knop Terug van uw browser" in html
    assert "U bent nu ingelogd als ouder.a@example.org" in html  # a shared tablet
    assert f'href="{page}"' in html
    assert "kort nadat het is getoond" not in html  # a token has no time limit
    assert "no-store" in response["Cache-Control"]
    assert not ConsentEvent.objects.exists()


def test_an_expired_form_links_no_other_sites_page(production, db, parent_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent_a)
    response = client.post("/toestemming/kinderen/", HTTP_REFERER="https://evil.example/x")
    html = response.content.decode()
    assert 'href="/"' in html and "evil.example" not in html


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "///evil.example"])
def test_an_expired_form_links_no_other_site_through_a_path_of_ours(production, db, path):
    """A page of this host whose path reads as another host in an href ("//evil.example")."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/toestemming/kinderen/", HTTP_REFERER="http://testserver" + path)
    html = response.content.decode()
    assert response.status_code == 403
    assert 'href="/"' in html and "evil.example" not in html


def test_an_expired_form_without_a_login_names_nobody(production, db):
    response = Client(enforce_csrf_checks=True).post("/toestemming/kinderen/")
    assert response.status_code == 403
    assert "ingelogd als" not in response.content.decode()


def test_it_renders_403_and_500_in_dutch(production, db):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    forbidden = defaults.permission_denied(request, Exception("geheim detail"))
    assert "Dit mag u niet doen" in forbidden.content.decode()
    assert "geheim detail" not in forbidden.content.decode()
    error = defaults.server_error(request)
    assert error.status_code == 500
    html = error.content.decode()
    assert "Er ging bij ons iets mis" in html and 'class="site-header"' in html


@pytest.mark.parametrize(
    "language, expected", [("nl", "Wacht even"), ("en", "Please wait a moment")]
)
def test_it_asks_to_wait_in_the_layout_after_too_many_password_requests(
    production, client, parent_a, language, expected
):
    """allauth answers a sixth request for a new password within a minute with a 429; a
    parent who taps again and again sees why in their language, not allauth's bare page."""
    from django.core.cache import cache

    cache.clear()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    for _ in range(5):
        response = client.post("/accounts/password/reset/", {"email": parent_a.email})
        assert response.status_code == 302
    response = client.post("/accounts/password/reset/", {"email": parent_a.email})
    html = response.content.decode()
    assert response.status_code == 429
    assert f"<h1>{expected}</h1>" in html
    assert 'class="site-header"' in html and 'name="viewport"' in html
