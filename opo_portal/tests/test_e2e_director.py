"""Browser journey: a director reads consent coverage, reminds parents and follows up a
flagged post with an in-person conversation."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from consent.models import ConsentEvent, Purpose
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case
from opo_portal.tests.e2e_data import build_demo_class, build_monitoring, give_demo_consents
from opo_portal.tests.e2e_support import (
    DESKTOP,
    Browser,
    log_in_with_password_and_totp,
    login_cookie,
)

pytestmark = pytest.mark.e2e


def fill_date(browser: Browser, css: str, day: datetime.date) -> None:
    """Pick a date. The order in which a date input takes typed digits follows the
    browser's locale (headless Chromium uses en-US whatever --lang says), so set the
    value as the date picker does and fire the same events."""
    field = browser.find(css)
    browser.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        field,
        day.isoformat(),
    )
    assert field.get_attribute("value") == day.isoformat()


def test_it_walks_the_directors_week(
    open_browser, director_a, teacher_a, school_a, group_a1, pupil_a, parent_a, verified_email
):
    """Home ("Wat vraagt aandacht") → remind one family → record a paper form → follow a
    case, every page axe-clean."""
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    build_monitoring(school_a)
    julia, julia_parent = demo.pupils["Julia"], demo.parents["Julia"]
    browser = open_browser(DESKTOP, "director")
    log_in_with_password_and_totp(browser, verified_email(director_a))
    browser.wait_for_path("/start/directie/")
    browser.check_page("home")
    main = browser.find("main").text
    assert "Wat vraagt aandacht" in main
    assert "Lucas Smit" in main  # parents who disagree

    # Remind Julia's parent: a preview with the count, a confirmation, a report.
    mail.outbox.clear()
    remind = f"/toestemming/dekking/vlindertuin/herinnering/?ouder={julia_parent.pk}"
    browser.find("details summary").click()  # open the list of group 5
    browser.follow(remind)
    browser.check_page("remind-preview")
    assert "1 ouder krijgt een herinnering" in browser.find("main").text
    assert mail.outbox == []
    browser.submit("main form button[type=submit]")
    browser.wait_for_path("/toestemming/dekking/vlindertuin/")
    browser.check_page("reminder-sent")
    assert "1 herinnering wordt verstuurd." in browser.find("main").text
    assert [m.to for m in mail.outbox] == [[julia_parent.email]]

    # Julia's parent answers on paper: the whole form in one submit.
    browser.open("/start/directie/")
    browser.find("details summary").click()
    browser.follow(f"/toestemming/leerling/{julia.pk}/vastleggen/")
    browser.check_page("paper-form")
    Select(browser.find("select[name=guardian]")).select_by_value(str(julia_parent.pk))
    browser.choose_radio("method", "paper")
    website, social = (Purpose.objects.get(code=c).pk for c in ("website", "sociale-media"))
    for pid, media, answer in [
        (website, "photo", "yes"),
        (website, "video", "yes"),
        (social, "photo", "no"),
    ]:
        browser.find(f"input[name='c-{pid}-{media}'][value='{answer}']").click()
    browser.submit("form.paper-form button[type=submit]")
    browser.wait_for_path(f"/toestemming/leerling/{julia.pk}/vastleggen/")
    browser.check_page("paper-form-saved")
    assert "3 antwoorden zijn vastgelegd" in browser.find("main").text
    events = ConsentEvent.objects.filter(pupil=julia)
    assert {(e.method, e.recorded_by_id) for e in events} == {("paper", director_a.pk)}
    selected = Select(browser.find("select[name=guardian]")).first_selected_option
    assert selected.get_attribute("value") == str(julia_parent.pk)  # the form keeps the parent

    # Follow the open case about a negative experience from the home page.
    case = FollowUp.objects.get(school=school_a, flags__category="negative_experience")
    browser.open("/start/directie/")
    browser.follow(f"/monitoring/zaken/{case.pk}/")
    browser.check_page("case")
    assert "overblijven" in browser.find("main").text
    today = timezone.localdate()
    Select(browser.find("select[name=status]")).select_by_value("conversation_planned")
    Select(browser.find("select[name=assigned_to]")).select_by_value(str(teacher_a.pk))
    # Planned for today: a conversation cannot be recorded as held before its planned date
    # nor in the future, and the journey records it held right after.
    fill_date(browser, "input[name=planned_for]", today)
    browser.submit(f"form[action='/monitoring/zaken/{case.pk}/bijwerken/'] button[type=submit]")
    browser.wait_for_path(f"/monitoring/zaken/{case.pk}/")
    browser.check_page("case-assigned")
    case.refresh_from_db()
    assert case.assigned_to == teacher_a
    assert case.status == FollowUp.Status.CONVERSATION_PLANNED

    # ... and record the conversation held in person.
    Select(browser.find("select[name=status]")).select_by_value("conversation_held")
    fill_date(browser, "input[name=held_on]", today)
    browser.find("textarea[name=notes]").send_keys(
        "Gesprek met twee ouders op school gevoerd; overblijfrooster aangepast."
    )
    browser.submit(f"form[action='/monitoring/zaken/{case.pk}/bijwerken/'] button[type=submit]")
    browser.wait_for_path(f"/monitoring/zaken/{case.pk}/")
    browser.check_page("conversation-recorded")
    browser.screenshot("case-summary", full_page=False)
    case.refresh_from_db()
    assert case.status == FollowUp.Status.CONVERSATION_HELD
    assert case.held_on == today

    # Coverage with names, and the spreadsheet export.
    browser.follow("/toestemming/dekking/")
    browser.follow("/toestemming/dekking/vlindertuin/")
    browser.check_page("coverage")
    assert "Lucas Smit" in browser.find("main").text


def test_it_shows_the_board_a_school_without_a_director(
    open_browser, board, director_a, school_a, school_b, pupil_b, parent_b, verified_email
):
    """The board's home: every school with a total; the school without a director in full,
    with its urgent case one click away."""
    case = make_case(school_b, priority=FollowUp.Priority.URGENT)
    browser = open_browser(DESKTOP, "board")
    log_in_with_password_and_totp(browser, verified_email(board))
    browser.wait_for_path("/start/bestuur/")
    browser.check_page("home")
    main = browser.find("main").text
    assert "Wat vraagt aandacht in de stichting" in main
    assert "geen: het bestuur is aanspreekpunt" in main
    assert "Scholen zonder directeur" in main
    assert "Bram Visser" in main or "1 leerling met onbeantwoorde vragen" in main
    browser.follow(f"/monitoring/zaken/{case.pk}/")
    browser.check_page("case")


OUTLINE = """
const s = getComputedStyle(arguments[0]);
return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)};
"""


def test_it_shows_where_the_keyboard_is_in_a_date_field(open_browser, director_a, school_a):
    """Tabbing on through the report's month or a case's planned date reaches the field's
    calendar button, inside the field: the field then matched neither :focus-visible nor
    :focus, so no ring showed where the keyboard was."""
    build_monitoring(school_a)
    case = FollowUp.objects.filter(school=school_a).first()
    browser = open_browser(DESKTOP)
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(director_a))
    for path, css in [
        ("/monitoring/rapportage/", "input[name=month]"),
        (f"/monitoring/zaken/{case.pk}/", "input[name=planned_for]"),
    ]:
        browser.open(path)
        field = browser.tab_to(css)
        for step in range(1, 4):  # on through the field's parts: month, year, the picker
            browser.press(Keys.TAB)
            if browser.focused != field:
                break
            ring = browser.driver.execute_script(OUTLINE, field)
            assert ring["style"] != "none" and ring["width"] >= 2, (path, step, ring)
