"""Browser journeys, keyboard only: where the focus is after an action, and whether what
the page says then (saved, an error, a verdict) is what a screen reader reads next. axe
sees a page as it stands; these walk what happens after a submit."""

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from consent.models import Purpose
from consent.services import purpose_version_publish
from opo_portal.tests.e2e_data import build_demo_class, class_photo_jpeg, give_demo_consents
from opo_portal.tests.e2e_support import DESKTOP, PHONE, WAIT, Browser, login_cookie

pytestmark = pytest.mark.e2e

# The focused element, and the text a screen reader reads there (its own text, or the
# error it is described by).
FOCUS = """
const a = document.activeElement;
if (a === document.body) return {tag: "BODY", role: "", text: "(the focus is on the body)"};
const described = (a.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)
  .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(" ");
const roles = [a, ...a.querySelectorAll("[role]")].map(e => e.getAttribute("role"));
const text = a.textContent + " " + described;
return {tag: a.tagName, role: roles.filter(Boolean).join(" "), text};
"""


def focus(browser: Browser) -> dict:
    return browser.driver.execute_script(FOCUS)


def press_enter_for_a_new_page(browser: Browser, css: str, *, max_steps: int = 150) -> None:
    browser.tab_to(css, max_steps=max_steps)
    with browser.new_page():
        browser.press(Keys.ENTER)


def test_it_reads_out_saved_a_stale_page_and_withdrawn_on_the_consent_form(
    open_browser, parent_a, pupil_a, board
):
    """After Save the page reloads with "Opgeslagen: 1 wijziging." in a status region that
    was already in the page when it loaded, so a screen reader said nothing, and the focus
    was on the body: a parent had to go and look. Now the focus is on the message."""
    website = Purpose.objects.get(code="website")
    browser = open_browser(PHONE, "after-an-action-parent")
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(parent_a))
    browser.open(f"/toestemming/kind/{pupil_a.pk}/")

    browser.choose_radio(f"c-{website.pk}-photo", "yes")
    press_enter_for_a_new_page(browser, ".savebar button")
    browser.check_page("saved")
    now = focus(browser)
    assert "Opgeslagen: 1 wijziging" in now["text"] and now["role"] == "status", now
    browser.assert_focus_visible(browser.focused)
    # Tab goes on into the page, not back to the top
    browser.tab_to(f"input[name='c-{website.pk}-photo']", max_steps=60)

    # A stale page: the text changed in meaning while the parent was choosing.
    browser.choose_radio(f"c-{website.pk}-video", "yes")
    purpose_version_publish(user=board, purpose=website, text="Nieuw", kind="change_of_meaning")
    press_enter_for_a_new_page(browser, ".savebar button")
    browser.check_page("stale")
    now = focus(browser)
    assert "is gewijzigd" in now["text"] and now["role"] == "alert", now

    browser.choose_radio(f"c-{website.pk}-photo", "yes")
    press_enter_for_a_new_page(browser, ".savebar button")
    press_enter_for_a_new_page(browser, f"a[href='/toestemming/kind/{pupil_a.pk}/intrekken/']")
    browser.check_page("withdraw-confirm")
    press_enter_for_a_new_page(browser, "main form button[type=submit]", max_steps=40)
    browser.check_page("withdrawn")
    assert "Ingetrokken: 1 toestemming" in focus(browser)["text"]


def test_it_reads_out_a_wrong_sign_in_code(open_browser, parent_a, verified_email):
    """A wrong code came back with the error next to the field and the focus on the body;
    now the field has the focus and is described by its error."""
    verified_email(parent_a)
    browser = open_browser(PHONE, "after-an-action-login")
    browser.open("/accounts/login/code/")
    browser.tab_to("input[name=email]")
    browser.type_text(parent_a.email)
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.wait_for_path("/accounts/login/code/confirm/")
    assert "aanmeldcode verzonden" in focus(browser)["text"]  # the message, then the field
    browser.tab_to("input[name=code]", max_steps=3)
    browser.type_text("AAAA-BBBB")
    with browser.new_page():
        browser.press(Keys.ENTER)
    browser.check_page("wrong-code")
    now = focus(browser)
    assert now["tag"] == "INPUT" and "Ongeldige code" in now["text"], now


def test_it_reads_out_why_a_paper_form_was_not_recorded(
    open_browser, director_a, pupil_a, parent_a, board
):
    """The error above the form (a channel's text changed while the director typed) came
    back as a plain list, the focus on the body: nothing said that nothing was recorded."""
    website = Purpose.objects.get(code="website")
    browser = open_browser(DESKTOP, "after-an-action-paper")
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(director_a))
    browser.open(f"/toestemming/leerling/{pupil_a.pk}/vastleggen/")
    browser.tab_to("select[name=guardian]", max_steps=60)
    browser.press(Keys.ARROW_DOWN)  # the one parent
    browser.choose_radio("method", "paper")
    browser.choose_radio(f"c-{website.pk}-photo", "yes")
    purpose_version_publish(user=board, purpose=website, text="Nieuw", kind="change_of_meaning")
    press_enter_for_a_new_page(browser, "form.paper-form button[type=submit]")
    browser.expect_refused(f"/toestemming/leerling/{pupil_a.pk}/vastleggen/")  # a 400
    browser.check_page("paper-form-stale")
    now = focus(browser)
    assert "Er is niets vastgelegd" in now["text"], now
    browser.assert_focus_visible(browser.focused)


def test_it_moves_to_the_photo_checks_verdict_and_result(
    open_browser, teacher_a, school_a, group_a1, pupil_a, parent_a, tmp_path
):
    """The photo check replaces step 2 in place. The focus went to step 2's heading, past
    the verdict above it ("Mag niet: Daan …", a status region new in the page, so not
    read out either), and after "Toon het resultaat" back up to that heading, far from
    the result. Now it goes to the verdict, and after an update to the result."""
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    browser = open_browser(DESKTOP, "after-an-action-photo")
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(teacher_a))
    browser.open("/foto/")
    photo = tmp_path / "IMG_3001.jpg"
    photo.write_bytes(class_photo_jpeg()[0])
    browser.tab_to("input[type=file]").send_keys(str(photo))  # the file chooser is the OS's
    browser.tab_to("select[name=channel]")
    browser.type_text("Sociale")
    browser.tab_to(f"input[name=pupils][value='{demo.pupils['Daan'].pk}']")
    browser.press(Keys.SPACE)
    browser.tab_to("button[value=preview]")

    def swapped(step2):
        """Wait until step 2 is a new element and the form is no longer busy."""

        def done(driver):
            return driver.find_element("id", "photo-step2") != step2 and not (
                driver.find_element("id", "photo-form").get_attribute("aria-busy")
            )

        WebDriverWait(browser.driver, WAIT).until(done)

    step2 = browser.find("#photo-step2")
    browser.press(Keys.ENTER)
    swapped(step2)
    now = focus(browser)
    assert "Mag niet: Daan" in now["text"], now
    browser.assert_focus_visible(browser.focused)
    browser.check_page("verdict")

    browser.tab_to("button[value=update]", max_steps=60)
    step2 = browser.find("#photo-step2")
    browser.press(Keys.ENTER)
    swapped(step2)
    now = focus(browser)
    assert now["text"].startswith("4. De foto zoals"), now
    browser.assert_focus_visible(browser.focused)
