"""Browser journey: a teacher in a hurry, on a phone. From the home page to the takedowns
(a parent said "nee" after the teacher's check): the picture marked taken offline, the
message in place of the button. Then the monitoring case given to them: "Geen actie
nodig" without a reason is refused in Dutch with the notes kept, and with a reason it is
saved and told to the director. Every page: axe, only the portal's own host, the CSP,
no console errors (`Browser.check_page`), on a 390 × 844 screen."""

import pytest
from django.core import mail
from selenium.webdriver.support.ui import Select

from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_pupil_case
from opo_portal.tests.e2e_support import PHONE, log_in_with_password_and_totp
from opo_portal.tests.test_e2e_mentions import submit_case_form
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.e2e
NOTES = "Moeder gebeld op dinsdag."
REASON = "Het was een misverstand over de bus"


def test_it_lets_a_teacher_on_a_phone_take_a_picture_down_and_close_a_case(
    open_browser, teacher_a, director_a, parent_a, pupil_a, school_a, verified_email
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=teacher_a)
    run_due_duties()
    mail.outbox.clear()

    phone = open_browser(PHONE)
    log_in_with_password_and_totp(phone, verified_email(teacher_a))
    phone.wait_for_path("/start/leerkracht/")
    phone.check_page("home")
    assert "Mijn zaken" in phone.find("main").text

    # the picture a parent withdrew from: marked taken offline
    phone.follow("/toestemming/verwijderen/")
    phone.check_page("takedowns")
    phone.submit(f"form[action='/toestemming/verwijderen/{task.pk}/klaar/'] button")
    phone.wait_for_path("/toestemming/verwijderen/")
    phone.check_page("takedowns-done")
    assert "Gemarkeerd als verwijderd." in phone.find("main").text
    task.refresh_from_db()
    assert task.done_by == teacher_a

    # the case: "Geen actie nodig" without a reason is refused, the notes stay
    phone.open("/start/leerkracht/")
    phone.follow(f"/monitoring/zaken/{case.pk}/")
    phone.check_page("case")
    Select(phone.find("select[name=status]")).select_by_value("no_action")
    phone.find("textarea[name=notes]").send_keys(NOTES)
    phone.submit(f"form[action='/monitoring/zaken/{case.pk}/bijwerken/'] button[type=submit]")
    phone.wait_for_path(f"/monitoring/zaken/{case.pk}/bijwerken/")
    phone.expect_refused(f"/monitoring/zaken/{case.pk}/bijwerken/")
    phone.check_page("case-reason-missing")
    assert "Geef kort de reden waarom de zaak geen actie nodig heeft" in phone.find("main").text
    assert phone.find("textarea[name=notes]").get_attribute("value") == NOTES
    case.refresh_from_db()
    assert case.status == FollowUp.Status.NEW

    # ... and with one it is saved, and the director is told
    phone.find("input[name=no_action_reason]").send_keys(REASON)
    submit_case_form(phone, case)
    phone.check_page("case-closed")
    assert "Zaak bijgewerkt." in phone.find("main").text
    case.refresh_from_db()
    assert case.status == FollowUp.Status.NO_ACTION
    # the notes as typed; the reason beside them, worded in the reader's language
    assert case.notes == NOTES
    assert [given["reason"] for given in case.no_action_reasons] == [REASON]
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director_a.email]]
