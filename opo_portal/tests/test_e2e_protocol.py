"""Browser journeys: anyone reads the protocol; staff confirm that they read it."""

import pytest

from opo_portal.tests.e2e_support import DESKTOP, PHONE, log_in_with_password_and_totp
from policy.models import Acknowledgement

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_shows_the_protocol_to_anyone(open_browser, db, size):
    browser = open_browser(size, f"protocol-{'phone' if size == PHONE else 'desktop'}")
    browser.open("/protocol/")
    browser.check_page("protocol")
    assert browser.find("html").get_attribute("lang") == "nl"
    text = browser.find("main").text
    assert "PROFILEREN" in text and "COMMUNICEREN" in text
    assert browser.find_all("a[href^='/accounts/login/']")  # log in to confirm


def test_it_switches_the_protocol_to_english(open_browser, db):
    browser = open_browser(DESKTOP, "protocol-english")
    browser.open("/protocol/")
    browser.submit(".lang-switch button[value=en]")
    browser.wait_for_path("/protocol/")
    browser.check_page("protocol-en")
    assert browser.find("html").get_attribute("lang") == "en"
    assert browser.find(".lang-switch button[value=nl]").text == "Nederlands"


def test_it_lets_staff_confirm_that_they_read_the_protocol(open_browser, teacher_a, verified_email):
    browser = open_browser(DESKTOP, "protocol-confirm")
    log_in_with_password_and_totp(browser, verified_email(teacher_a))
    browser.wait_for_path("/start/leerkracht/")
    banner = browser.find(".banner a[href='/protocol/#bevestigen']")
    with browser.new_page():
        banner.click()
    browser.wait_for_path("/protocol/")
    browser.check_page("protocol-to-confirm")

    browser.submit("form[action='/protocol/bevestigen/'] button[type=submit]")
    browser.wait_for_path("/protocol/")
    browser.check_page("protocol-confirmed")
    assert Acknowledgement.objects.filter(user=teacher_a, version__number=1).exists()
    assert browser.find("#bevestigen .status-yes").text.startswith("✓")
    assert not browser.find_all(".banner")
