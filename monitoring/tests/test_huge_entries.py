"""A feed entry of megabytes is kept to MAX_POST_TEXT characters: stored, classified and
shown like any post, without making every page that lists it megabytes long.

Served by the local test server, so the real client, parser and pipeline run."""

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Post, Source
from monitoring.sources.base import MAX_POST_TEXT, FetchedPost
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db

COMPLAINT = "De Vlindertuin is een puinhoop, niemand doet iets. "


def _feed(description: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><guid>huge-1</guid><title>Klacht</title>"
        f"<link>https://buurt.example/huge-1</link><description>{description}</description>"
        "</item></channel></rss>"
    ).encode()


@pytest.fixture
def huge_post(feed_server, school_a, director_a):
    feed_server.route("/huge.rss", body=_feed(COMPLAINT * 20_000))  # about 1 MB of text
    source = make_source(url=feed_server.url("/huge.rss"), kind=Source.Kind.RSS)
    services.source_poll(source_id=source.pk)
    return Post.objects.get()


def test_it_keeps_the_start_of_a_huge_entry(huge_post):
    assert len(huge_post.text) == MAX_POST_TEXT + 1
    assert huge_post.text.startswith("Klacht\n" + COMPLAINT)
    assert huge_post.text.endswith("…")


def test_it_still_flags_a_huge_entry(huge_post):
    assert huge_post.flags.filter(category="negative_experience").exists()


def test_it_keeps_the_dashboard_small(login, director_a, huge_post):
    page = login(director_a).get(reverse("monitoring:dashboard")).content.decode()
    assert "puinhoop" in page
    assert len(page) < 4 * MAX_POST_TEXT


def test_it_keeps_a_post_of_any_source_to_the_limit():
    post = FetchedPost(external_id="1", text="x" * (MAX_POST_TEXT * 3))
    assert len(post.text) == MAX_POST_TEXT + 1
    exact = FetchedPost(external_id="2", text="y" * MAX_POST_TEXT)
    assert exact.text == "y" * MAX_POST_TEXT
