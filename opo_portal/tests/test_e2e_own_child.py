"""Browser journey: a director who is also a parent at their own school. Since 2026-12-07
staff record no paper or phone decision for their own child (consent.views.director.record):
the coverage page and the pupil's dossier show a note in place of the paper form's link,
the form's page explains and offers no form, and a form sent anyway is refused (400).
Another pupil of the school is recorded as before."""

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from conftest import make_user
from consent.models import ConsentEvent, Purpose
from opo_portal.tests.e2e_support import DESKTOP, Browser, log_in_with_password_and_totp
from schools.models import Guardianship, Pupil

pytestmark = pytest.mark.e2e

LIST_NOTE = "Uw eigen kind: een papieren of telefonisch besluit legt een collega vast"
COLLEAGUE = (
    "Een papieren formulier of telefoontje van een andere ouder van Sem legt een collega"
    " vast (een directeur van de school of iemand van het bestuur), niet uzelf."
)
OWN_CHILD = "Sem is uw eigen kind. Uw eigen keuzes geeft u als ouder op"
REFUSED = (
    "Sem is uw eigen kind: een papieren formulier of telefoontje van een andere ouder van Sem"
    " legt een collega vast (een directeur van de school of iemand van het bestuur), niet"
    " uzelf. Er is niets vastgelegd."
)
RECORD_LINK = "Papieren formulier vastleggen"

# Send a paper form to the page anyway, as a tab or a bookmark could: the page itself has
# no form, so the token comes from the menu's logout form.
SEND_ANYWAY = """
const form = document.createElement('form');
form.method = 'post';
form.action = arguments[0];
const fields = {
  csrfmiddlewaretoken: document.querySelector('input[name=csrfmiddlewaretoken]').value,
  guardian: arguments[1], method: 'paper', [arguments[2]]: 'yes'};
for (const [name, value] of Object.entries(fields)) {
  const input = document.createElement('input');
  input.type = 'hidden'; input.name = name; input.value = value;
  form.appendChild(input);
}
document.body.appendChild(form);
form.submit();
"""


def coverage_line(browser: Browser, full_name: str) -> WebElement:
    """The open-questions line of one pupil on the coverage page (its <details> opened)."""
    for details in browser.find_all("section.group-names details"):
        if not details.get_attribute("open"):
            details.find_element(By.CSS_SELECTOR, "summary").click()
    lines = [
        li
        for li in browser.find_all("section.group-names ul.name-list > li")
        if li.find_element(By.CSS_SELECTOR, "strong").text == full_name
    ]
    assert len(lines) == 1, f"{len(lines)} open-questions lines for {full_name}"
    return lines[0]


def record_links(element: WebElement, pupil) -> list[WebElement]:
    href = reverse("consent:record", args=[pupil.pk])
    return element.find_elements(By.CSS_SELECTOR, f"a[href='{href}']")


def test_it_keeps_a_director_from_recording_for_their_own_child(
    open_browser, director_a, school_a, group_a2, pupil_a, parent_a, verified_email
):
    """Sem (pupil_a) is the director's own child; Roos, in another group, is not. Both
    have open questions."""
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=True)
    roos = Pupil.objects.create(
        school=school_a,
        group=group_a2,
        leerlingnummer="1002",
        first_name="Roos",
        last_name="Vries",
        birth_date=pupil_a.birth_date,
    )
    roos_parent = make_user("ouder.roos@example.org", full_name="Ouder Roos")
    Guardianship.objects.create(user=roos_parent, pupil=roos, has_parental_authority=True)
    sem_record = reverse("consent:record", args=[pupil_a.pk])
    roos_record = reverse("consent:record", args=[roos.pk])
    coverage = reverse("consent:coverage", args=[school_a.code])

    browser = open_browser(DESKTOP, "own-child")
    log_in_with_password_and_totp(browser, verified_email(director_a))
    browser.wait_for_path("/start/directie/")
    browser.check_page("home")

    # Coverage: Roos' line has the paper form's link, Sem's line the note and no link.
    browser.open(coverage)
    browser.check_page("coverage")
    sem_line = coverage_line(browser, "Sem Bakker")
    assert LIST_NOTE in sem_line.text
    assert record_links(sem_line, pupil_a) == []
    assert RECORD_LINK not in sem_line.text
    roos_line = coverage_line(browser, "Roos Vries")
    assert LIST_NOTE not in roos_line.text
    assert [a.text for a in record_links(roos_line, roos)] == [RECORD_LINK]
    assert record_links(browser.find("main"), pupil_a) == []

    # Sem's dossier: the note, no link.
    browser.open(reverse("consent:dossier", args=[pupil_a.pk]))
    browser.check_page("own-dossier")
    main = browser.find("main")
    assert COLLEAGUE in main.text
    assert record_links(main, pupil_a) == []

    # Sem's paper form, opened directly: the explanation, a link to the parent's own page,
    # no form.
    browser.open(sem_record)
    browser.check_page("own-record")
    main = browser.find("main")
    assert OWN_CHILD in main.text and COLLEAGUE in main.text
    child_page = reverse("consent:child", args=[pupil_a.pk])
    assert main.find_elements(By.CSS_SELECTOR, f"a[href='{child_page}']")
    assert main.find_elements(By.CSS_SELECTOR, "form.paper-form") == []
    assert main.find_elements(By.CSS_SELECTOR, "input[type=radio]") == []
    # The link leads to Sem's page as a parent, where the director's own choices go.
    browser.follow(child_page)
    browser.check_page("own-child-page")
    assert "Sem" in browser.find("h1").text
    assert browser.find_all("input[type=radio]")
    browser.open(sem_record)

    # A form sent anyway (the other parent's answer) is refused with the reason: a 400.
    website = f"c-{Purpose.objects.get(code='website').pk}-photo"
    with browser.new_page():
        browser.driver.execute_script(SEND_ANYWAY, sem_record, str(parent_a.pk), website)
    browser.wait_for_path(sem_record)
    browser.expect_refused(sem_record)
    browser.check_page("own-record-refused")
    assert REFUSED in browser.find("main").text
    assert browser.find_all("form.paper-form") == []
    assert not ConsentEvent.objects.filter(pupil=pupil_a).exists()

    # Roos' paper form works as before: from the coverage page, the whole form in one save.
    browser.open(coverage)
    coverage_line(browser, "Roos Vries")
    browser.follow(roos_record)
    browser.check_page("other-record")
    assert browser.find_all("form.paper-form")
    assert LIST_NOTE not in browser.text() and "uw eigen kind" not in browser.text().lower()
    Select(browser.find("select[name=guardian]")).select_by_value(str(roos_parent.pk))
    browser.find("input[name=method][value=paper]").click()
    answers = browser.find_all("form.paper-form fieldset.purpose input[type=radio][value=yes]")
    assert answers
    for answer in answers:
        answer.click()
    browser.submit("form.paper-form button[type=submit]")
    browser.wait_for_path(roos_record)
    browser.check_page("other-record-saved")
    main = browser.find("main").text
    assert f"{len(answers)} antwoorden zijn vastgelegd" in main
    assert "Papier" in main  # the history table names the method ...
    events = ConsentEvent.objects.filter(pupil=roos)
    assert events.count() == len(answers)
    assert {(e.method, e.recorded_by_id, e.guardian_id, e.granted) for e in events} == {
        ("paper", director_a.pk, roos_parent.pk, True)
    }

    # ... and the coverage page: Roos has no open questions left, Sem's line is unchanged.
    browser.open(coverage)
    browser.check_page("coverage-after")
    lines = browser.find_all("section.group-names ul.name-list > li strong")
    assert [s.get_attribute("textContent") for s in lines] == ["Sem Bakker"]
    assert "1 van 1 leerling volledig beantwoord" in browser.find("main").text  # groep 7
    assert LIST_NOTE in coverage_line(browser, "Sem Bakker").text
