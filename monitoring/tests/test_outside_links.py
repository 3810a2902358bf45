"""Only http(s) links are stored or rendered (issue 10, finding 1: stored XSS via feeds).

The feeds are served by the local test server and go through the real fetch → store →
classify → page path.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import Post, PublicReply, Source
from monitoring.sources.base import FetchedPost, http_url_or_empty
from monitoring.templatetags.outside_links import outside_url
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

pytestmark = pytest.mark.django_db


def _external_hrefs(body: str) -> list[str]:
    return [h for h in re.findall(r'href="([^"]*)"', body) if ":" in h]


def _poll(feed_server, path, fixture, kind=Source.Kind.RSS, url_path=None):
    feed_server.route(path, fixture=fixture)
    source = make_source(url=feed_server.url(url_path or path), kind=kind)
    services.source_poll(source_id=source.pk)
    return source


def test_it_stores_no_javascript_or_data_link_from_an_rss_feed(feed_server, school_a, board):
    _poll(feed_server, "/evil.rss", "xss_links.rss")
    urls = dict(Post.objects.values_list("external_id", "url"))
    assert urls == {
        "xss-1": "",
        "xss-2": "",
        "xss-3": "",
        "safe-1": "https://buurt.example/nieuws/veilig",
    }


def test_it_stores_no_script_link_from_an_atom_feed(feed_server, school_a):
    _poll(feed_server, "/evil.atom", "xss_links.atom")
    assert set(Post.objects.values_list("url", flat=True)) == {""}
    assert Post.objects.count() == 2


def test_it_stores_no_script_link_from_a_mastodon_status(feed_server, school_a):
    _poll(
        feed_server,
        "/api/v1/timelines/tag/vlindertuin",
        "mastodon_xss.json",
        kind=Source.Kind.MASTODON,
        url_path="/tags/vlindertuin",
    )
    post = Post.objects.get()
    assert post.url == ""


def test_it_renders_only_http_links_on_the_dashboard_after_a_hostile_feed(
    feed_server, school_a, login, board
):
    _poll(feed_server, "/evil.rss", "xss_links.rss")
    assert Post.objects.filter(flags__isnull=False).distinct().count() == 4
    body = login(board).get(reverse("monitoring:dashboard")).content.decode()
    assert "javascript:" not in body.lower()
    assert "data:text" not in body
    assert set(_external_hrefs(body)) == {"https://buurt.example/nieuws/veilig"}


def test_it_renders_no_link_for_a_script_url_stored_before_the_check(login, board, school_a):
    case = make_case(school_a)
    post = make_post(make_source(), url="javascript:alert(1)", text="De Vlindertuin")
    make_flag(post, school_a, case=case)
    for name, args in (("monitoring:dashboard", []), ("monitoring:case", [case.pk])):
        body = login(board).get(reverse(name, args=args)).content.decode()
        assert "javascript:" not in body, name


def test_it_renders_no_link_for_a_script_reply_address(login, board, school_a, director_a):
    case = make_case(school_a)
    now = timezone.now()
    PublicReply.objects.create(
        followup=case,
        text="Correctie",
        drafted_by=director_a,
        drafted_at=now,
        approved_by=director_a,
        approved_at=now,
        posted_by=director_a,
        posted_at=now,
        posted_url="javascript:alert(2)",
    )
    body = login(board).get(reverse("monitoring:case", args=[case.pk])).content.decode()
    assert "javascript:" not in body


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("https://example.org/a?b=c", "https://example.org/a?b=c"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("javascript:alert(1)", ""),
        ("JavaScript:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("\x01javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("vbscript:x", ""),
        ("//evil.example/x", ""),
        ("/relative", ""),
        ("https:///nohost", ""),
        ("http://[::1", ""),
        ("ftp://example.org/f", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_it_keeps_only_absolute_http_urls(value, safe):
    assert http_url_or_empty(value) == safe
    assert outside_url(value) == safe
    assert FetchedPost("x", "t", url=value or "").url == safe


def test_it_clears_unsafe_links_stored_before_the_migration(school_a, director_a):
    source = make_source()
    bad = make_post(source, "1", url="javascript:alert(1)")
    good = make_post(source, "2", url="https://example.org/ok")
    reply = PublicReply.objects.create(
        followup=make_case(school_a),
        text="x",
        drafted_by=director_a,
        drafted_at=timezone.now(),
        posted_url="data:x,1",
    )
    migration = importlib.import_module("monitoring.migrations.0002_only_http_links")
    migration.clear_unsafe_links(apps, None)
    bad.refresh_from_db(), good.refresh_from_db(), reply.refresh_from_db()
    assert (bad.url, good.url, reply.posted_url) == ("", "https://example.org/ok", "")


def test_it_refuses_a_reported_post_link_that_is_not_http(login, teacher_a, school_a):
    response = login(teacher_a).post(
        reverse("monitoring:report_post"),
        {"school": school_a.pk, "url": "ftp://example.org/x", "text": "Een bericht"},
    )
    assert response.status_code in (200, 400)
    assert Post.objects.count() == 0


def test_it_links_outside_only_through_the_outside_url_filter():
    """Every `href="{{ … }}"` in our templates is an internal URL or went through the filter."""
    # menu items, banners, and the other ways to confirm who you are (allauth's
    # get_reauthentication_methods: reverse()d addresses of the portal); allauth's button
    # element (templates/allauth/elements/button.html), whose href allauth's own templates
    # fill with {% url %} addresses; the expired-form page's way back to the form
    # (accounts.middleware.form_page: a path of this host from the Referer, or nothing)
    internal = {"item.url", "banner.url", "alternative.url", "attrs.href", "back"}
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        for expr in re.findall(r'href="\{\{\s*([^}|\s]+)[^}]*\}\}', text):
            if expr in internal:
                continue
            if re.search(r"\{%\s*url\s[^%]*\sas\s+" + re.escape(expr) + r"\s*%\}", text):
                continue  # {% url … as name %}: one of our own addresses
            if expr == "link" and "|outside_url" in text:
                continue
            offenders.append(f"{path.name}: {expr}")
    assert offenders == [], "link outside addresses with {% with link=x|outside_url %}"


def test_it_refuses_exactly_whitespace_and_control_characters_anywhere():
    for code in range(0x250):
        url = f"https://example.org/a{chr(code)}b"
        refused = code <= 0x20 or code == 0x7F
        assert (http_url_or_empty(url) == "") == refused, hex(code)
