"""A form too large or with too many fields or files is the user's paste, not a server
error: the portal's console handler (settings.LOGGING) writes it as a warning at most, in one line,
and sentry-sdk (ops.errors.init_sentry, its real transport against a local server) sends
no report, also on an upload page out of reach, whose 404 page's CSRF check reads the
body and Django's error signal fires (opo_portal.middleware.server_error)."""

import logging

import pytest
import sentry_sdk
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ops.tests.test_errors import events, sentry_capture  # noqa: F401 (a fixture)
from policy import services as policy_services

pytestmark = pytest.mark.django_db


class Records(logging.Handler):
    """Every record the portal's loggers pass on, as the console handler then writes it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def written():
    """A function: the (level, line) the console handler of settings.LOGGING wrote so far.
    Its filters run on each record (a filter may lower a level) as the handler runs them."""
    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    records = Records()
    logging.getLogger().addHandler(records)

    def lines() -> list[tuple[str, str]]:
        return [
            (record.levelname, console.format(record))
            for record in records.records
            if console.filter(record)
        ]

    yield lines
    logging.getLogger().removeHandler(records)


def _errors(lines) -> list[str]:
    return [line for level, line in lines if level not in ("DEBUG", "INFO", "WARNING")]


def _files(n: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"f{i}.csv", b"a;b\r\n") for i in range(n)]


def _body(too_much: str) -> dict:
    """A body over one of the limits the tests set: 1024 bytes, 10 fields, 3 files."""
    if too_much == "text":
        return {"summary": "x" * 5000}
    if too_much == "fields":
        return {f"v{i}": "x" for i in range(20)}
    return {"file": _files(5)}


def _limits(settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3


def _browser(user) -> Client:
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies["csrftoken"] = "a" * 32
    browser.force_login(user)
    return browser


@pytest.mark.parametrize("too_much", ["text", "fields", "files"])
def test_a_form_too_large_is_no_error_and_no_report(
    sentry_capture,  # noqa: F811
    written,
    board,
    settings,
    too_much,
):
    settings.DEBUG = False
    _limits(settings)
    draft = policy_services.version_draft_start(by=board)
    url = reverse("policy:draft_edit", args=[draft.number])

    response = _browser(board).post(url, {"csrfmiddlewaretoken": "a" * 32, **_body(too_much)})

    assert response.status_code == 400
    assert _errors(written()) == []
    assert len([line for level, line in written() if level == "WARNING"]) == 1
    assert all("\n" not in line for _level, line in written())
    sentry_sdk.flush(timeout=5)
    assert events(sentry_capture) == []


@pytest.mark.parametrize("too_much", ["text", "fields", "files"])
@pytest.mark.parametrize(("url", "user"), [("/scholen/import/", "parent_a"), ("/foto/", "board")])
def test_an_upload_page_out_of_reach_reports_no_error_either(
    request,
    sentry_capture,  # noqa: F811
    written,
    settings,
    url,
    user,
    too_much,
):
    settings.DEBUG = False
    _limits(settings)

    response = _browser(request.getfixturevalue(user)).post(url, _body(too_much))

    assert response.status_code == 400
    assert _errors(written()) == []
    sentry_sdk.flush(timeout=5)
    assert events(sentry_capture) == []


def test_before_send_drops_only_a_users_too_large_form():
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    from ops.errors import scrub_event

    for error in (RequestDataTooBig("big"), TooManyFieldsSent("many"), TooManyFilesSent("f")):
        event = {"exception": {"values": [{"type": type(error).__name__}]}}
        assert scrub_event(event, {"exc_info": (type(error), error, None)}) is None
        assert scrub_event(event, {}) is None  # no exc_info: by the event's own type
    kept = {"exception": {"values": [{"type": "ValueError", "value": "x"}]}}
    error = ValueError("x")
    assert scrub_event(kept, {"exc_info": (ValueError, error, None)}) is kept
