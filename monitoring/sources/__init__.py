"""Fetching public posts: one module per kind of source, one HTTP client for all."""

from monitoring.sources import bluesky, feeds, mastodon
from monitoring.sources.base import FetchResult

FETCHERS = {"rss": feeds.fetch, "mastodon": mastodon.fetch, "bluesky": bluesky.fetch}


def fetch(source) -> FetchResult:
    """Fetch one source; raises a FetchError subclass when it fails."""
    return FETCHERS[source.kind](source)
