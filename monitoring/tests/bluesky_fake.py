"""A Bluesky author feed served by the local test server, paged like an AppView pages it.

Posts are copies of a recorded one (bluesky_author_feed.json). Each has two times: when
the server indexed it, and the `createdAt` its author's app wrote into the record, which
is the same time unless a test says otherwise (any app may write 2099 or 2001 there).
Newest first, at most 50 a page, paged by an opaque `cursor`.

Two AppViews. bsky.app's own (the default) sorts a post by, and sends as its `indexedAt`,
the earlier of the two times (its `sortAt`): a post dated 2099 sits at the time it was
indexed, a back-dated one sinks to the date it claims. A plain AppView
(`sorted_at=False`) sorts by and sends the indexing time, as the lexicon describes
`indexedAt`.
"""

import copy
import datetime
import json

from monitoring.tests.conftest import fixture_bytes

PATH = "/xrpc/app.bsky.feed.getAuthorFeed"
PROFILE_URL = "https://bsky.app/profile/ouder.bsky.social"
SERVER_PAGE_CAP = 50


def zulu(when: datetime.datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


class BlueskyFeed:
    def __init__(self, sorted_at: bool = True):
        self.sorted_at = sorted_at
        self.posts: list[dict] = []
        self.template = json.loads(fixture_bytes("bluesky_author_feed.json"))["feed"][0]

    def publish(
        self,
        count: int,
        start: datetime.datetime,
        created_at: datetime.datetime | None = None,
    ) -> list[str]:
        """`count` posts indexed a minute apart from `start`; each claims `created_at` if
        given, else the time it was indexed. Returns their URIs."""
        uris, base = [], len(self.posts)
        for n in range(count):
            indexed = start + datetime.timedelta(minutes=n)
            created = created_at or indexed
            item = copy.deepcopy(self.template)
            item["post"]["uri"] = f"at://did:plc:abc/app.bsky.feed.post/p{base + n}"
            item["post"]["record"]["createdAt"] = zulu(created)
            item["post"]["indexedAt"] = zulu(min(indexed, created) if self.sorted_at else indexed)
            uris.append(item["post"]["uri"])
            self.posts.append(item)
        self.posts.sort(key=lambda i: i["post"]["indexedAt"], reverse=True)
        return uris

    def __call__(self, request):
        offset = int(request.query.get("cursor") or 0)
        limit = min(int(request.query["limit"]), SERVER_PAGE_CAP)
        page = self.posts[offset : offset + limit]
        body = {"feed": page}
        if offset + limit < len(self.posts):
            body["cursor"] = str(offset + limit)
        return 200, {}, json.dumps(body).encode()


def serve_bluesky(feed_server, settings, sorted_at: bool = True) -> BlueskyFeed:
    settings.MONITORING_BLUESKY_APPVIEW = feed_server.url("/xrpc/")
    feed = BlueskyFeed(sorted_at=sorted_at)
    feed_server.route(PATH, handler=feed)
    return feed
