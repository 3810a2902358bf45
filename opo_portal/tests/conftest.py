"""Fixtures for the browser journeys (test_e2e_*.py); helpers live in e2e_support.py."""

import pytest
from allauth.account.models import EmailAddress

from opo_portal.tests.e2e_support import Browser, start_browser, stop_browser


@pytest.fixture
def open_browser(live_server, request):
    """open_browser(size) -> a fresh headless Chromium on the live server.

    Screenshots are named after the test. At the end every request the browser made is
    checked once more against the live server's host.
    """
    browsers: list[Browser] = []
    journey = request.node.name.removeprefix("test_it_").replace("_", "-")

    def _open(size: tuple[int, int], name: str = "") -> Browser:
        browser = start_browser(live_server.url, name or journey, size)
        browsers.append(browser)
        return browser

    yield _open
    try:
        for browser in browsers:
            browser.assert_only_own_host("(whole journey)")
    finally:
        for browser in browsers:
            stop_browser(browser)


@pytest.fixture
def verified_email():
    """Mark a user's address verified, as allauth needs for login by e-mailed code."""

    def _verify(user):
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        return user

    return _verify
