"""Browser journey: a parent on a phone, keyboard only."""

import pytest
from selenium.webdriver.common.keys import Keys

from opo_portal.tests.e2e_support import PHONE, Browser, latest_login_code

pytestmark = pytest.mark.e2e


def log_in_by_code_with_keyboard(browser: Browser, user) -> None:
    """Request an e-mailed sign-in code and enter it, using only Tab, typing and Enter."""
    browser.open("/accounts/login/")
    browser.check_page("login")
    browser.tab_to("a[href$='/accounts/login/code/']")
    browser.press(Keys.ENTER)
    browser.wait_for_path("/accounts/login/code/")
    browser.check_page("request-code")
    browser.tab_to("input[name=email]")
    browser.type_text(user.email)
    browser.press(Keys.ENTER)
    browser.wait_for_path("/accounts/login/code/confirm/")
    browser.check_page("enter-code")
    browser.tab_to("input[name=code]")
    browser.type_text(latest_login_code(user.email))
    browser.press(Keys.ENTER)


def test_it_logs_a_parent_in_by_emailed_code_with_the_keyboard_on_a_phone(
    open_browser, parent_a, verified_email
):
    verified_email(parent_a)
    browser = open_browser(PHONE, "parent")

    log_in_by_code_with_keyboard(browser, parent_a)

    browser.wait_for_path("/start/ouder/")
    browser.check_page("home")
    assert "Sem Bakker" in browser.text()
    assert "OBS De Vlindertuin" in browser.text()


def test_it_offers_a_skip_link_as_the_first_tab_stop(open_browser, parent_a):
    browser = open_browser(PHONE)
    browser.driver.get(browser.base_url + "/accounts/login/")
    skip = browser.tab_to(".skip-link", max_steps=1)
    assert skip.get_attribute("href").endswith("#main")
    browser.press(Keys.ENTER)
    assert browser.focused.get_attribute("id") == "main"
