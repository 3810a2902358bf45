"""Browser check: the staff pages a teacher or director opens on a phone fit a 360 px
screen. A table that needs more room scrolls inside its own region; the page itself never
scrolls sideways, and nothing sticks out past the screen's edge.

A walk through every page of every role at 360 x 740 and 1280 x 800, in Dutch and in
English, found these pages too wide; the parent's pages are held to the same in
test_e2e_parent.
"""

import pytest

from consent.models import Purpose
from consent.services import publication_check_create
from monitoring.models import WatchTerm
from opo_portal.tests.e2e_data import build_demo_class, build_monitoring, give_demo_consents
from opo_portal.tests.e2e_support import Browser, login_cookie
from opo_portal.tests.test_e2e_parent import TOO_SMALL_TO_TAP

pytestmark = pytest.mark.e2e

PHONE_360 = (360, 740)

# What sticks out past the right edge of the screen, outside a region that scrolls on its
# own: an absolutely positioned element counts by its containing block, not its parent,
# so a visually hidden header inside a scrolling table still widens the page.
STICKING_OUT = """
const width = document.documentElement.clientWidth;
const scrolls = e => {
  const absolute = ["absolute", "fixed"].includes(getComputedStyle(e).position);
  for (let box = absolute ? e.offsetParent : e.parentElement; box && box !== document.body;
       box = box.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) return true;
  }
  return false;
};
return [...document.querySelectorAll("main *")]
  .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 30)}"`
            + ` ends at ${Math.round(e.getBoundingClientRect().right)} px`);
"""


def open_as(open_browser, user, name: str) -> Browser:
    browser = open_browser(PHONE_360, name)
    # a phone's scrollbars overlay the page; a desktop's 15 px bar would narrow it to 345 px
    browser.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE_360[0], "height": PHONE_360[1], "deviceScaleFactor": 1, "mobile": True},
    )
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(user))
    return browser


def too_wide(browser: Browser, name: str, path: str) -> list[str]:
    """Open the page, run the journeys' checks, and say what does not fit."""
    browser.open(path)
    assert browser.path == path.split("?")[0], f"{name}: {path} went to {browser.path}"
    browser.check_page(name)
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    out = browser.driver.execute_script(STICKING_OUT)
    if width <= PHONE_360[0] and not out:
        return []
    return [f"{name} ({path}) is {width} px wide at 360 px: {out}"]


def walk(browser: Browser, pages: list[tuple[str, str]]) -> None:
    problems = [problem for name, path in pages for problem in too_wide(browser, name, path)]
    assert not problems, "\n".join(problems)


def test_it_fits_a_teachers_check_on_a_phone(
    open_browser, teacher_a, school_a, group_a1, pupil_a, parent_a
):
    """The verdict's table (pupil, consent, in the publication) ran 140 px past the edge:
    "ouders zijn het niet eens" and the third column could not be seen."""
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    check = publication_check_create(
        user=teacher_a,
        purpose=Purpose.objects.get(code="sociale-media"),
        media_type="photo",
        pupils=list(demo.pupils.values()),
    )
    browser = open_as(open_browser, teacher_a, "phone-layout-teacher")
    walk(browser, [("check", f"/toestemming/controle/{check.pk}/")])
    # and fits without scrolling its own region: all three columns at once
    region = browser.find(".table-scroll:has(table.verdicts)")
    assert browser.driver.execute_script(
        "return arguments[0].scrollWidth <= arguments[0].clientWidth", region
    )


def test_it_fits_a_directors_report_on_a_phone(open_browser, director_a, school_a):
    """The key figures' numbers stood past the edge, behind labels that did not wrap, and
    the chart's table of numbers had no room for its third column."""
    build_monitoring(school_a)
    browser = open_as(open_browser, director_a, "phone-layout-director")
    walk(browser, [("report", "/monitoring/rapportage/")])
    facts = browser.find_all(".mon-facts dd")
    assert facts and all(dd.is_displayed() for dd in facts)


def test_it_fits_the_boards_lists_on_a_phone(open_browser, board, school_a):
    """Purposes, sources and drafts scrolled sideways although their tables scroll on
    their own (the hidden "Actions" header escaped its region); the watch terms' table
    had no region at all."""
    build_monitoring(school_a)
    WatchTerm.objects.create(school=school_a, term="overblijven")
    browser = open_as(open_browser, board, "phone-layout-board")
    walk(
        browser,
        [
            ("purposes", "/toestemming/doelen/"),
            ("sources", "/monitoring/bronnen/"),
            ("watch-terms", "/monitoring/zoektermen/"),
            ("drafts", "/protocol/concepten/"),
        ],
    )


def test_it_gives_a_teachers_next_step_a_fingers_size_on_a_phone(
    open_browser, teacher_a, school_a, group_a1, pupil_a, parent_a
):
    """A teacher checks seconds before posting, often on a phone: the link to the next
    step ("Toestemming in deze groep", "Controle vóór plaatsen", "Nieuwe controle", "De
    controle") stood alone on its line but was a line of text high, 20 px."""
    from consent.services import consent_withdraw

    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    check = publication_check_create(
        user=teacher_a,
        purpose=Purpose.objects.get(code="sociale-media"),
        media_type="photo",
        pupils=list(demo.pupils.values()),
    )
    consent_withdraw(pupil=demo.pupils["Emma"], guardian=demo.parents["Emma"])
    browser = open_as(open_browser, teacher_a, "phone-layout-teacher-taps")
    problems = []
    for name, path in [
        ("home", "/start/leerkracht/"),
        ("groups", "/toestemming/klassen/"),
        ("group", f"/toestemming/klassen/{group_a1.pk}/"),
        ("who-may-appear", f"/toestemming/klassen/{group_a1.pk}/wie-mag/"),
        ("check-new", "/toestemming/controle/"),
        ("check", f"/toestemming/controle/{check.pk}/"),
        ("takedowns", "/toestemming/verwijderen/"),
    ]:
        problems += too_wide(browser, name, path)
        small = browser.driver.execute_script(TOO_SMALL_TO_TAP)
        if small:
            problems.append(f"{name} ({path}) has controls too small to tap: {small}")
    assert not problems, "\n".join(problems)


LONG_URL = (
    "https://www.opoborgerodoorn.nl/documenten/privacyverklaring-en-social-media-protocol-2026"
)


def test_it_fits_the_protocols_differences_with_a_long_address_on_a_phone(
    open_browser, board, parent_a
):
    """An article with a web address (one long word) ran past the edge of the difference
    page and of the draft's preview: the changed, added and removed texts did not wrap."""
    from policy import services
    from policy.tests.conftest import publish_new_version

    publish_new_version(board, change={"leren-1": f"Zie {LONG_URL} voor de volledige tekst."})
    draft = services.version_draft_start(by=board)
    section = draft.sections.get(slug="leren")
    services.article_add(section=section, text=f"Meer op {LONG_URL}.")
    browser = open_as(open_browser, parent_a, "phone-layout-protocol-diff")
    walk(browser, [("diff", "/protocol/verschil/1/2/"), ("version", "/protocol/versie/1/")])
    browser = open_as(open_browser, board, "phone-layout-protocol-preview")
    walk(browser, [("preview", f"/protocol/concepten/{draft.number}/voorbeeld/")])
