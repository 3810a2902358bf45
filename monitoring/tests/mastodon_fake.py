"""A Mastodon tag timeline served by the local test server, paged like Mastodon pages it.

Statuses are the recorded fixtures (mastodon_page1/page2/newer.json), plus generated copies
of a recorded status for bursts. Newest first; `max_id`, `since_id` and `min_id` as in the
Mastodon API; a server-side page cap (`server_limit`) below the 40 asked for, as some
servers have; `Link` headers with rel="next" (older) and rel="prev" (newer).
"""

import copy
import json
from urllib.parse import urlencode

from monitoring.tests.conftest import fixture_bytes

PATH = "/api/v1/timelines/tag/vlindertuin"


def recorded_statuses() -> list[dict]:
    names = ("mastodon_newer.json", "mastodon_page1.json", "mastodon_page2.json")
    return [s for name in names for s in json.loads(fixture_bytes(name))]


def _key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)


class MastodonTimeline:
    def __init__(self, statuses=None, server_limit: int = 40, link_host: str = ""):
        self.statuses = sorted(statuses or [], key=lambda s: _key(s["id"]), reverse=True)
        self.server_limit = server_limit
        self.link_host = link_host  # only to test that foreign links are not followed

    def publish(self, count: int, first_id: int) -> list[str]:
        """`count` new statuses (copies of a recorded one) with ids from first_id upwards."""
        template = recorded_statuses()[0]
        ids = []
        for n in range(count):
            status = copy.deepcopy(template)
            status["id"] = str(first_id + n)
            status["content"] = f"<p>Burst {n} over #vlindertuin</p>"
            status["url"] = f"https://mastodon.test/@ouder/{status['id']}"
            self.statuses.insert(0, status)
            ids.append(status["id"])
        self.statuses.sort(key=lambda s: _key(s["id"]), reverse=True)
        return ids

    def __call__(self, request):
        query = request.query
        limit = min(int(query.get("limit", 20)), self.server_limit)
        rows = self.statuses
        if query.get("max_id"):
            rows = [s for s in rows if _key(s["id"]) < _key(query["max_id"])]
        if query.get("since_id"):
            rows = [s for s in rows if _key(s["id"]) > _key(query["since_id"])]
        if query.get("min_id"):
            newer = [s for s in rows if _key(s["id"]) > _key(query["min_id"])]
            page = list(reversed(list(reversed(newer))[:limit]))  # just after min_id
        else:
            page = rows[:limit]
        headers = {"Content-Type": "application/json"}
        if page:
            headers["Link"] = self._links(request, page)
        return 200, headers, json.dumps(page).encode()

    def _links(self, request, page) -> str:
        base = self.link_host or f"http://{request.headers['host']}"
        older = urlencode({"limit": request.query.get("limit", 20), "max_id": page[-1]["id"]})
        newer = urlencode({"limit": request.query.get("limit", 20), "min_id": page[0]["id"]})
        return f'<{base}{PATH}?{older}>; rel="next", <{base}{PATH}?{newer}>; rel="prev"'
