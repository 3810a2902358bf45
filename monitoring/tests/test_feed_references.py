"""Character references no character can be, and item links relative to the feed.

The feeds are served by the local test server and read by the real client and parser;
the last test goes the whole way to the pages.
"""

import re

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import FetchRun, Post, Source
from monitoring.sources import feeds
from monitoring.tests.helpers import make_source

ITEM = """<item><title>De Vlindertuin {title}</title><link>{link}</link><guid>{guid}</guid>
<description>De Vlindertuin is een idioot zooitje.</description></item>"""


def _rss(*items: str, channel_link: str = "https://buurt.example/") -> bytes:
    body = "".join(items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Buurt</title><link>{channel_link}</link><description>x</description>"
        f"{body}</channel></rss>"
    ).encode()


def _item(guid: str, title: str = "nieuws", link: str = "https://buurt.example/1") -> str:
    return ITEM.format(guid=guid, title=title, link=link)


def _source(url: str) -> Source:
    return Source(kind=Source.Kind.RSS, name="feed", url=url)


@pytest.mark.parametrize(
    "reference",
    [
        "&#xD800;",
        "&#55296;",
        "&#x110000;",
        "&#99999999999;",
        pytest.param("&#" + "9" * 5000 + ";", id="5000-digits"),
    ],
)
def test_it_reads_a_feed_with_a_reference_to_no_character(feed_server, reference):
    # a lone surrogate, past U+10FFFF, a number of 5,000 digits: feedparser's loose parser
    # raised on each (UnicodeEncodeError, ValueError, OverflowError), and the whole feed
    # failed as an "unexpected error" on every run while the item stayed in it
    feed = _rss(
        _item("bad", title=f"raar {reference} teken"), _item("good", link="https://b.example/2")
    )
    feed_server.route("/feed.rss", body=feed)
    posts = feeds.fetch(_source(feed_server.url("/feed.rss"))).posts
    assert [p.external_id for p in posts] == ["bad", "good"]
    assert posts[0].text.startswith("De Vlindertuin raar \ufffd teken")


def test_it_keeps_references_to_real_characters(feed_server):
    title = "caf&#233; &#x1F600; &#0000065;"
    feed_server.route("/feed.rss", body=_rss(_item("ok", title=title), "<x>&#xD800;</x>"))
    (post,) = feeds.fetch(_source(feed_server.url("/feed.rss"))).posts
    assert post.text.startswith("De Vlindertuin café 😀 A\n")


@pytest.mark.django_db
def test_a_poll_of_such_a_feed_succeeds(feed_server, school_a):
    feed_server.route("/feed.rss", body=_rss(_item("bad", title="&#xDFFF;")))
    source = make_source(url=feed_server.url("/feed.rss"))
    run = services.source_poll(source_id=source.pk)
    assert run.status == FetchRun.Status.SUCCEEDED
    assert Post.objects.get().external_id == "bad"


def test_it_resolves_an_item_link_relative_to_the_feed(feed_server):
    # a CMS that writes "/nieuws/1": the link was dropped, so staff had no way to the post
    # (and a report of its address was not recognised as the same post)
    items = (
        _item("rel", link="/nieuws/1"),
        _item("dir", link="nieuws/2"),
        _item("proto", link="//andere.example/3"),
        _item("abs", link="https://elders.example/4"),
    )
    feed_server.route("/dir/feed.rss", body=_rss(*items))
    posts = feeds.fetch(_source(feed_server.url("/dir/feed.rss"))).posts
    base = feed_server.url("")
    assert [p.url for p in posts] == [
        f"{base}/nieuws/1",
        f"{base}/dir/nieuws/2",
        "http://andere.example/3",
        "https://elders.example/4",
    ]


def test_it_keeps_an_item_id_that_is_no_address_as_written(feed_server):
    # read against the feed's address, "123" would become another id, and every item of
    # the feed be stored again as a new post
    feed_server.route("/feed.rss", body=_rss(_item("123", link="/nieuws/1")))
    (post,) = feeds.fetch(_source(feed_server.url("/feed.rss"))).posts
    assert post.external_id == "123"


def test_it_resolves_against_where_a_redirect_led(feed_server):
    feed_server.route("/old.rss", status=301, headers={"Location": "/new/feed.rss"})
    feed_server.route("/new/feed.rss", body=_rss(_item("rel", link="item/1")))
    (post,) = feeds.fetch(_source(feed_server.url("/old.rss"))).posts
    assert post.url == feed_server.url("/new/item/1")


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,x", "  JaVa&#9;ScRiPt:alert(3)", "mailto:a@b.example"],
)
def test_a_resolved_link_is_still_only_http(feed_server, link):
    feed_server.route("/feed.rss", body=_rss(_item("x", link=link)))
    (post,) = feeds.fetch(_source(feed_server.url("/feed.rss"))).posts
    assert post.url == ""


def test_an_atom_xml_base_cannot_make_a_script_link(feed_server):
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//">
<title>t</title><id>urn:x</id><updated>2026-11-02T08:00:00Z</updated>
<entry><title>De Vlindertuin</title><id>urn:e1</id><updated>2026-11-02T08:00:00Z</updated>
<link href="x"/><summary>De Vlindertuin is een idioot zooitje.</summary></entry></feed>"""
    feed_server.route("/feed.atom", body=atom)
    (post,) = feeds.fetch(_source(feed_server.url("/feed.atom"))).posts
    assert post.url in ("", feed_server.url("/x"))
    assert not post.url.startswith("javascript")


@pytest.mark.django_db
def test_a_relative_link_is_shown_as_an_outside_link(feed_server, school_a, login, director_a):
    feed_server.route("/feed.rss", body=_rss(_item("rel", title="puinhoop", link="/nieuws/1")))
    source = make_source(url=feed_server.url("/feed.rss"))
    services.source_poll(source_id=source.pk)
    link = feed_server.url("/nieuws/1")
    for url in (
        reverse("monitoring:dashboard"),
        reverse("monitoring:mentions", args=["vlindertuin"]),
    ):
        body = login(director_a).get(url).content.decode()
        anchors = set(re.findall(r'<a href="(http[^"]*)"([^>]*)>', body))
        assert anchors == {(link, ' rel="noopener noreferrer nofollow"')}, url
