"""RSS 2.0 and Atom feeds: read with feedparser, behind defusedxml's safety screen.

feedparser recovers what it can from a slightly broken feed (an unclosed tag, a bare "&"),
as real feed readers do. Before it sees a byte, defusedxml screens the document: entity
declarations (billion laughs) and external entities are refused; a malformed document that
declares entities is refused too. The DOCTYPE is then removed, so feedparser never expands
anything, and the feed is handed over as a stream (never a URL or a file name), so it
fetches nothing. Feeds often lie about their encoding; we decode the bytes ourselves
(valid UTF-8 wins, then the declared encoding, then cp1252) and hand over clean UTF-8.
"""

import calendar
import codecs
import datetime
import hashlib
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only for the ParseError type
from urllib.parse import urljoin
from xml.parsers import expat

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from monitoring.sources import http
from monitoring.sources.base import (
    EARLIEST_POST_TIME,
    MAX_POSTS_PER_RUN,
    FetchedPost,
    FetchResult,
    MalformedFeed,
    NotModified,
    plausible_time,
)
from monitoring.sources.text import html_to_text

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
MEDIA_KEYS = ("media_content", "media_thumbnail", "media_group")
# Attributes on one element (namespace declarations aside). feedparser's strict parser
# walks all of an element's attributes for each one (quadratic: 10,000 took 7 s); feeds
# write a handful, media:content about ten.
MAX_ATTRIBUTES = 50


# A numeric character reference as feedparser's loose parser reads it (the `;` required).
_CHARACTER_REFERENCE = re.compile(rb"&#(\d+|[xX][0-9a-fA-F]+);")
_REPLACEMENT = b"&#xFFFD;"


def _character_or_replacement(match: re.Match) -> bytes:
    """A reference to a character XML allows, unchanged; any other (a lone surrogate such
    as `&#xD800;`, a number past U+10FFFF or of thousands of digits, a control character)
    becomes U+FFFD. feedparser's loose parser raised on the first three, and the whole
    feed failed as an unexpected error on every run while the item stayed in it."""
    ref = match.group(1)
    hexadecimal = ref[:1] in (b"x", b"X")
    digits = (ref[1:] if hexadecimal else ref).lstrip(b"0") or b"0"
    if len(digits) > 8:
        return _REPLACEMENT
    code = int(digits, 16 if hexadecimal else 10)
    allowed = (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
    return match.group(0) if allowed else _REPLACEMENT


class _TooManyAttributes(Exception):  # noqa: N818 - a signal out of expat's callback
    pass


def fetch(source) -> FetchResult:
    try:
        resp = http.get(source.url, etag=source.etag, last_modified=source.last_modified)
    except NotModified:
        return FetchResult(not_modified=True, etag=source.etag, last_modified=source.last_modified)
    # an item's link may be relative ("/nieuws/1"): read against where the feed came from
    posts, left_out = read_feed(resp.content, base=resp.url or source.url)
    return FetchResult(
        posts=posts,
        left_out=left_out,
        etag=resp.headers.get("ETag", ""),
        last_modified=resp.headers.get("Last-Modified", ""),
    )


def decode_feed_bytes(data: bytes) -> str:
    """The feed as text, whatever encoding it claims."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace").lstrip("\ufeff")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _DECLARED_ENCODING.match(data)
    declared = match.group(1).decode("ascii") if match else ""
    try:
        if declared and codecs.lookup(declared).name not in ("utf-8", "utf-16"):
            return data.decode(declared, errors="replace")
    except LookupError:
        pass
    return data.decode("cp1252", errors="replace")


def screen(data: bytes) -> bytes:
    """Clean UTF-8 without declaration or DOCTYPE; MalformedFeed when it is unsafe."""
    clean = _DECLARATION.sub(b"", decode_feed_bytes(data).encode("utf-8"), count=1)
    clean = _CHARACTER_REFERENCE.sub(_character_or_replacement, clean)
    try:
        fromstring(clean, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MalformedFeed(f"unsafe XML refused: {exc.__class__.__name__}") from exc
    except ET.ParseError as exc:
        if _ENTITY_DECLARATION.search(clean):
            raise MalformedFeed("unsafe XML refused: entities in a malformed document") from exc
    clean = _DOCTYPE.sub(b"", clean, count=1)
    if _attributes_over(clean, MAX_ATTRIBUTES):
        raise MalformedFeed(f"unsafe XML refused: an element with over {MAX_ATTRIBUTES} attributes")
    return clean


def _attributes_over(data: bytes, limit: int) -> bool:
    """Whether an element, up to the first error of a malformed document (where
    feedparser's strict parser stops), has more than `limit` attributes. `data` has no
    DOCTYPE left, so expat expands and fetches nothing."""
    parser = expat.ParserCreate()
    parser.ordered_attributes = True  # [name, value, name, value, ...]

    def start(_name, attributes):
        names = attributes[::2]
        if len(names) > limit and sum(not n.startswith("xmlns") for n in names) > limit:
            raise _TooManyAttributes

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _TooManyAttributes:
        return True
    except expat.ExpatError:
        pass  # the rest goes to feedparser's loose parser, which reads attributes in linear time
    return False


def parse_feed(data: bytes, base: str = "") -> list[FetchedPost]:
    return read_feed(data, base=base)[0]


def read_feed(data: bytes, base: str = "") -> tuple[list[FetchedPost], int]:
    """The newest MAX_POSTS_PER_RUN posts of the feed, and how many older ones were left
    out. Entries are turned into posts (the costly part) only up to the cap. `base`: the
    feed's address, against which a relative item link ("/nieuws/1") is read; without it
    such a link is dropped (FetchedPost keeps absolute http(s) links only)."""
    parsed = feedparser.parse(
        io.BytesIO(screen(data)), resolve_relative_uris=False, sanitize_html=False
    )
    entries = parsed.entries
    if len(entries) > MAX_POSTS_PER_RUN:  # a feed within the cap keeps its own order
        entries = _newest_first(entries, timezone.now())
    posts: list[FetchedPost] = []
    for index, entry in enumerate(entries):
        if len(posts) == MAX_POSTS_PER_RUN:
            return posts, sum(map(_has_content, entries[index:]))
        post = _entry(entry, base)
        # Entries without text or link are the debris of a broken document, not posts.
        if post.text or post.url:
            posts.append(post)
    _check_readable(parsed, posts)
    return posts, 0


def _check_readable(parsed, posts: list[FetchedPost]) -> None:
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not posts and problem is not None:
        raise MalformedFeed(f"malformed XML, nothing readable: {problem}")
    if not posts and not parsed.get("version"):
        raise MalformedFeed("not an RSS or Atom feed")


def _newest_first(entries: list, now: datetime.datetime) -> list:
    """Dated entries newest first, then those of unknown (or implausible) date in the
    feed's own order (which is newest first in nearly every feed)."""

    def key(entry) -> tuple[bool, datetime.datetime]:
        when = plausible_time(_utc(_entry_time(entry)), now)
        return (when is not None, when or EARLIEST_POST_TIME)

    return sorted(entries, key=key, reverse=True)  # a stable sort: ties keep their order


def _entry_time(entry):
    return entry.get("published_parsed") or entry.get("updated_parsed")


def _has_content(entry) -> bool:
    return bool(
        entry.get("title") or entry.get("content") or entry.get("summary") or entry.get("link")
    )


def _entry(entry, base: str = "") -> FetchedPost:
    title = html_to_text(entry.get("title", ""))
    content = entry.get("content") or []
    body = (content[0].get("value", "") if content else "") or entry.get("summary", "")
    link = entry.get("link", "")
    # the id as the feed wrote it (a guid "123" is not an address: read against the base it
    # would change, and every item be stored again as new)
    external_id = entry.get("id") or link or _hash_id(title, body)
    if base and link:
        link = urljoin(base, link)
    has_media = bool(entry.get("enclosures")) or any(key in entry for key in MEDIA_KEYS)
    when = _entry_time(entry)
    return FetchedPost(
        external_id=external_id[:500],
        text="\n".join(p for p in (title, html_to_text(body)) if p),
        url=link,
        author_handle=entry.get("author", "")[:200],
        has_media=has_media,
        published_at=_utc(when),
    )


def _hash_id(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _utc(when) -> datetime.datetime | None:
    """feedparser's parsed dates are UTC struct_time tuples; None for none or one out of
    range (9999-12-31T23:59-12:00 is year 10000 in UTC): such an entry once failed the
    whole feed, run after run, for as long as it stayed in it."""
    if not when:
        return None
    try:
        return datetime.datetime.fromtimestamp(calendar.timegm(when), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None
