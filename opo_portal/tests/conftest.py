"""Fixtures for the browser journeys (test_e2e_*.py); helpers live in e2e_support.py."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import caches

from opo_portal.celery import app as celery_app
from opo_portal.tests.e2e_support import Browser, start_browser, stop_browser


@pytest.fixture
def e2e_portal(live_server, settings):
    """The live server as a person meets it: the seeded protocol and purposes are there
    (root conftest's `_seeded_after_flush`),
    Celery runs eagerly so a journey sees the outcome of its clicks without a worker, and
    the cache is this process's own, so rate limits and used TOTP codes never leak between
    runs through a shared Redis.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # LocMemCache keeps its entries per process, whatever instance reads them: the journeys
    # before this one left their login-code counts there (the root conftest forgets them in
    # the cache configured before this override), and the fourth code for parent_a's address
    # within a minute was refused when the journeys ran fast.
    caches["default"].clear()
    # With the CELERY namespace the writable key is the settings name (see test_celery.py).
    before = celery_app.conf.CELERY_TASK_ALWAYS_EAGER
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = True
    assert celery_app.conf.task_always_eager
    yield live_server
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = before


@pytest.fixture
def open_browser(e2e_portal, request):
    """open_browser(size) -> a fresh headless Chromium on the live server.

    Screenshots are named after the test. At the end every request the browser made is
    checked once more against the live server's host.
    """
    browsers: list[Browser] = []
    journey = request.node.name.removeprefix("test_it_").replace("_", "-")

    def _open(size: tuple[int, int], name: str = "") -> Browser:
        browser = start_browser(e2e_portal.url, name or journey, size)
        browsers.append(browser)
        return browser

    yield _open
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for browser in browsers:  # what the page looked like when the journey failed
            browser.screenshot("FAILED")
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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
