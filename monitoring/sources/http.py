"""The one HTTP client every source uses: timeouts, conditional GET, a size cap.

Status codes become results or errors the pipeline understands:
304 -> NotModified; 401/403 -> AuthError; 429 -> RateLimited (with Retry-After);
other 4xx/5xx and network trouble -> FetchError (retryable).
"""

import datetime
import email.utils
import json as jsonlib
from dataclasses import dataclass

import httpx
from django.conf import settings

from monitoring.sources.base import AuthError, FetchError, MalformedFeed, NotModified, RateLimited


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: httpx.Headers
    content: bytes

    def json(self):
        try:
            return jsonlib.loads(self.content)
        except ValueError as exc:
            raise MalformedFeed("response is not valid JSON") from exc


def user_agent() -> str:
    return getattr(settings, "MONITORING_USER_AGENT", "OPO-Portal-monitoring/1.0")


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(getattr(settings, "MONITORING_HTTP_TIMEOUT", 10.0))


def _max_bytes() -> int:
    return getattr(settings, "MONITORING_MAX_RESPONSE_BYTES", 5 * 1024 * 1024)


def parse_retry_after(value: str | None, now: datetime.datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    now = now or datetime.datetime.now(datetime.UTC)
    return max(0, int((when - now).total_seconds()))


def request(
    method: str,
    url: str,
    *,
    params: dict | None = None,
    headers: dict | None = None,
    json: dict | None = None,
    etag: str = "",
    last_modified: str = "",
) -> Response:
    """Send one request; the response body is read in full (up to the size cap)."""
    all_headers = {"User-Agent": user_agent(), **(headers or {})}
    if etag:
        all_headers["If-None-Match"] = etag
    if last_modified:
        all_headers["If-Modified-Since"] = last_modified
    try:
        client = httpx.Client(timeout=_timeout(), follow_redirects=True, max_redirects=5)
        stream = client.stream(method, url, params=params, headers=all_headers, json=json)
        with client, stream as resp:
            body = bytearray()
            for chunk in resp.iter_bytes():
                body.extend(chunk)
                if len(body) > _max_bytes():
                    raise FetchError(f"response larger than {_max_bytes()} bytes")
            result = Response(resp.status_code, resp.headers, bytes(body))
    except httpx.TimeoutException as exc:
        raise FetchError(f"timeout: {exc.__class__.__name__}") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"network error: {exc.__class__.__name__}") from exc
    _raise_for_status(result)
    return result


def get(url: str, **kwargs) -> Response:
    return request("GET", url, **kwargs)


def _raise_for_status(resp: Response) -> None:
    status = resp.status_code
    if status == 304:
        raise NotModified()
    if status in (401, 403):
        raise AuthError(f"HTTP {status}")
    if status == 429:
        raise RateLimited("HTTP 429", parse_retry_after(resp.headers.get("Retry-After")))
    if status >= 400:
        raise FetchError(f"HTTP {status}")
