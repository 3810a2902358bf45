"""Browser journeys: a parent on a phone, keyboard only."""

import pytest
from selenium.webdriver.common.keys import Keys

from consent.models import ConsentEvent, Purpose
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


def latest_answer(pupil, purpose_code: str, media_type: str) -> bool | None:
    event = (
        ConsentEvent.objects.filter(pupil=pupil, purpose__code=purpose_code, media_type=media_type)
        .order_by("created_at", "pk")
        .last()
    )
    return None if event is None else event.granted


def test_it_logs_a_parent_in_by_emailed_code_with_the_keyboard_on_a_phone(
    open_browser, parent_a, verified_email
):
    verified_email(parent_a)
    browser = open_browser(PHONE, "parent-login")

    log_in_by_code_with_keyboard(browser, parent_a)

    browser.wait_for_path("/start/ouder/")
    browser.check_page("home")
    assert "Sem Bakker" in browser.text()
    assert "OBS De Vlindertuin" in browser.text()


def test_it_lets_a_parent_grant_refuse_and_withdraw_consent_with_the_keyboard(
    open_browser, parent_a, pupil_a, verified_email
):
    verified_email(parent_a)
    website = Purpose.objects.get(code="website")
    social = Purpose.objects.get(code="sociale-media")
    browser = open_browser(PHONE, "parent")
    log_in_by_code_with_keyboard(browser, parent_a)
    browser.wait_for_path("/start/ouder/")

    browser.tab_to("a[href='/toestemming/kinderen/']")
    browser.press(Keys.ENTER)
    browser.wait_for_path("/toestemming/kinderen/")
    browser.check_page("children")
    browser.tab_to(f"a[href='/toestemming/kind/{pupil_a.pk}/']")
    browser.press(Keys.ENTER)
    browser.wait_for_path(f"/toestemming/kind/{pupil_a.pk}/")
    browser.check_page("choices")

    browser.choose_radio(f"c-{website.pk}-photo", "yes")
    browser.choose_radio(f"c-{social.pk}-video", "no")
    browser.tab_to("form button:not([name])", max_steps=120)
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.check_page("choices-saved")
    assert latest_answer(pupil_a, "website", "photo") is True
    assert latest_answer(pupil_a, "sociale-media", "video") is False
    assert ConsentEvent.objects.filter(pupil=pupil_a).count() == 2
    browser.scroll_to(f"fieldset:has(input[name='c-{website.pk}-photo'])")
    browser.screenshot("website-photo-granted", full_page=False)

    browser.tab_to(f"button[name=target][value='{website.pk}:photo']", max_steps=120)
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.check_page("photo-withdrawn")
    assert latest_answer(pupil_a, "website", "photo") is False
    assert latest_answer(pupil_a, "sociale-media", "video") is False
    assert not browser.find_all(f"button[name=target][value='{website.pk}:photo']")


def test_it_offers_a_skip_link_as_the_first_tab_stop(open_browser, parent_a):
    browser = open_browser(PHONE)
    browser.driver.get(browser.base_url + "/accounts/login/")
    skip = browser.tab_to(".skip-link", max_steps=1)
    assert skip.get_attribute("href").endswith("#main")
    browser.press(Keys.ENTER)
    assert browser.focused.get_attribute("id") == "main"
