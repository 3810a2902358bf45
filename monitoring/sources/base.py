"""What every source returns, and the ways a fetch can fail."""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from opo_portal.text import without_direction_controls

LINK_SCHEMES = ("http", "https")
# Posts one run stores at most, the newest kept. Feeds carry tens of items (a news site a
# few hundred); a Mastodon or Bluesky run reads at most 400 or 500 and goes on next run. A
# broken or hostile feed of 100,000 items once had them all stored and classified at once.
MAX_POSTS_PER_RUN = 500
# Characters of a post's text kept; a longer one is cut and ends in "…". Posts are
# hundreds of characters (Mastodon 500, Bluesky 300), a news item a few thousand; a
# hostile entry of megabytes was stored whole and shown whole on every page listing it.
MAX_POST_TEXT = 20_000
# Characters of a link kept (Post.url, Source.url). A longer item link is not stored at all:
# cut short, it pointed somewhere else.
MAX_LINK_LENGTH = 1000
# Before this no post can be dated: feedparser read "01 Jan 0001 +1400" as the year 1400.
EARLIEST_POST_TIME = datetime.datetime(1990, 1, 1, tzinfo=datetime.UTC)
# A clock this far ahead is no clock: a date past it is a made-up one.
CLOCK_AHEAD = datetime.timedelta(days=1)
# whitespace and control characters: ord(ch) <= 0x20 or ord(ch) == 0x7F
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def http_url_or_empty(value: str | None) -> str:
    """`value` if it is an absolute http(s) URL with a host, else "".

    Feeds are written by strangers: a `javascript:` or `data:` link stored as is becomes
    script in the portal's origin once someone clicks it. Whitespace and control characters
    anywhere are refused too, since browsers drop some of them ("java\tscript:").
    """
    value = (value or "").strip()
    if not value or _UNSAFE.search(value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.hostname:
        return ""
    return value


@dataclass(frozen=True)
class FetchedPost:
    """One post as a source read it; every source builds these, so the URL is checked here."""

    external_id: str
    text: str
    url: str = ""
    author_handle: str = ""
    has_media: bool = False
    published_at: datetime.datetime | None = None
    # the item's link was longer than MAX_LINK_LENGTH: the post is kept without a link
    link_too_long: bool = field(default=False, init=False)

    def __post_init__(self):
        url = http_url_or_empty(self.url)
        if len(url) > MAX_LINK_LENGTH:
            url = ""
            object.__setattr__(self, "link_too_long", True)
        object.__setattr__(self, "url", url)
        # JSON sources may send what PostgreSQL cannot store: a NUL, a lone surrogate, an
        # id longer than the column. Such a post once stopped the whole fetch.
        object.__setattr__(self, "external_id", storable_text(self.external_id)[:500])
        object.__setattr__(self, "text", _kept_text(storable_text(self.text)))
        # A handle is shown in a line of other words: a direction control in it (U+202E)
        # flips that line and lets it pass for another (opo_portal.text). The text is
        # evidence, kept as it came and shown isolated.
        handle = without_direction_controls(storable_text(self.author_handle))
        object.__setattr__(self, "author_handle", handle[:200])
        if self.published_at is not None and self.published_at.tzinfo is not None:
            try:  # 9999-12-31T23:59-12:00 is stored as year 10000 and cannot be read back
                self.published_at.astimezone(datetime.UTC)
            except OverflowError:
                object.__setattr__(self, "published_at", None)
        if self.published_at is not None and self.published_at < EARLIEST_POST_TIME:
            object.__setattr__(self, "published_at", None)  # unknown, shown at its fetch time


def plausible_time(
    when: datetime.datetime | None, now: datetime.datetime
) -> datetime.datetime | None:
    """`when`, or None (unknown) for a time no post can have: before EARLIEST_POST_TIME or
    more than CLOCK_AHEAD past `now`. (A post dated a little ahead is stored at the time
    it was fetched: services._not_after.)"""
    if when is None or when < EARLIEST_POST_TIME or when - now > CLOCK_AHEAD:
        return None
    return when


def _kept_text(text: str) -> str:
    """`text`, or its first MAX_POST_TEXT characters and "…" when it is longer."""
    return text if len(text) <= MAX_POST_TEXT else text[:MAX_POST_TEXT] + "…"


def storable_text(value: str) -> str:
    """`value` without NUL characters, a lone surrogate replaced by "?"."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


@dataclass
class FetchResult:
    posts: list[FetchedPost] = field(default_factory=list)
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    cursor: str = ""
    # items of a JSON source that could not be read (a null, a number for a text): skipped,
    # so one odd item does not lose the others (see unreadable_items_note)
    skipped: int = 0
    # items of a long feed beyond MAX_POSTS_PER_RUN, the oldest: not read at all
    left_out: int = 0
    # posts read again to see edits (Mastodon's newest page), not new by the cursor: stored
    # like `posts`, a changed one classified again
    recent: list[FetchedPost] = field(default_factory=list)


def unreadable_items_note(skipped: int) -> str:
    """What a successful run records about the items it skipped ("" for none)."""
    return f"{skipped} unreadable item(s) skipped" if skipped else ""


class FetchError(Exception):
    """A fetch failed. `retryable` says whether trying again later may help."""

    retryable = True


class NotModified(Exception):  # noqa: N818 - a result, not an error
    pass


class AuthError(FetchError):
    """401/403: the source refuses us; a person must look at it."""

    retryable = False


class RateLimited(FetchError):
    def __init__(self, message: str, retry_after: int | None):
        super().__init__(message)
        self.retry_after = retry_after


class MalformedFeed(FetchError):
    """The response could not be read safely; trying again soon will not help."""

    retryable = False
