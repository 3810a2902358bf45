"""Optional error reporting through sentry-sdk (SENTRY_DSN), with personal data removed.

What leaves the machine: exception types and stack frames (file, function, line; no local
variables), the request's method and path, the user's id, release and environment. Never:
exception messages or log parameters (they can hold a name), request bodies, cookies,
query strings, headers other than a few technical ones, e-mail addresses, SQL parameters,
cache keys (a rate limit's holds the client's IP address).
"""

import re

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

from ops.access_log import without_secrets

EMAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[A-Za-z]{2,}")
KEPT_HEADERS = {"Host", "Content-Type", "Content-Length", "X-Forwarded-Proto"}
REMOVED = "[removed]"


def _scrub_text(value):
    return EMAIL.sub(REMOVED, value) if isinstance(value, str) else value


def _scrub_request(request: dict) -> dict:
    headers = request.get("headers") or {}
    return {
        "method": request.get("method"),
        "url": _scrub_text(without_secrets(url) if (url := request.get("url")) else url),
        "headers": {k: v for k, v in headers.items() if k in KEPT_HEADERS},
    }


def _scrub_exceptions(event: dict) -> None:
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = REMOVED
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def _scrub_crumb_message(crumb: dict) -> None:
    category, message = crumb.get("category"), crumb.get("message")
    if category == "redis" and isinstance(message, str):
        # the command without its key: a rate limit's key holds the client's IP address
        crumb["message"] = message.split(" ", 1)[0]
    elif category != "query":  # SQL keeps placeholders, never parameters
        crumb["message"] = _scrub_text(message)


def _scrub_breadcrumbs(event: dict) -> None:
    crumbs = event.get("breadcrumbs") or {}
    values = crumbs.get("values") if isinstance(crumbs, dict) else crumbs
    for crumb in values or []:
        crumb.pop("data", None)
        _scrub_crumb_message(crumb)


# A body over DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS or
# DATA_UPLOAD_MAX_NUMBER_FILES: someone's too large paste, too long list or too many files,
# told on its 400 page (accounts.views.bad_request), never a server error. Django logs it
# on django.security.* (a warning in our log, ops.logs.SuspiciousRequestsAsWarnings); but
# when an error page's CSRF check is the first to read it (an upload page out of reach
# answering 404), Django sends its error signal, and sentry-sdk reported it as a failure.
USER_ERRORS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _users_error(event: dict, hint: dict | None) -> bool:
    exc_info = (hint or {}).get("exc_info")
    if exc_info and exc_info[1] is not None:
        return isinstance(exc_info[1], USER_ERRORS)
    values = (event.get("exception") or {}).get("values") or []
    names = {error.__name__ for error in USER_ERRORS}
    return bool(values) and values[-1].get("type") in names


def scrub_event(event: dict, hint: dict | None = None) -> dict | None:
    """sentry-sdk before_send: strip everything that may name a pupil, parent or address.
    A form too large or with too many fields or files is dropped: not a server error."""
    if _users_error(event, hint):
        return None
    if "request" in event:
        event["request"] = _scrub_request(event["request"])
    if event.get("user"):
        event["user"] = {"id": event["user"].get("id")}
    logentry = event.get("logentry") or event.get("message")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry.pop("formatted", None)
        logentry["message"] = _scrub_text(logentry.get("message"))
    elif isinstance(logentry, str):
        event["message"] = _scrub_text(logentry)
    event.pop("extra", None)
    _scrub_exceptions(event)
    _scrub_breadcrumbs(event)
    return event


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    """sentry-sdk before_breadcrumb: a log line keeps its format string, not its values."""
    record = (hint or {}).get("log_record")
    if record is not None:
        crumb["message"] = _scrub_text(str(record.msg))
    else:
        _scrub_crumb_message(crumb)
    crumb.pop("data", None)
    return crumb


def init_sentry(*, dsn: str, environment: str, release: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    _check_dsn(dsn)
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        include_local_variables=False,  # personal data is off by default (no send_default_pii)
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=scrub_event,  # type: ignore[arg-type]  # sentry-sdk types an event as a TypedDict
        before_breadcrumb=scrub_breadcrumb,
        default_integrations=True,
    )


def _check_dsn(dsn: str) -> None:
    """sentry_sdk's BadDsn, raised while the settings are read, was a traceback from every
    process: one line instead. Its reasons never quote the DSN (which holds the key)."""
    from django.core.exceptions import ImproperlyConfigured
    from sentry_sdk.utils import BadDsn, Dsn

    try:
        Dsn(dsn)
    except (BadDsn, ValueError) as error:  # ValueError: a port that is not a number
        raise ImproperlyConfigured(
            f"SENTRY_DSN is not a Sentry DSN, as in https://key@sentry.example.org/1 ({error})"
        ) from None
