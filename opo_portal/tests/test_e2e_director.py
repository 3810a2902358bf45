"""Browser journey: a director reads consent coverage, reminds parents and follows up a
flagged post with an in-person conversation."""

import datetime

import pytest
from django.core import mail
from selenium.webdriver.support.ui import Select

from monitoring.models import FollowUp
from opo_portal.tests.e2e_data import build_demo_class, build_monitoring, give_demo_consents
from opo_portal.tests.e2e_support import DESKTOP, Browser, log_in_with_password_and_totp

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


def test_it_lets_a_director_read_coverage_remind_parents_and_follow_up_a_flagged_post(
    open_browser, director_a, teacher_a, school_a, group_a1, pupil_a, parent_a, verified_email
):
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    build_monitoring(school_a)
    browser = open_browser(DESKTOP, "director")
    log_in_with_password_and_totp(browser, verified_email(director_a))
    browser.wait_for_path("/start/directie/")
    browser.check_page("home")

    # Consent coverage of the school, then a reminder to parents who have not answered.
    browser.follow("/toestemming/dekking/")
    browser.check_page("coverage-schools")
    browser.follow("/toestemming/dekking/vlindertuin/")
    browser.check_page("coverage")
    assert "Lucas Smit" in browser.find("main").text  # the parents' conflict to resolve
    mail.outbox.clear()
    browser.submit("form[action='/toestemming/dekking/vlindertuin/herinnering/'] button")
    browser.wait_for_path("/toestemming/dekking/vlindertuin/")
    browser.check_page("reminders-sent")
    reminded = {address for message in mail.outbox for address in message.to}
    assert demo.parents["Julia"].email in reminded  # Julia's parent answered nothing

    # The monitoring report, then the open case about a negative experience.
    browser.follow("/monitoring/")
    browser.check_page("monitoring")
    browser.follow("/monitoring/rapportage/")
    browser.check_page("monitoring-report")
    case = FollowUp.objects.get(school=school_a, flags__category="negative_experience")
    browser.follow("/monitoring/")
    browser.follow(f"/monitoring/zaken/{case.pk}/")
    browser.check_page("case")
    assert "overblijven" in browser.find("main").text

    # Assign it and plan the conversation ...
    today = datetime.date.today()
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
    assert "overblijfrooster" in case.notes
