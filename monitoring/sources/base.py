"""What every source returns, and the ways a fetch can fail."""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FetchedPost:
    external_id: str
    text: str
    url: str = ""
    author_handle: str = ""
    has_media: bool = False
    published_at: datetime.datetime | None = None


@dataclass
class FetchResult:
    posts: list[FetchedPost] = field(default_factory=list)
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    cursor: str = ""


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
