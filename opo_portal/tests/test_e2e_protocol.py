"""Browser journey: anyone reads the protocol, in Dutch or in English."""

import pytest

from opo_portal.tests.e2e_support import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_shows_the_protocol_to_anyone(open_browser, db, size):
    browser = open_browser(size, f"protocol-{'phone' if size == PHONE else 'desktop'}")
    browser.open("/protocol/")
    browser.check_page("protocol")
    assert browser.find("html").get_attribute("lang") == "nl"
    assert "Social media" in browser.find("h1").text or "protocol" in browser.find("h1").text


def test_it_switches_the_protocol_to_english(open_browser, db):
    browser = open_browser(DESKTOP, "protocol-english")
    browser.open("/protocol/")
    browser.find(".lang-switch button[value=en]").click()
    browser.wait_for_path("/protocol/")
    browser.check_page("protocol-en")
    assert browser.find("html").get_attribute("lang") == "en"
    assert browser.find(".lang-switch button[value=nl]").text == "Nederlands"
