"""The one HTTP client every source uses: timeouts, conditional GET, a size cap.

A hostile feed host gets no further: the size cap holds for the unpacked body too (gzip
and deflate are unpacked here, never past it), the whole request has a deadline
(DeadlineStream: a byte now and then does not keep it alive), and an https source is never
followed to plain http.

Status codes become results or errors the pipeline understands:
304 -> NotModified; 401/403 -> AuthError; 429 -> RateLimited (with Retry-After);
other 4xx/5xx and network trouble -> FetchError (retryable).

No request reaches an internal address (SSRF, issue 10): every TCP connection, on every
redirect hop, resolves the host and refuses loopback, private, link-local, multicast,
reserved and unspecified addresses (IPv4 and IPv6, also when embedded in IPv6), and
connects to the address it checked, so a DNS answer cannot change in between. Hosts named
in MONITORING_ALLOW_PRIVATE_HOSTS (tests, intranet feeds) are exempt. A refused fetch
stores only "adres niet toegestaan", never what an internal host answered.
"""

import datetime
import email.utils
import ipaddress
import json as jsonlib
import socket
import time
import zlib
from dataclasses import dataclass

import httpcore
import httpx
from django.conf import settings

from monitoring.sources.base import (
    LINK_SCHEMES,
    AuthError,
    FetchError,
    MalformedFeed,
    NotModified,
    RateLimited,
)

MAX_REDIRECTS = 5
# Content-Encoding -> zlib's wbits; the portal unpacks these itself, never past the cap.
ZLIB_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
ACCEPT_ENCODING = "gzip, deflate"
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressNotAllowed(FetchError):
    """The host resolves to an address the portal must not reach."""

    retryable = False

    def __init__(self):
        super().__init__("adres niet toegestaan")


class InsecureRedirect(FetchError):
    """An https source redirects to plain http: anyone on the way could change what the
    portal reads. A setting of the source, so trying again will not help."""

    retryable = False

    def __init__(self):
        super().__init__("redirect from https to http refused")


class InvalidAddress(FetchError):
    """The address (or a redirect's) names a host no client can ask for (a character
    IDNA does not allow): the address needs a look, trying again will not help."""

    retryable = False

    def __init__(self):
        super().__init__("invalid address")


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str = ""  # where the body came from, after redirects

    def json(self):
        try:
            return jsonlib.loads(self.content)
        except ValueError as exc:
            raise MalformedFeed("response is not valid JSON") from exc


def user_agent() -> str:
    return getattr(settings, "MONITORING_USER_AGENT", "OPO-Portal-monitoring/1.0")


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(getattr(settings, "MONITORING_HTTP_TIMEOUT", 10.0))


def _total_seconds() -> float:
    """The whole request, redirects, headers and body included (DeadlineStream)."""
    return getattr(settings, "MONITORING_HTTP_TOTAL_SECONDS", 60)


def _max_bytes() -> int:
    return getattr(settings, "MONITORING_MAX_RESPONSE_BYTES", 5 * 1024 * 1024)


def _allowed_private_hosts() -> set[str]:
    entries = getattr(settings, "MONITORING_ALLOW_PRIVATE_HOSTS", [])
    return {_normal_host(entry) for entry in entries if entry.strip()}


def _normal_host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    """True for an address on the public internet; False for anything internal or special."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    special = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )
    return ip.is_global and not special


def _literal_address(host: str) -> str | None:
    """The address a host written as one means; None for a name. (Django's URLValidator
    refuses the other spellings a resolver reads, such as 127.1 or 2130706433.)"""
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


def internal_host(host: str, *, resolve: bool) -> bool:
    """Whether a host staff typed lies on a network the portal must not reach (the same
    rule the fetcher applies on every connection): an internal address in any spelling,
    localhost, and with `resolve` a name that resolves to one. A name that does not
    resolve now is left to the fetch, which says so."""
    allowed = _allowed_private_hosts()
    if _normal_host(host) in allowed:
        return False
    address = _literal_address(host)
    if address is not None:
        return not is_public_address(address)
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    if not resolve:
        return False
    try:
        addresses = _resolve(name, 443)
    except httpcore.ConnectError:
        return False
    return any(_normal_host(a) not in allowed and not is_public_address(a) for a in addresses)


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve host: {exc.__class__.__name__}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by `deadline`
    (time.monotonic()): the timeout holds per read, and a server sending a byte now and
    then, of its headers or its body, would otherwise hold the worker for hours."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream, self._deadline = stream, deadline

    def _within(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error(f"no complete response within {_total_seconds()} s")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes, timeout=None):
        return self._stream.read(max_bytes, self._within(timeout, httpcore.ReadTimeout))

    def write(self, buffer, timeout=None):
        self._stream.write(buffer, self._within(timeout, httpcore.WriteTimeout))

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        timeout = self._within(timeout, httpcore.ConnectTimeout)
        stream = self._stream.start_tls(ssl_context, server_hostname, timeout)
        return DeadlineStream(stream, self._deadline)

    def close(self):
        self._stream.close()

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Checks every address before connecting, and connects to exactly that address;
    the connection ends by `deadline`."""

    def __init__(self, deadline: float):
        self._deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return DeadlineStream(
            self._connect(host, port, timeout, local_address, socket_options), self._deadline
        )

    def _connect(self, host, port, timeout, local_address, socket_options):
        allowed = _allowed_private_hosts()
        if _normal_host(host) in allowed:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        addresses = _resolve(host, port)
        for address in addresses:
            if _normal_host(address) not in allowed and not is_public_address(address):
                raise AddressNotAllowed()
        # Only the host name was checked against the allow-list above; TLS (SNI and the
        # certificate) still uses the name from the URL, not this address.
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, deadline: float):
        super().__init__(retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=GuardedBackend(deadline),
            retries=0,
        )


# A server asking for a longer wait gets this: a larger one overflowed the next-run time.
MAX_RETRY_AFTER = 7 * 24 * 3600


def parse_retry_after(value: str | None, now: datetime.datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date, at most a
    week), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(int(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    now = now or datetime.datetime.now(datetime.UTC)
    return min(max(0, int((when - now).total_seconds())), MAX_RETRY_AFTER)


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
    all_headers = {
        "User-Agent": user_agent(),
        "Accept-Encoding": ACCEPT_ENCODING,
        **(headers or {}),
    }
    if _sendable(etag):
        all_headers["If-None-Match"] = etag
    if _sendable(last_modified):
        all_headers["If-Modified-Since"] = last_modified
    try:
        with _client() as client:
            req = client.build_request(method, url, params=params, headers=all_headers, json=json)
            result = _send_following_redirects(client, req)
    except (httpx.InvalidURL, UnicodeError) as exc:  # idna's errors are UnicodeErrors
        raise InvalidAddress() from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"timeout: {exc.__class__.__name__}") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"network error: {exc.__class__.__name__}") from exc
    _raise_for_status(result)
    return result


def _sendable(validator: str) -> bool:
    """A server's ETag or Last-Modified as a request header takes ASCII only: one with
    another byte was stored, and then failed every later run before anything was asked."""
    return bool(validator) and validator.isascii()


def _client() -> httpx.Client:
    """A client for one request, its redirects included, which ends by the deadline.
    trust_env=False: no proxy from the environment may carry a request past the guard."""
    transport = GuardedTransport(deadline=time.monotonic() + _total_seconds())
    return httpx.Client(
        timeout=_timeout(), follow_redirects=False, transport=transport, trust_env=False
    )


def _send_following_redirects(client: httpx.Client, req: httpx.Request) -> Response:
    """Follow redirects one hop at a time: each hop connects through the guard again."""
    for _hop in range(MAX_REDIRECTS + 1):
        if req.url.scheme not in LINK_SCHEMES:
            raise AddressNotAllowed()
        resp = client.send(req, stream=True)
        try:
            if not (resp.is_redirect and resp.next_request):
                return _read(resp)
            _refuse_downgrade(req, resp.next_request)
            req = resp.next_request
        finally:
            resp.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _refuse_downgrade(req: httpx.Request, next_req: httpx.Request) -> None:
    if req.url.scheme == "https" and next_req.url.scheme != "https":
        raise InsecureRedirect()


def _read(resp: httpx.Response) -> Response:
    """The body as sent (raw, up to the cap), then unpacked layer by layer, each layer
    up to the cap too: httpx would unpack a whole network chunk at once, and a gzip "bomb"
    of a few kilobytes unpacks to gigabytes."""
    body = bytearray()
    for chunk in resp.iter_raw():
        body.extend(chunk)
        if len(body) > _max_bytes():
            raise _too_large()
    content = bytes(body)
    for coding in reversed(_content_codings(resp.headers)):
        content = _unpacked(content, coding)
    return Response(resp.status_code, resp.headers, content, str(resp.url))


def _too_large() -> FetchError:
    return FetchError(f"response larger than {_max_bytes()} bytes")


def _content_codings(headers: httpx.Headers) -> list[str]:
    codings = ",".join(headers.get_list("Content-Encoding")).lower().split(",")
    return [coding.strip() for coding in codings if coding.strip() not in ("", "identity")]


def _unpacked(content: bytes, coding: str) -> bytes:
    wbits = ZLIB_WBITS.get(coding)
    if wbits is None:
        raise MalformedFeed(f"unexpected content encoding: {coding[:20]}")
    try:
        unpacked = _unpack(content, wbits)
    except zlib.error:
        if coding != "deflate":
            raise MalformedFeed("unexpected compressed data") from None
        try:  # some servers send "deflate" without the zlib header, as httpx allows
            unpacked = _unpack(content, -zlib.MAX_WBITS)
        except zlib.error:
            raise MalformedFeed("unexpected compressed data") from None
    if len(unpacked) > _max_bytes():
        raise _too_large()
    return unpacked


def _unpack(content: bytes, wbits: int) -> bytes:
    """At most one byte past the cap: enough to tell that the body is too large."""
    return zlib.decompressobj(wbits).decompress(content, _max_bytes() + 1)


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
