"""Bluesky: public author feeds, and post search when an app password is configured.

A source URL is either a profile, `https://bsky.app/profile/HANDLE` (read through the public
AppView's `app.bsky.feed.getAuthorFeed`, no account needed), or a search,
`https://bsky.app/search?q=TERMS` (`app.bsky.feed.searchPosts`, which needs a session:
we log in with `com.atproto.server.createSession` on the configured PDS host using
MONITORING_BLUESKY_HANDLE and MONITORING_BLUESKY_APP_PASSWORD).
"""

import datetime
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils import timezone

from monitoring.sources import http
from monitoring.sources.base import (
    EARLIEST_POST_TIME,
    AuthError,
    FetchedPost,
    FetchResult,
    MalformedFeed,
)

PAGE_SIZE = 50
MAX_PAGES = 10
# Clocks differ by seconds or minutes, not hours: a createdAt up to this far past the time
# the AppView indexed the post is still shown as the post's time (a phone running fast).
CLOCK_SKEW = datetime.timedelta(minutes=5)


def appview_base() -> str:
    base = getattr(settings, "MONITORING_BLUESKY_APPVIEW", "https://public.api.bsky.app/xrpc/")
    return base if base.endswith("/") else base + "/"


def pds_base() -> str:
    base = getattr(settings, "MONITORING_BLUESKY_PDS", "https://bsky.social/xrpc/")
    return base if base.endswith("/") else base + "/"


def search_enabled() -> bool:
    return bool(
        getattr(settings, "MONITORING_BLUESKY_HANDLE", "")
        and getattr(settings, "MONITORING_BLUESKY_APP_PASSWORD", "")
    )


def parse_source_url(url: str) -> tuple[str, str]:
    """('author', handle) or ('search', query); ValueError for anything else."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 2 and segments[0] == "profile":
        return "author", segments[1]
    if segments == ["search"]:
        query = parse_qs(parts.query).get("q", [""])[0].strip()
        if query:
            return "search", query
    raise ValueError("a Bluesky source is https://bsky.app/profile/HANDLE or .../search?q=TERMS")


def fetch(source) -> FetchResult:
    """Newest first, page by page with the API's `cursor`, until a page reaches a post we
    already have (indexed at or before the source's cursor), the API has no more pages,
    or MAX_PAGES pages were read. The source's cursor becomes the newest indexing time.

    Both decisions use when the AppView indexed a post (`indexed_time`), never the post's
    own `createdAt`: its author's app writes that, and one post dated 2099 (as cursor) or
    2001 (ending a page) stopped the paging early, so a burst of new posts went unseen.
    A cursor later than now (stored from a createdAt before this was so) is not trusted.

    A post that cannot be read is skipped and counted; a fetch of nothing but such posts
    is a successful run that stores nothing (it used to fail, run after run). Every run
    starts at the newest post, so the cursor only decides how far back to page."""
    url, key, headers, params = _endpoint(source)
    now = timezone.now()
    known = _cursor_time(source.cursor, now)
    posts: list[FetchedPost] = []
    skipped, newest = 0, None
    for _page in range(MAX_PAGES):
        data = http.get(url, params=params, headers=headers).json()
        page, times, odd = _read_page(_list(data, key), key, now)
        posts, skipped = posts + page, skipped + odd
        newest = max((t for t in (newest, *times) if t), default=None)
        next_cursor = data.get("cursor")
        if not page or not isinstance(next_cursor, str) or not next_cursor:
            break
        # The last item is the oldest of the page (a pinned post may head the first page).
        if known and times[-1] and times[-1] <= known:
            break
        params = {**params, "cursor": next_cursor}
    if newest is None or (known and newest <= known):
        return FetchResult(posts=posts, cursor=source.cursor, skipped=skipped)
    return FetchResult(posts=posts, cursor=newest.isoformat(), skipped=skipped)


def _endpoint(source) -> tuple[str, str, dict, dict]:
    """(url, the response's list key, headers, first page's params) for the source's URL."""
    try:
        mode, value = parse_source_url(source.url)
    except ValueError as exc:
        raise MalformedFeed(str(exc)) from exc
    if mode == "author":
        params = {"actor": value, "limit": PAGE_SIZE, "filter": "posts_no_replies"}
        return appview_base() + "app.bsky.feed.getAuthorFeed", "feed", {}, params
    if not search_enabled():
        raise AuthError("Bluesky search needs MONITORING_BLUESKY_APP_PASSWORD")
    headers = {"Authorization": f"Bearer {create_session()}"}
    params = {"q": value, "limit": PAGE_SIZE, "sort": "latest"}
    return pds_base() + "app.bsky.feed.searchPosts", "posts", headers, params


def _read_page(
    items: list, key: str, now: datetime.datetime
) -> tuple[list[FetchedPost], list[datetime.datetime | None], int]:
    """The page's readable posts, their indexing times (in the same order), and how many
    items could not be read."""
    posts, times, skipped = [], [], 0
    for item in items:
        try:
            post, indexed = parse_post(_feed_post(item) if key == "feed" else item, now)
        except MalformedFeed:
            skipped += 1  # one odd post does not lose the others
            continue
        posts.append(post)
        times.append(indexed)
    return posts, times, skipped


def _cursor_time(cursor: str, now: datetime.datetime) -> datetime.datetime | None:
    """The source's cursor as a time; None for none, and for one later than now."""
    when = _iso(cursor)
    return when if when and when <= now else None


def create_session() -> str:
    data = http.request(
        "POST",
        pds_base() + "com.atproto.server.createSession",
        json={
            "identifier": settings.MONITORING_BLUESKY_HANDLE,
            "password": settings.MONITORING_BLUESKY_APP_PASSWORD,
        },
    ).json()
    token = data.get("accessJwt") if isinstance(data, dict) else None
    if not token:
        raise AuthError("Bluesky login returned no session")
    return token


def _feed_post(item):
    return item.get("post") if isinstance(item, dict) else None


def _list(data, key: str) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        raise MalformedFeed(f"Bluesky response without '{key}'")
    return value


def parse_post(post: dict, now: datetime.datetime) -> tuple[FetchedPost, datetime.datetime | None]:
    """The post as stored, and when the AppView indexed it (`indexed_time`)."""
    try:
        uri = post["uri"]
        handle = post.get("author", {}).get("handle", "")
        record = post.get("record") or {}
        rkey = uri.rsplit("/", 1)[-1]
        embed = post.get("embed") or record.get("embed") or {}
        has_media = any(kind in str(embed.get("$type", "")) for kind in ("images", "video"))
        created = _iso(record.get("createdAt") or "")
        indexed = indexed_time(_iso(post.get("indexedAt") or ""), created, now)
        fetched = FetchedPost(
            external_id=uri[:500],
            text=str(record.get("text", "")),
            url=f"https://bsky.app/profile/{handle}/post/{rkey}",
            author_handle=handle[:200],
            has_media=has_media,
            published_at=shown_time(created, indexed),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise MalformedFeed("unexpected Bluesky post shape") from exc
    return fetched, indexed


def indexed_time(
    indexed_at: datetime.datetime | None,
    created_at: datetime.datetime | None,
    now: datetime.datetime,
) -> datetime.datetime | None:
    """When the AppView indexed the post, never later than `now`: the time paging and the
    cursor go by. Without an `indexedAt` (the AppView always sends one) the post's own
    createdAt stands in, capped at now all the same."""
    when = indexed_at or created_at
    return min(when, now) if when else None


def shown_time(
    created_at: datetime.datetime | None, indexed: datetime.datetime | None
) -> datetime.datetime | None:
    """The post's time as shown: its own createdAt, unless that is more than CLOCK_SKEW
    past when it was indexed (a post dated 2099), or before EARLIEST_POST_TIME (the year 1):
    then the indexing time (`indexed_time`)."""
    if created_at is None or created_at < EARLIEST_POST_TIME:
        return indexed
    if indexed is not None and created_at - indexed > CLOCK_SKEW:
        return indexed
    return created_at


def _iso(value: str) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    if when and when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when
