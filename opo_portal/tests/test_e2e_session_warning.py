"""Browser journeys: staff are warned before their session ends (WCAG 2.1 2.2.1), keyboard
only, on a 360 px phone (static/js/session-warning.js). The limits are seconds here, so a
journey takes seconds: the idle limit 20 s and the warning 8 s before it."""

import pytest
from django.urls import reverse
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from accounts import security_middleware
from consent.models import Purpose
from opo_portal.tests.e2e_support import Browser, login_cookie

pytestmark = pytest.mark.e2e

PHONE_360 = (360, 740)
IDLE, WARNING = 20, 8
PAPER_FORM = "/toestemming/leerling/{}/vastleggen/"

STATE = """
const d = document.getElementById("session-warning");
const shown = [...d.querySelectorAll("[data-when]")].filter(e => !e.hidden && e.offsetParent);
const r = d.getBoundingClientRect();
return {open: d.open, modal: d.matches(":modal"), text: d.innerText,
        shown: shown.map(e => e.dataset.when + ":" + e.tagName),
        left: r.left, right: r.right, width: document.documentElement.clientWidth};
"""


@pytest.fixture
def short_limits(settings, monkeypatch):
    settings.STAFF_SESSION_IDLE_SECONDS = IDLE
    settings.STAFF_SESSION_WARNING_SECONDS = WARNING
    # "Last seen" is written at most once a minute; here a request must count at once.
    monkeypatch.setattr(security_middleware, "SEEN_PRECISION", 0)


def _state(browser: Browser) -> dict:
    return browser.driver.execute_script(STATE)


def _wait_for(browser: Browser, what: str, condition, timeout: float = IDLE + 10) -> dict:
    try:
        WebDriverWait(browser.driver, timeout, poll_frequency=0.25).until(
            lambda d: condition(_state(browser))
        )
    except TimeoutException:
        pytest.fail(f"{what} did not happen: {_state(browser)}")
    return _state(browser)


def _open_paper_form(open_browser, user, pupil) -> Browser:
    browser = open_browser(PHONE_360)
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(user))
    browser.open(PAPER_FORM.format(pupil.pk))
    return browser


def _another_tab(browser: Browser) -> None:
    """The director opens their home page in a second tab, then comes back to the first."""
    first = browser.driver.current_window_handle
    browser.driver.switch_to.new_window("tab")
    browser.open(reverse("accounts:home_director"))
    assert browser.find("h1").text
    browser.driver.close()
    browser.driver.switch_to.window(first)


def test_it_warns_and_keeps_the_session_with_one_key(
    open_browser, short_limits, director_a, pupil_a, parent_a
):
    browser = _open_paper_form(open_browser, director_a, pupil_a)
    browser.tab_to("select[name=guardian]", max_steps=60)
    browser.press(Keys.ARROW_DOWN)  # the director is filling in the paper form
    website = Purpose.objects.get(code="website")
    browser.choose_radio(f"c-{website.pk}-photo", "yes")
    typing_in = browser.focused

    state = _wait_for(browser, "the warning", lambda s: s["open"])
    assert state["modal"] and state["shown"] == ["idle:SPAN", "idle:BUTTON"], state
    assert (
        "U wordt over 1 minuut uitgelogd omdat u een tijd niets heeft verstuurd" in (state["text"])
    )
    assert state["left"] >= 0 and state["right"] <= state["width"] <= PHONE_360[0], state
    assert browser.focused.text == "Ingelogd blijven"
    browser.assert_focus_visible(browser.focused)
    browser.check_page("warning")

    browser.press(Keys.ENTER)
    state = _wait_for(browser, "closing the warning", lambda s: not s["open"])
    assert browser.focused == typing_in  # back where the director was
    assert typing_in.is_selected()  # nothing typed was lost
    # The session goes on past the old limit; the next warning comes a full IDLE later.
    state = _wait_for(browser, "the next warning", lambda s: s["open"], timeout=IDLE + 5)
    assert state["shown"] == ["idle:SPAN", "idle:BUTTON"], state
    browser.press(Keys.ESCAPE)  # Escape keeps the session too: the person is there
    _wait_for(browser, "closing on Escape", lambda s: not s["open"])
    assert browser.path == PAPER_FORM.format(pupil_a.pk)
    assert browser.find("form.paper-form button[type=submit]").is_enabled()


def test_it_follows_a_request_in_another_tab_and_says_when_the_session_ended(
    open_browser, short_limits, director_a, pupil_a, parent_a
):
    browser = _open_paper_form(open_browser, director_a, pupil_a)
    _wait_for(browser, "the warning", lambda s: s["open"])
    _another_tab(browser)
    # The warning asks the server again before the time it showed ran out: the other tab
    # moved the limit, so it closes and nobody is logged out.
    state = _wait_for(browser, "closing after the other tab", lambda s: not s["open"])
    assert browser.find("form.paper-form button[type=submit]").is_enabled()

    # Nobody does anything now: the warning, then the page says the session ended.
    state = _wait_for(browser, "the end", lambda s: "ended:A" in s["shown"], timeout=2 * IDLE)
    assert not state["modal"], state  # what was typed can still be copied
    assert "U bent niet meer ingelogd" in state["text"], state
    assert browser.focused.text == "Opnieuw inloggen"
    assert not browser.find("form.paper-form button[type=submit]").is_enabled()
    browser.check_page("ended")
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.wait_for_path("/accounts/login/")
    assert browser.driver.current_url.endswith("?next=" + PAPER_FORM.format(pupil_a.pk))


def test_it_only_says_so_before_the_absolute_limit(
    open_browser, short_limits, settings, director_a, pupil_a, parent_a
):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    settings.STAFF_SESSION_MAX_SECONDS = IDLE
    browser = _open_paper_form(open_browser, director_a, pupil_a)
    browser.tab_to("select[name=guardian]", max_steps=60)
    typing_in = browser.focused
    state = _wait_for(browser, "the warning", lambda s: s["open"])
    assert state["shown"] == ["max:SPAN", "max:BUTTON"], state  # no "Ingelogd blijven"
    assert "zo lang ingelogd als kan" in state["text"]
    assert browser.focused.text == "Sluiten"
    browser.check_page("absolute-limit")
    browser.press(Keys.ENTER)
    _wait_for(browser, "closing", lambda s: not s["open"])
    assert browser.focused == typing_in
    _wait_for(browser, "the end", lambda s: "ended:A" in s["shown"])
