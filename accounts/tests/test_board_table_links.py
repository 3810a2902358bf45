"""The board home's table: each count that is not 0 links to the page that lists what it
counts for that school, by words that say what it opens; a 0 stays text. Each link is
walked as the board member, and the page it opens lists what was counted."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from conftest import make_pupil, make_staff, make_user
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from monitoring.tests.helpers import make_case, make_source
from schools.models import Guardianship, School, StaffMembership

URL = reverse("accounts:home_board")


@pytest.fixture(params=["live", "stored"])
def size(request, settings):
    """Both ways the board home counts: live (small) and from stored counts (large)."""
    if request.param == "stored":
        settings.BOARD_LIVE_PUPILS = 0
    return request.param


def links(html: str, code: str) -> dict[str, str]:
    """The row of school `code`: {aria-label: href} of each link in a count's cell."""
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html, re.S)
    [row] = [r for r in rows if f"/{code}/" in r or f"#school-{code}" in r]
    return {
        html_lib.unescape(label): html_lib.unescape(href)
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', row)
    }


@pytest.fixture
def open_work(director_a, teacher_a, parent_a, pupil_a, pupil_a2, school_a, school_b, group_b1):
    """At school A (which has a director): a conflict that took a publication down, pupils
    with open questions, two open cases (one urgent), a failing source, staff who have not
    confirmed the protocol. At school B (no director, shown in full on the board home):
    a publication to take down and an open case."""
    second = make_user("ouder.twee@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check_a = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, second, "sociale-media", "photo", False)  # conflict + takedown
    cases_a = [make_case(school_a, priority=0), make_case(school_a)]
    make_source("https://krant.example/rss", school=school_a, consecutive_failures=3)
    pupil_b = make_pupil(school_b, group_b1, "2001", "Bram", "Visser")
    parent_b = make_user("ouder.b@example.org", full_name="Ouder B")
    Guardianship.objects.create(user=parent_b, pupil=pupil_b, has_parental_authority=True)
    teacher_b = make_staff("juf.b@example.org", StaffMembership.Role.TEACHER, school_b, [group_b1])
    decide(pupil_b, parent_b, "website", "photo", True)
    check_b = publication_check_create(
        user=teacher_b, purpose=purpose("website"), media_type="photo", pupils=[pupil_b]
    )
    decide(pupil_b, parent_b, "website", "photo", False)  # takedown
    case_b = make_case(school_b)
    return {"check_a": check_a, "cases_a": cases_a, "check_b": check_b, "case_b": case_b}


def test_each_count_of_a_school_with_a_director_links_to_what_it_counts(
    size, login, board, open_work, school_a
):
    client = login(board)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    coverage = reverse("consent:coverage", args=["vlindertuin"])
    assert links(html, "vlindertuin") == {
        "2 leerlingen bij OBS De Vlindertuin": coverage,
        "2 leerlingen met open vragen bij OBS De Vlindertuin": coverage + "#per-group",
        "1 leerling bij OBS De Vlindertuin van wie de ouders het oneens zijn": (
            coverage + "#conflicts"
        ),
        "2 open opvolgzaken bij OBS De Vlindertuin, waarvan 1 dringend": (
            reverse("monitoring:dashboard") + "?zaken=vlindertuin"
        ),
        "2 medewerkers van OBS De Vlindertuin hebben het protocol nog niet bevestigd": (
            reverse("policy:confirmation_list", args=["vlindertuin"])
        ),
        "1 falende monitoringbron van OBS De Vlindertuin": (
            reverse("monitoring:sources") + "?school=vlindertuin"
        ),
        "1 publicatie bij OBS De Vlindertuin moet nog worden verwijderd": (
            reverse("consent:school_takedowns", args=["vlindertuin"])
        ),
    }

    # each page opens for the board member and lists what was counted
    page = client.get(coverage, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'id="per-group"' in page and 'id="conflicts"' in page
    groups, conflicts = page.split('id="per-group"')[1].split('id="conflicts"')
    assert "Sem Bakker" in groups and "Roos Vries" in groups  # the two with open questions
    assert "Sem Bakker" in conflicts and "Roos Vries" not in conflicts
    dashboard = client.get(reverse("monitoring:dashboard"), {"zaken": "vlindertuin"})
    assert dashboard.status_code == 200
    assert [case.pk for case in dashboard.context["cases"]] == [
        case.pk for case in open_work["cases_a"]
    ]  # urgent first; not school B's case
    protocol = client.get(reverse("policy:confirmation_list", args=["vlindertuin"]))
    staff = [(row.email, row.confirmed) for row in protocol.context["staff"]]
    assert sorted(staff) == [("directeur.a@example.org", False), ("juf.a@example.org", False)]
    sources = client.get(reverse("monitoring:sources"), {"school": "vlindertuin"})
    assert [source.url for source in sources.context["sources"]] == ["https://krant.example/rss"]
    takedowns = client.get(reverse("consent:school_takedowns", args=["vlindertuin"]))
    checks = [picture[0].publication_check for picture in takedowns.context["pictures"]]
    assert checks == [open_work["check_a"]]  # not school B's


def test_a_school_shown_in_full_links_its_takedowns_and_cases_to_its_part_of_the_page(
    size, login, board, open_work, school_b
):
    html = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    found = links(html, "zwanenhof")
    assert found["1 publicatie bij OBS Het Zwanenhof moet nog worden verwijderd"] == (
        "#school-zwanenhof"
    )
    assert found["1 open opvolgzaak bij OBS Het Zwanenhof, 0 dringend"] == "#school-zwanenhof"
    part = html.split('id="school-zwanenhof"')[1]
    assert reverse("consent:check", args=[open_work["check_b"].pk]) in part
    assert reverse("monitoring:case", args=[open_work["case_b"].pk]) in part


def test_a_zero_stays_text(size, login, board, school_a, director_a):
    School.objects.create(code="leeg", name="OBS Leeg")
    html = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    # school A: only its director has not confirmed; OBS Leeg has nothing at all
    assert list(links(html, "vlindertuin")) == [
        "1 medewerker van OBS De Vlindertuin heeft het protocol nog niet bevestigd"
    ]
    assert links(html, "leeg") == {}
    assert "?zaken=" not in html and "#per-group" not in html and "#conflicts" not in html
