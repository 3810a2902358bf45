"""Mastodon hashtag timelines.

A source is the tag page, `https://host/tags/TAG`; we read `https://host/api/v1/timelines/tag/TAG`
newest first, 40 per page, newer than the cursor (`since_id`), walking older pages with
`max_id` until a page has fewer than 40 statuses (at most MAX_PAGES pages per run).
The cursor becomes the newest status id seen.
"""

import datetime
from urllib.parse import quote, urlsplit

from monitoring.sources import http
from monitoring.sources.base import FetchedPost, FetchResult, MalformedFeed
from monitoring.sources.text import html_to_text

PAGE_SIZE = 40
MAX_PAGES = 10


def timeline_url(tag_page_url: str) -> str:
    """`https://host/tags/TAG` -> the API address of that tag's public timeline."""
    parts = urlsplit(tag_page_url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme not in ("http", "https") or len(segments) != 2 or segments[0] != "tags":
        raise ValueError("a Mastodon source is a tag page such as https://host/tags/tag")
    return f"{parts.scheme}://{parts.netloc}/api/v1/timelines/tag/{quote(segments[1])}"


def fetch(source) -> FetchResult:
    try:
        url = timeline_url(source.url)
    except ValueError as exc:
        raise MalformedFeed(str(exc)) from exc
    posts: list[FetchedPost] = []
    newest = source.cursor
    max_id = ""
    for _page in range(MAX_PAGES):
        params = {"limit": PAGE_SIZE}
        if source.cursor:
            params["since_id"] = source.cursor
        if max_id:
            params["max_id"] = max_id
        statuses = http.get(url, params=params).json()
        if not isinstance(statuses, list):
            raise MalformedFeed("a Mastodon timeline is a JSON list")
        for status in statuses:
            post = parse_status(status)
            posts.append(post)
            if _id_key(post.external_id) > _id_key(newest):
                newest = post.external_id
        if len(statuses) < PAGE_SIZE:
            break
        max_id = min((p.external_id for p in posts), key=_id_key)
    return FetchResult(posts=posts, cursor=newest)


def _id_key(status_id: str) -> tuple[int, str]:
    # Mastodon ids are numeric strings of growing length; compare them as numbers.
    return (len(status_id), status_id)


def parse_status(status: dict) -> FetchedPost:
    try:
        status_id = str(status["id"])
        account = status.get("account") or {}
        spoiler = status.get("spoiler_text") or ""
        text = html_to_text(status.get("content") or "")
        return FetchedPost(
            external_id=status_id,
            text="\n".join(p for p in (spoiler, text) if p),
            url=(status.get("url") or status.get("uri") or "")[:1000],
            author_handle=(account.get("acct") or "")[:200],
            has_media=bool(status.get("media_attachments")),
            published_at=_iso(status.get("created_at") or ""),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise MalformedFeed("unexpected Mastodon status shape") from exc


def _iso(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
