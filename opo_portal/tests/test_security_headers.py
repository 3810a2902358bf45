"""Headers on real responses with DEBUG=false (issue 10, findings 4 and 6)."""

import pytest
from django.urls import reverse

REQUIRED_CSP = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _csp(response) -> str:
    return response.headers.get("Content-Security-Policy", "")


def test_it_sends_a_strict_csp_on_an_anonymous_page(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    csp = _csp(response)
    for directive in REQUIRED_CSP:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_it_leaves_public_pages_cacheable_for_anonymous_visitors(client, db):
    response = client.get(reverse("policy:current"))
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def _pages(parent_a, pupil_a):
    return {
        "parent_a": [
            reverse("consent:child", args=[pupil_a.pk]),
            reverse("consent:my_data"),
            reverse("consent:my_data_json"),
        ],
        "director_a": [
            reverse("consent:group", args=[pupil_a.group_id]),
            reverse("consent:coverage_export", args=["vlindertuin"]),
            reverse("policy:confirmation_csv", args=["vlindertuin"]),
            reverse("monitoring:report_csv"),
        ],
    }


def test_it_forbids_caching_pages_and_exports_with_pupil_or_parent_data(
    request, login, parent_a, director_a, pupil_a
):
    for who, urls in _pages(parent_a, pupil_a).items():
        client = login(request.getfixturevalue(who))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "no-store" in response.headers["Cache-Control"], url
            assert "private" in response.headers["Cache-Control"], url
            assert "frame-ancestors 'none'" in _csp(response), url


def test_it_sends_the_usual_hardening_headers(login, parent_a):
    response = login(parent_a).get(reverse("consent:my_children"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("own_headers", [{}, {"Cache-Control": "max-age=600, public"}])
def test_it_writes_the_same_no_store_headers_as_django(own_headers):
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers

    from accounts.security_middleware import never_cache

    ours, django_s = HttpResponse(headers=own_headers), HttpResponse(headers=own_headers)
    never_cache(ours)
    add_never_cache_headers(django_s)
    assert ours["Cache-Control"] == django_s["Cache-Control"]
    assert "no-store" in ours["Cache-Control"] and "public" not in ours["Cache-Control"]
    assert ours["Expires"][-4:] == " GMT"


def _through(middleware_class, response, path="/"):
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    middleware = middleware_class(lambda r: response)
    middleware.process_request(request)
    return middleware.process_response(request, response)


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def test_it_sends_the_csp_django_csp_would_send():
    from csp.middleware import CSPMiddleware as DjangoCsp
    from django.http import HttpResponse

    from opo_portal.middleware import CSPMiddleware

    ours, theirs = _through(CSPMiddleware, HttpResponse()), _through(DjangoCsp, HttpResponse())
    assert _directives(ours["Content-Security-Policy"]) == _directives(
        theirs["Content-Security-Policy"]
    )
    assert "Content-Security-Policy-Report-Only" not in ours


def test_it_follows_a_changed_csp_setting_and_per_view_policies(settings):
    from csp.constants import NONE, SELF
    from django.http import HttpResponse

    from opo_portal.middleware import CSPMiddleware

    assert (
        "img-src 'self' data:" in _through(CSPMiddleware, HttpResponse())["Content-Security-Policy"]
    )
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [NONE]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF]}}
    response = _through(CSPMiddleware, HttpResponse())
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"
    exempt = HttpResponse()
    exempt._csp_exempt = True  # what django-csp's @csp_exempt() sets
    assert "Content-Security-Policy" not in _through(CSPMiddleware, exempt)


def test_it_sends_the_csp_with_static_files_too(settings, tmp_path, db):
    """WhiteNoise answers /static/ before the CSP middleware ran: an SVG opened on its own
    is a document that may run scripts, and it came without a policy."""
    from django.test import Client

    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    settings.STATIC_ROOT = tmp_path
    response = Client().get("/static/img/favicon.svg")  # a new client: WhiteNoise reads the root
    response.close()
    assert response.status_code == 200
    for directive in REQUIRED_CSP:
        assert directive in _csp(response)


def test_it_leaves_static_files_cacheable_for_a_signed_in_person(settings, tmp_path, parent_a):
    """No-store goes on every answer to a request with a session cookie, but a stylesheet
    holds no pupil's data: re-fetching it on every page would only slow the phone down."""
    from django.test import Client

    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "portal.css").write_text("body { color: black; }")
    settings.STATIC_ROOT = tmp_path
    client = Client()  # a new client: WhiteNoise reads the root
    client.force_login(parent_a)
    response = client.get("/static/css/portal.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
