"""Mastodon hashtag timelines, paged by the `Link` header as Mastodon documents it.

A source is the tag page, `https://host/tags/TAG`; we read `https://host/api/v1/timelines/tag/TAG`.
The first run reads the newest page and older pages (`rel="next"`) up to MAX_PAGES. After
that the cursor is the newest status id stored, and each run asks for what came after it
(`min_id=CURSOR`), oldest page first, following `rel="prev"` towards the present until a
page is empty. A burst larger than one run reads is therefore continued by the next run
from where this one stopped: the cursor only moves past what was read. Servers may return
fewer statuses per page than asked; the Link header, not the page size, says whether more
follow. Links to another host or path are not followed.

Each run with a cursor also reads the newest page once more (when the paging left a request
of its MAX_PAGES), for edits: an edited status keeps its id, so `min_id` never brings it
back, and a harmless post edited into a complaint went unseen. Those statuses are compared
with what is stored (services.posts_store) and leave the cursor alone.

A status that cannot be read (a null, a number for its text, no id) is skipped and
counted, and the cursor moves past it all the same: past its id when it has one, and past
the `min_id` of the page's own `rel="prev"` link, where the server says the page ends. A
fetch of nothing but such statuses is a successful run that stores nothing; it used to
fail, and so did every later run, which asked for the same statuses again.
"""

import datetime
import re
from urllib.parse import parse_qs, quote, urlsplit

from monitoring.sources import http
from monitoring.sources.base import FetchedPost, FetchResult, MalformedFeed, storable_text
from monitoring.sources.text import html_to_text

PAGE_SIZE = 40
MAX_PAGES = 10
_LINK = re.compile(r"<([^>]*)>([^,<]*)")
_REL = re.compile(r"""rel\s*=\s*"?([^";,]+)"?""")


def timeline_url(tag_page_url: str) -> str:
    """`https://host/tags/TAG` -> the API address of that tag's public timeline."""
    parts = urlsplit(tag_page_url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme not in ("http", "https") or len(segments) != 2 or segments[0] != "tags":
        raise ValueError("a Mastodon source is a tag page such as https://host/tags/tag")
    return f"{parts.scheme}://{parts.netloc}/api/v1/timelines/tag/{quote(segments[1])}"


def parse_links(header: str) -> dict[str, str]:
    """RFC 8288 `Link` header -> {rel: url}."""
    links: dict[str, str] = {}
    for url, params in _LINK.findall(header or ""):
        rel = _REL.search(params)
        for name in rel.group(1).split() if rel else ():
            links.setdefault(name, url.strip())
    return links


def _same_timeline(link: str, url: str) -> bool:
    a, b = urlsplit(link), urlsplit(url)
    return (a.scheme, a.netloc, a.path) == (b.scheme, b.netloc, b.path)


def fetch(source) -> FetchResult:
    try:
        url = timeline_url(source.url)
    except ValueError as exc:
        raise MalformedFeed(str(exc)) from exc
    first_params: dict = {"limit": PAGE_SIZE}
    if source.cursor:
        first_params["min_id"] = source.cursor
    params: dict | None = first_params
    follow = "prev" if source.cursor else "next"
    posts: list[FetchedPost] = []
    skipped = pages = 0
    newest, page_url = source.cursor, url
    while pages < MAX_PAGES:
        pages += 1
        resp = http.get(page_url, params=params)
        statuses = resp.json()
        if not isinstance(statuses, list):
            raise MalformedFeed("a Mastodon timeline is a JSON list")
        if not statuses:
            break
        for status in statuses:
            try:
                posts.append(parse_status(status))
            except MalformedFeed:
                skipped += 1  # one odd status does not lose the others
        links = parse_links(resp.headers.get("Link", ""))
        newest = max([newest, *_page_ids(statuses, links.get("prev"), url)], key=_id_key)
        link = links.get(follow)
        if not link or not _same_timeline(link, url):
            break
        page_url, params = link, None
    recent = []
    if source.cursor and pages < MAX_PAGES:
        recent = _newest_page(url, read={post.external_id for post in posts})
    return FetchResult(posts=posts, cursor=newest, skipped=skipped, recent=recent)


def _newest_page(url: str, read: set[str]) -> list[FetchedPost]:
    """The newest statuses of the tag again, those not read by this run's paging: an edit
    keeps the status id, so `min_id` never brings an edited status back. They leave the
    cursor alone; a status that cannot be read was counted when it was new."""
    resp = http.get(url, params={"limit": PAGE_SIZE})
    statuses = resp.json()
    if not isinstance(statuses, list):
        raise MalformedFeed("a Mastodon timeline is a JSON list")
    recent = []
    for status in statuses:
        try:
            post = parse_status(status)
        except MalformedFeed:
            continue
        if post.external_id not in read:
            recent.append(post)
    return recent


def _page_ids(statuses: list, prev_link: str | None, url: str) -> list[str]:
    """The ids of a page's statuses, read or skipped, and the id its `prev` link starts
    after: the cursor moves past all of them, so a skipped status is not asked for again."""
    ids = [_status_id(status) for status in statuses]
    if prev_link and _same_timeline(prev_link, url):
        ids.append(_usable_id(parse_qs(urlsplit(prev_link).query).get("min_id", [""])[0]))
    return [status_id for status_id in ids if status_id]


def _id_key(status_id: str) -> tuple[int, str]:
    # Mastodon ids are numeric strings of growing length; compare them as numbers.
    return (len(status_id), status_id)


def _status_id(status) -> str | None:
    return _usable_id(status.get("id") if isinstance(status, dict) else None)


def _usable_id(value) -> str | None:
    """A status id as it is stored (FetchedPost), or None for a value that is no id."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return storable_text(str(value))[:500] or None


def parse_status(status: dict) -> FetchedPost:
    try:
        status_id = _status_id(status)
        if status_id is None:
            raise TypeError("a status has an id")
        account = status.get("account") or {}
        spoiler = status.get("spoiler_text") or ""
        text = html_to_text(status.get("content") or "")
        return FetchedPost(
            external_id=status_id,
            text="\n".join(p for p in (spoiler, text) if p),
            url=status.get("url") or status.get("uri") or "",
            author_handle=(account.get("acct") or "")[:200],
            has_media=bool(status.get("media_attachments")),
            published_at=_iso(status.get("created_at") or ""),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise MalformedFeed("unexpected Mastodon status shape") from exc


def _iso(value: str) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    if when and when.tzinfo is None:  # Mastodon sends UTC
        when = when.replace(tzinfo=datetime.UTC)
    return when
