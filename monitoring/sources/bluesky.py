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
    try:
        mode, value = parse_source_url(source.url)
    except ValueError as exc:
        raise MalformedFeed(str(exc)) from exc
    if mode == "author":
        data = http.get(
            appview_base() + "app.bsky.feed.getAuthorFeed",
            params={"actor": value, "limit": PAGE_SIZE, "filter": "posts_no_replies"},
        ).json()
        items = [item.get("post") for item in _list(data, "feed")]
    else:
        if not search_enabled():
            raise AuthError("Bluesky search needs MONITORING_BLUESKY_APP_PASSWORD")
        token = create_session()
        data = http.get(
            pds_base() + "app.bsky.feed.searchPosts",
            params={"q": value, "limit": PAGE_SIZE, "sort": "latest"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        items = _list(data, "posts")
    posts = [parse_post(item) for item in items]
    newest = max((p.published_at for p in posts if p.published_at), default=None)
    return FetchResult(posts=posts, cursor=newest.isoformat() if newest else source.cursor)


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
