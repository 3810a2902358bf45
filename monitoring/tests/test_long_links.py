"""Links longer than 1,000 characters are refused at the edge, never cut short.

An item link was cut to the first 1,000 characters when stored: the post then linked to
another page (or none). A source's address is refused with a message where it is typed.
"""

import socket

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Post, Source
from monitoring.sources.base import MAX_LINK_LENGTH, FetchedPost
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db
TOO_LONG = "De link is te lang (max. 1000 tekens)"


def _url(length: int) -> str:
    start = "https://feeds.example/feed.rss?q="
    return start + "a" * (length - len(start))


@pytest.fixture
def public_dns(monkeypatch):
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)


def test_it_stores_a_post_without_a_link_too_long(feed_server, school_a):
    feed_server.route("/feed.rss", fixture="long_link.rss")
    source = make_source(url=feed_server.url("/feed.rss"))
    run = services.source_poll(source_id=source.pk)
    assert run is not None
    run.refresh_from_db()
    assert (run.status, run.new_count, run.long_links_count) == ("succeeded", 2, 1)
    links = dict(Post.objects.values_list("external_id", "url"))
    assert links == {"nieuws-1": "https://buurt.example/nieuws/1", "nieuws-3": ""}
    # the post itself is read as any other: it names the school
    assert Post.objects.get(external_id="nieuws-3").mentions.filter(school=school_a).exists()


def test_it_keeps_a_link_of_exactly_the_limit():
    kept = FetchedPost(external_id="1", text="x", url=_url(MAX_LINK_LENGTH))
    dropped = FetchedPost(external_id="2", text="x", url=_url(MAX_LINK_LENGTH + 1))
    assert (len(kept.url), kept.link_too_long) == (MAX_LINK_LENGTH, False)
    assert (dropped.url, dropped.link_too_long) == ("", True)


def test_the_board_page_refuses_a_source_address_too_long(login, board, public_dns):
    data = {"kind": "rss", "name": "Buurtnieuws", "url": _url(1200), "interval_minutes": 30}
    response = login(board).post(reverse("monitoring:sources"), data)
    assert response.status_code == 400
    assert [str(e) for e in response.context["form"].errors["url"]] == [f"{TOO_LONG}."]
    assert not Source.objects.exists()


def test_the_board_page_takes_a_source_address_of_the_limit(login, board, public_dns):
    data = {"kind": "rss", "name": "Buurtnieuws", "url": _url(1000), "interval_minutes": 30}
    assert login(board).post(reverse("monitoring:sources"), data).status_code == 302
    assert Source.objects.get().url == _url(1000)


def test_it_counts_an_address_as_it_is_sent(login, board, public_dns):
    """400 Chinese characters are 3,600 characters percent-encoded (and 1,200 bytes more
    than PostgreSQL can index): refused with the message, not an error page."""
    url = "https://feeds.example/" + "学" * 400
    data = {"kind": "rss", "name": "Buurtnieuws", "url": url, "interval_minutes": 30}
    response = login(board).post(reverse("monitoring:sources"), data)
    assert response.status_code == 400
    assert TOO_LONG in response.content.decode()
    assert not Source.objects.exists()


def test_the_admin_refuses_a_source_address_too_long(admin_client, public_dns):
    data = {
        "kind": "rss",
        "name": "Buurtnieuws",
        "url": _url(2100),
        "interval_minutes": 30,
        "consecutive_failures": 0,
        "active": "on",
    }
    response = admin_client.post(reverse("admin:monitoring_source_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["url"]
    assert [str(e) for e in errors] == [f"{TOO_LONG}."]
    assert not Source.objects.exists()


def test_the_page_lets_a_browser_send_a_pasted_address_whole(login, board):
    # a maxlength would make the browser cut a pasted link short without a word
    page = login(board).get(reverse("monitoring:sources")).content.decode()
    assert 'name="url"' in page and "maxlength=" not in page.split('name="url"')[1].split(">")[0]


def test_a_post_stored_before_is_not_counted_again(feed_server, school_a, caplog):
    """The run that stored the post counts its long link; the runs after it find it a
    duplicate: they stored nothing without a link, and say nothing of it."""
    feed_server.route("/feed.rss", fixture="long_link.rss")
    source = make_source(url=feed_server.url("/feed.rss"))
    services.source_poll(source_id=source.pk)
    caplog.clear()
    run = services.source_poll(source_id=source.pk)
    assert run is not None
    run.refresh_from_db()
    assert (run.status, run.new_count, run.long_links_count) == ("succeeded", 0, 0)
    assert "without their link" not in caplog.text
