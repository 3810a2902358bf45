"""Middleware of the project as a whole.

ServiceUnavailableMiddleware: a queue or cache outage that reaches a view becomes a Dutch
"try again" page, never a 500. `server_error` (handler500) gives the same page for an
outage that ends a request anywhere else, the database's included.

CSPMiddleware: django-csp's, with the policy header built once instead of on every response.

FormMethodsMiddleware: the portal's pages and forms use GET, HEAD and POST only; any other
method is a 405 before a view runs (function views rendered their GET page for a DELETE).

ReadableFormMiddleware: a form body that is not UTF-8 is a 400 before a view reads it.
"""

import logging
import sys
from urllib.parse import unquote_to_bytes

from csp import middleware as csp_middleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db import InterfaceError
from django.db import OperationalError as DatabaseUnreachable
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.views import defaults
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
OUTAGES = (RedisError, OperationalError)
# Errors of a database that cannot be reached or dropped the connection (a restart, a
# failover): also outages, but only in handler500, after Django has logged them as errors.
DATABASE_OUTAGES = (DatabaseUnreachable, InterfaceError)


def service_unavailable() -> HttpResponse:
    """The Dutch "try again in a minute" page: 503 with Retry-After."""
    body = render_to_string("service_unavailable.html", request=None)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: the "try again" page (503) when the request failed on an outage of
    PostgreSQL, Redis or the broker, anywhere (middleware included); Django's 500 page
    for everything else. Django has logged the error by then, and error reports have it.

    A form too large (RequestDataTooBig), with too many fields (TooManyFieldsSent) or
    files (TooManyFilesSent) gets its 400 page here too: a view that takes a
    file skips the CSRF check until it has set its upload handler (the photo check, the
    pupil import), so when it answers 404 or 403 first, the error page's own CSRF check
    is the first to read the body, and Django turns that handler's failure into a 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGES + DATABASE_OUTAGES):
        return service_unavailable()
    if isinstance(error, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        from accounts.views import bad_request  # accounts' views import much of the portal

        return bad_request(request, error)
    return defaults.server_error(request)


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OUTAGES):
            return None
        log.warning("service unavailable on %s: %s", request.path, type(exception).__name__)
        return service_unavailable()


FORM_METHODS = ("GET", "HEAD", "POST")


def form_body_is_utf8(body: bytes) -> bool:
    """Whether a form-urlencoded body (or query string), percent-decoded, is UTF-8 (lone
    surrogates are not)."""
    try:
        unquote_to_bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class ReadableFormMiddleware:
    """Django reads a form body that is not UTF-8 with "\ufffd" for each bad byte, and
    a view would save that text as sent: refused as a 400 ("nothing was changed") instead.
    Browsers send UTF-8; multipart bodies (photo, pupil import) are read by their forms.
    A query string that is not UTF-8 is refused likewise, whatever the method: search
    boxes showed "��" and searched for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not form_body_is_utf8(get_bytes_from_wsgi(request.environ, "QUERY_STRING", "")):
            raise BadRequest("query string is not UTF-8")
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and not form_body_is_utf8(request.body)
        ):
            raise BadRequest("form body is not UTF-8")
        return self.get_response(request)


class FormMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in FORM_METHODS:
            return HttpResponseNotAllowed(FORM_METHODS)
        return self.get_response(request)


# Response attributes set by django-csp's decorators (a per-view policy, or none at all).
PER_RESPONSE_POLICY = tuple(
    f"_csp_{part}{ro}" for part in ("config", "update", "replace", "exempt") for ro in ("", "_ro")
)


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """The same headers as django-csp, without rebuilding them from the settings per response.

    Building took about a fifth of the CPU of a bare request. Our pages use neither a nonce
    nor a per-view policy; a response that does (or a DEBUG error page) goes through
    django-csp unchanged.
    """

    # id(setting's dict) -> (the dict, its header); keyed per dict so that overridden settings
    # (tests) get their own header. Holding the dict keeps its id from being reused.
    _built: dict[int, tuple[dict, str]] = {}

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in PER_RESPONSE_POLICY)
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        for header, setting, report_only in (
            (csp_middleware.HEADER, "CONTENT_SECURITY_POLICY", False),
            (csp_middleware.HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
        ):
            policy = getattr(settings, setting, None)
            if not policy:
                continue
            value = self._header(policy, report_only)
            prefixes = tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
            if value and header not in response and not request.path_info.startswith(prefixes):
                response[header] = value
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _header(self, policy: dict, report_only: bool) -> str:
        built = self._built.get(id(policy))
        if built is None or built[0] is not policy:
            built = self._built[id(policy)] = (policy, build_policy(report_only=report_only))
        return built[1]
