"""The journeys' own checks must be able to fail: prove each one catches what it guards."""

import pytest

from opo_portal.tests.e2e_support import DESKTOP

pytestmark = pytest.mark.e2e


def test_it_catches_an_accessibility_violation(open_browser, db):
    browser = open_browser(DESKTOP, "harness")
    browser.open("/protocol/")
    browser.driver.execute_script(
        "document.querySelector('main').append(document.createElement('input'));"
    )
    with pytest.raises(AssertionError, match="label"):
        browser.assert_no_axe_violations("unlabelled input")


def test_it_catches_a_request_to_another_host(open_browser, db):
    browser = open_browser(DESKTOP, "harness")
    # The CSP would block the image before any request; this test is about the host check.
    browser.driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
    browser.open("/protocol/")
    # 127.0.0.2 is another host on this machine: nothing leaves it.
    browser.driver.execute_script("new Image().src = 'http://127.0.0.2:9/pixel.png';")
    with pytest.raises(AssertionError, match="127.0.0.2"):
        browser.assert_only_own_host("third-party image")
    browser.requested_urls.clear()  # keep the fixture's end-of-journey check for real pages
    browser.open("/protocol/")


def test_it_catches_a_focus_ring_that_is_not_shown(open_browser, db):
    browser = open_browser(DESKTOP, "harness")
    browser.driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})  # inline <style>
    browser.open("/protocol/")
    browser.driver.execute_script(
        "const s = document.createElement('style');"
        "s.textContent = ':focus-visible { outline: none !important; }';"
        "document.head.append(s);"
    )
    with pytest.raises(AssertionError, match="no visible focus ring"):
        browser.tab_to("a.brand")


def test_it_catches_a_csp_violation(open_browser, db):
    """Issue 10: pages run under the CSP, and an inline script shows up as a console error."""
    browser = open_browser(DESKTOP, "harness")
    browser.open("/protocol/")
    browser.assert_csp_enforced("protocol")
    browser.driver.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.inlineRan = true;';"
        "document.body.append(s);"
    )
    assert browser.driver.execute_script("return window.inlineRan === true") is False
    with pytest.raises(AssertionError, match="Content Security Policy"):
        browser.assert_no_console_errors("inline script")
