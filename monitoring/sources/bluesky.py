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

from monitoring.sources import http
from monitoring.sources.base import AuthError, FetchedPost, FetchResult, MalformedFeed

PAGE_SIZE = 50
MAX_PAGES = 10


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
    already have (published at or before the source's cursor), the API has no more pages,
    or MAX_PAGES pages were read. The source's cursor becomes the newest post's time.

    A post that cannot be read is skipped and counted; a fetch of nothing but such posts
    is a successful run that stores nothing (it used to fail, run after run). Every run
    starts at the newest post, so the cursor only decides how far back to page."""
    try:
        mode, value = parse_source_url(source.url)
    except ValueError as exc:
        raise MalformedFeed(str(exc)) from exc
    if mode == "author":
        url, key, headers = appview_base() + "app.bsky.feed.getAuthorFeed", "feed", {}
        params = {"actor": value, "limit": PAGE_SIZE, "filter": "posts_no_replies"}
    else:
        if not search_enabled():
            raise AuthError("Bluesky search needs MONITORING_BLUESKY_APP_PASSWORD")
        url, key = pds_base() + "app.bsky.feed.searchPosts", "posts"
        headers = {"Authorization": f"Bearer {create_session()}"}
        params = {"q": value, "limit": PAGE_SIZE, "sort": "latest"}
    known = _iso(source.cursor)
    posts: list[FetchedPost] = []
    skipped = 0
    for _page in range(MAX_PAGES):
        data = http.get(url, params=params, headers=headers).json()
        items = _list(data, key)
        page = []
        for item in items:
            try:
                page.append(parse_post(_feed_post(item) if key == "feed" else item))
            except MalformedFeed:
                skipped += 1  # one odd post does not lose the others
        posts += page
        next_cursor = data.get("cursor")
        # The last item is the oldest of the page (a pinned post may head the first page).
        oldest = page[-1].published_at if page else None
        if not page or not isinstance(next_cursor, str) or not next_cursor:
            break
        if known and oldest and oldest <= known:
            break
        params = {**params, "cursor": next_cursor}
    newest = max((p.published_at for p in posts if p.published_at), default=None)
    if newest is None or (known and newest <= known):
        return FetchResult(posts=posts, cursor=source.cursor, skipped=skipped)
    return FetchResult(posts=posts, cursor=newest.isoformat(), skipped=skipped)


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


def parse_post(post: dict) -> FetchedPost:
    try:
        uri = post["uri"]
        handle = post.get("author", {}).get("handle", "")
        record = post.get("record") or {}
        rkey = uri.rsplit("/", 1)[-1]
        embed = post.get("embed") or record.get("embed") or {}
        has_media = any(kind in str(embed.get("$type", "")) for kind in ("images", "video"))
        return FetchedPost(
            external_id=uri[:500],
            text=str(record.get("text", "")),
            url=f"https://bsky.app/profile/{handle}/post/{rkey}"[:1000],
            author_handle=handle[:200],
            has_media=has_media,
            published_at=_iso(record.get("createdAt") or post.get("indexedAt") or ""),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise MalformedFeed("unexpected Bluesky post shape") from exc


def _iso(value: str) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    if when and when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when
