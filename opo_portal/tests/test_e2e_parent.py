"""Browser journeys: a parent on a phone, keyboard only."""

import re

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from consent.models import ConsentEvent, Purpose
from opo_portal.tests.e2e_support import PHONE, Browser, latest_login_code, login_cookie

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


BEFOREUNLOAD_CANCELLED = """
const event = new Event("beforeunload", {cancelable: true});
window.dispatchEvent(event);
return event.defaultPrevented;
"""


WIDER_THAN_SCREEN = """
return [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(e => e.tagName + "." + e.className + " " + e.getBoundingClientRect().right);
"""


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

    # The focus is on the message above the page title: the menu is back up with Shift-Tab
    browser.tab_to("a[href='/toestemming/kinderen/']", backwards=True)
    browser.press(Keys.ENTER)
    browser.wait_for_path("/toestemming/kinderen/")
    browser.check_page("children")
    browser.tab_to(f"a[href='/toestemming/kind/{pupil_a.pk}/']")
    browser.press(Keys.ENTER)
    browser.wait_for_path(f"/toestemming/kind/{pupil_a.pk}/")
    browser.check_page("choices")

    browser.choose_radio(f"c-{website.pk}-photo", "yes")
    browser.choose_radio(f"c-{social.pk}-video", "no")
    assert "niet zijn opgeslagen" in browser.find("[data-unsaved-status]").text
    browser.tab_to(".savebar button", max_steps=120)
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.check_page("choices-saved")
    assert latest_answer(pupil_a, "website", "photo") is True
    assert latest_answer(pupil_a, "sociale-media", "video") is False
    assert ConsentEvent.objects.filter(pupil=pupil_a).count() == 2
    # The saved answers are the selected radios; nothing else is pre-selected.
    checked = browser.find_all("input[type=radio]:checked")
    assert sorted(r.get_attribute("name") + "=" + r.get_attribute("value") for r in checked) == (
        sorted([f"c-{website.pk}-photo=yes", f"c-{social.pk}-video=no"])
    )
    assert "Website" in browser.find(".summary").text
    browser.scroll_to(f"fieldset:has(input[name='c-{website.pk}-photo'])")
    browser.screenshot("website-photo-granted", full_page=False)

    # "Yes to everything" for one channel in one tap; the page now warns before leaving.
    browser.tab_to(
        f"fieldset:has(input[name='c-{social.pk}-photo']) [data-set-all='yes']", max_steps=150
    )
    browser.press(Keys.ENTER)
    for media in ("photo", "video", "audio"):
        assert browser.find(f"input[name='c-{social.pk}-{media}'][value='yes']").is_selected()
    assert "niet zijn opgeslagen" in browser.find("[data-unsaved-status]").text
    browser.screenshot("unsaved-changes", full_page=False)
    browser.tab_to("nav a[href='/toestemming/mijn-gegevens/']", max_steps=150, backwards=True)
    browser.press(Keys.ENTER)
    WebDriverWait(browser.driver, 10).until(expected_conditions.alert_is_present())
    alert = browser.driver.switch_to.alert
    assert "niet zijn opgeslagen" in alert.text
    alert.dismiss()  # "stay on this page"
    assert browser.path == f"/toestemming/kind/{pupil_a.pk}/"
    # Closing the tab or typing another address: the beforeunload handler objects too
    # (WebDriver accepts that native prompt by itself, so the event is checked directly).
    assert browser.driver.execute_script(BEFOREUNLOAD_CANCELLED)
    assert ConsentEvent.objects.filter(pupil=pupil_a).count() == 2
    browser.tab_to(".savebar button", max_steps=150)
    with browser.new_page():
        browser.press(Keys.ENTER)
    assert not browser.driver.execute_script(BEFOREUNLOAD_CANCELLED)  # saved: no warning
    assert latest_answer(pupil_a, "sociale-media", "video") is True
    assert latest_answer(pupil_a, "sociale-media", "audio") is True

    # Withdrawing everything asks on its own page and says what follows.
    withdraw = f"/toestemming/kind/{pupil_a.pk}/intrekken/"
    browser.tab_to(f"a[href='{withdraw}']", max_steps=150)
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.check_page("withdraw-confirm")
    assert "neemt wat al gepubliceerd is offline" in browser.text()
    browser.tab_to("main form button[type=submit]", max_steps=40)
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.check_page("all-withdrawn")
    for purpose_code, media in (("website", "photo"), ("sociale-media", "video")):
        assert latest_answer(pupil_a, purpose_code, media) is False
    assert not browser.find_all("input[type=radio][value='yes']:checked")


def test_it_shows_my_data_and_history_readably_on_a_phone(
    open_browser, parent_a, pupil_a, director_a
):
    from consent.tests.helpers import decide

    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False, method="phone", recorded_by=director_a)
    browser = open_browser(PHONE, "parent-data")
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(parent_a))
    browser.open(f"/toestemming/kind/{pupil_a.pk}/")
    browser.scroll_to("#history")
    browser.check_page("history")
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    wide = browser.driver.execute_script(WIDER_THAN_SCREEN)
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px): {wide}"
    browser.open("/toestemming/mijn-gegevens/")
    browser.check_page("my-data")
    text = browser.text()
    assert "Website" in text and "foto" in text and "door u" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", text)  # no raw timestamps
    assert "30 november" in text or re.search(r"\d{1,2} [a-z]+ \d{4} \d{2}:\d{2}", text)


def test_it_offers_a_skip_link_as_the_first_tab_stop(open_browser, parent_a):
    browser = open_browser(PHONE)
    browser.driver.get(browser.base_url + "/accounts/login/")
    skip = browser.tab_to(".skip-link", max_steps=1)
    assert skip.get_attribute("href").endswith("#main")
    browser.press(Keys.ENTER)
    assert browser.focused.get_attribute("id") == "main"


SMALL_PHONE = (360, 640)

# Controls smaller than a fingertip, the menu included: buttons and fields under 44 px high,
# and anything else a parent taps (a link standing on its own, a checkbox, a radio button)
# under 24 x 24 px (WCAG 2.2, 2.5.8; a radio button or checkbox inside its label counts with
# the label). A link inside a sentence is exempt, as WCAG has it.
TOO_SMALL_TO_TAP = """
const standalone = a => a.parentElement.textContent.trim() === a.textContent.trim();
const size = e => e.getBoundingClientRect();
const shown = e => size(e).width > 0 && getComputedStyle(e).visibility !== "hidden";
const small = [];
for (const e of document.querySelectorAll("a[href]:not(.skip-link), button, input, select")) {
  if (!shown(e) || e.type === "hidden" || (e.tagName === "A" && !standalone(e))) continue;
  const target = e.matches("[type=checkbox], [type=radio]") ? e.closest("label") || e : e;
  const r = size(target);
  const big = e.matches("button, select, input:not([type=checkbox]):not([type=radio])");
  if (r.width < 24 || r.height < (big ? 44 : 24)) {
    const what = `${e.tagName} ${e.name || e.textContent.trim()}`;
    small.push(`${what}: ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
}
return small;
"""


# Headings that look bigger than the page's title: a phone's h1 was made smaller, h2 kept
# the browser's 1.5em, so "Uw e-mailadres" outsized "Mijn account" above it.
OUTSIZED_HEADINGS = """
const size = e => parseFloat(getComputedStyle(e).fontSize);
const h1 = document.querySelector("main h1");
if (!h1) return [];
return [...document.querySelectorAll("main h2, main h3")]
  .filter(h => size(h) > size(h1)).map(h => `${h.textContent.trim()}: ${size(h)} > ${size(h1)}`);
"""


def assert_fits_a_small_phone(browser: Browser, name: str) -> None:
    outsized = browser.driver.execute_script(OUTSIZED_HEADINGS)
    assert not outsized, f"{name}: headings bigger than the page title: {outsized}"
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    wide = browser.driver.execute_script(WIDER_THAN_SCREEN)
    assert width <= SMALL_PHONE[0], f"{name} scrolls sideways at 360 px ({width} px): {wide}"
    small = browser.driver.execute_script(TOO_SMALL_TO_TAP)
    assert not small, f"{name} ({browser.path}) has controls too small to tap: {small}"


def test_it_fits_every_account_page_a_parent_meets_on_a_small_phone(
    open_browser, parent_a, pupil_a
):
    """At 360 x 640: no sideways scrolling and finger-sized controls on the pages around
    logging in (where a parent without a password starts) and on their own pages."""
    browser = open_browser(SMALL_PHONE, "parent-small-phone")
    failures = []

    def visit(name, path):
        browser.open(path)
        try:
            browser.check_page(name)
            assert_fits_a_small_phone(browser, name)
        except AssertionError as error:
            failures.append(str(error))

    for name, path in [
        ("login", "/accounts/login/"),
        ("request-code", "/accounts/login/code/"),
        ("reset-password", "/accounts/password/reset/"),
        ("reset-link-used", "/accounts/password/reset/key/1-used-token/"),
        ("address-link-expired", "/accounts/confirm-email/expired/"),
    ]:
        visit(name, path)
    browser.driver.add_cookie(login_cookie(parent_a))
    for name, path in [
        ("home", "/start/ouder/"),
        ("my-children", "/toestemming/kinderen/"),
        ("choices", f"/toestemming/kind/{pupil_a.pk}/"),
        ("my-data", "/toestemming/mijn-gegevens/"),
        ("protocol", "/protocol/"),
        ("protocol-versions", "/protocol/versies/"),
        ("monitoring-privacy", "/monitoring/privacy/"),
        ("confirm-access-by-code", "/accounts/reauthenticate/code/"),
        ("withdraw", f"/toestemming/kind/{pupil_a.pk}/intrekken/"),
        ("my-account", "/accounts/email/"),
        ("password-change", "/accounts/password/change/"),
        ("confirm-access", "/accounts/reauthenticate/"),
        ("log-out", "/accounts/logout/"),
    ]:
        visit(name, path)
    # A page that is not there answers 404, which the console reports as an error, so it
    # gets the tap check without check_page.
    browser.open("/bestaat-niet/")
    small = browser.driver.execute_script(TOO_SMALL_TO_TAP)
    if small:
        failures.append(f"not-found has controls too small to tap: {small}")
    assert not failures, "\n\n".join(failures)


# Per cell of "In het kort": the rendered height of its state against one line of text,
# and whether symbol and word sit on one line.
SUMMARY_CELLS = """
const cells = [...document.querySelectorAll(".summary__table td .state")];
const line = parseFloat(getComputedStyle(cells[0]).lineHeight);
return cells.filter(c => c.getBoundingClientRect().height > line * 1.5).map(c => c.textContent);
"""


def test_it_sums_up_a_childs_choices_on_one_small_phone_screen(
    open_browser, parent_a, pupil_a, verified_email
):
    """At 360 x 640 "In het kort" says each state once, with its count, and shows every
    channel and medium in one table that fits the screen: before, each of 18 questions
    repeated "? niet beantwoord: niet toegestaan" and the summary filled two screens."""
    from consent.tests.helpers import decide

    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    browser = open_browser(SMALL_PHONE, "parent-summary-small-phone")
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(parent_a))
    browser.open(f"/toestemming/kind/{pupil_a.pk}/")
    browser.scroll_to(".summary")
    browser.check_page("summary")
    assert_fits_a_small_phone(browser, "summary")
    summary = browser.find(".summary")
    counts = [li.text for li in browser.find_all(".summary__counts li")]
    assert counts == ["✓ Toegestaan: 1", "✗ Niet toegestaan: 1",
                      "? Nog niet beantwoord, dus niet toegestaan: 16"]  # fmt: skip
    assert summary.text.count("niet beantwoord") == 1
    rows = browser.find_all(".summary__table tbody tr")
    assert len(rows) == 6
    website = [r for r in rows if r.text.startswith("Website")][0]
    assert [td.text for td in website.find_elements("css selector", "td")] == [
        "✓ ja", "? open", "? open"
    ]  # fmt: skip
    # one screen: the whole summary is visible at once, each cell's symbol and word on one line
    height = browser.driver.execute_script("return arguments[0].getBoundingClientRect().height",
                                           summary)  # fmt: skip
    assert height <= SMALL_PHONE[1], f"the summary is {height} px high on a 640 px screen"
    assert browser.driver.execute_script(SUMMARY_CELLS) == []
    browser.screenshot("summary", full_page=False)
