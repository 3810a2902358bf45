"""RSS 2.0 and Atom feeds, parsed from bytes with defusedxml.

No DTD entity expansion, no external entities, no file or network reads: defusedxml refuses
them. Feeds often lie about their encoding; we decode the bytes ourselves (valid UTF-8 wins,
then the declared encoding, then cp1252) and hand the parser clean UTF-8.
"""

import codecs
import datetime
import email.utils
import hashlib
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only for the ParseError type and Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from monitoring.sources import http
from monitoring.sources.base import FetchedPost, FetchResult, MalformedFeed, NotModified
from monitoring.sources.text import html_to_text

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def fetch(source) -> FetchResult:
    try:
        resp = http.get(source.url, etag=source.etag, last_modified=source.last_modified)
    except NotModified:
        return FetchResult(not_modified=True, etag=source.etag, last_modified=source.last_modified)
    return FetchResult(
        posts=parse_feed(resp.content),
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


def parse_root(data: bytes) -> ET.Element:
    text = decode_feed_bytes(data)
    clean = _DECLARATION.sub(b"", text.encode("utf-8"), count=1)
    try:
        return fromstring(clean, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MalformedFeed(f"unsafe XML refused: {exc.__class__.__name__}") from exc
    except ET.ParseError as exc:
        raise MalformedFeed(f"malformed XML: {exc}") from exc


def parse_feed(data: bytes) -> list[FetchedPost]:
    root = parse_root(data)
    if root.tag == f"{ATOM}feed":
        return [_atom_entry(entry) for entry in root.findall(f"{ATOM}entry")]
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise MalformedFeed("RSS without a channel")
        return [_rss_item(item) for item in channel.findall("item")]
    raise MalformedFeed(f"not an RSS or Atom feed: <{root.tag}>")


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _rss_item(item: ET.Element) -> FetchedPost:
    title = html_to_text(_text(item.find("title")))
    body = _text(item.find(f"{CONTENT}encoded")) or _text(item.find("description"))
    link = _text(item.find("link"))
    external_id = _text(item.find("guid")) or link or _hash_id(title, body)
    has_media = any(
        item.find(tag) is not None
        for tag in ("enclosure", f"{MEDIA}content", f"{MEDIA}thumbnail", f"{MEDIA}group")
    )
    return FetchedPost(
        external_id=external_id[:500],
        text=_join(title, html_to_text(body)),
        url=link[:1000],
        author_handle=(_text(item.find(f"{DC}creator")) or _text(item.find("author")))[:200],
        has_media=has_media,
        published_at=_rfc822(_text(item.find("pubDate"))),
    )


def _atom_entry(entry: ET.Element) -> FetchedPost:
    title = html_to_text(_text(entry.find(f"{ATOM}title")))
    body = _text(entry.find(f"{ATOM}content")) or _text(entry.find(f"{ATOM}summary"))
    url, has_media = "", entry.find(f"{MEDIA}content") is not None
    for link in entry.findall(f"{ATOM}link"):
        rel = link.get("rel", "alternate")
        if rel == "alternate" and not url:
            url = link.get("href", "")
        elif rel == "enclosure":
            has_media = True
    external_id = _text(entry.find(f"{ATOM}id")) or url or _hash_id(title, body)
    return FetchedPost(
        external_id=external_id[:500],
        text=_join(title, html_to_text(body)),
        url=url[:1000],
        author_handle=_text(entry.find(f"{ATOM}author/{ATOM}name"))[:200],
        has_media=has_media,
        published_at=_iso(
            _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
        ),
    )


def _hash_id(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _rfc822(value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return _iso(value)
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def _iso(value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)
