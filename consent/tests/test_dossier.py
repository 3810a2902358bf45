"""A pupil's consent file: the privacy officer answering a parent's AVG request, or looking
into a picture published without consent, reads who decided what and when (and who
recorded a paper or phone answer), the checks before posting that included the pupil with
their verdicts, and the takedowns that followed, when they were done and by whom; nothing
on the page changes anything. Directors read their own school's, the board every school's."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from consent.models import ConsentEvent, PublicationCheck, PurposeVersion, TakedownTask
from consent.services import (
    consent_withdraw,
    publication_check_create,
    purpose_version_publish,
    takedown_complete,
)
from consent.tests.helpers import decide, html_of, purpose
from schools.accesslog import gezag_changes_record
from schools.models import Guardianship, Via


def dossier_url(pupil) -> str:
    return reverse("consent:dossier", args=[pupil.pk])


def search_url(school) -> str:
    return reverse("consent:pupil_search", args=[school.code])


def checked_and_withdrawn(teacher, parent, pupil) -> TakedownTask:
    """Sem may be on the website, appears in a checked photo, then his parent says no;
    the teacher marks the photo taken offline."""
    decide(pupil, parent, "website", "photo", True)
    publication_check_create(
        user=teacher, purpose=purpose("website"), media_type="photo", pupils=[pupil]
    )
    consent_withdraw(pupil=pupil, guardian=parent, purpose_id=purpose("website").pk)
    task = TakedownTask.objects.get(pupil=pupil)
    takedown_complete(task=task, user=teacher)
    task.refresh_from_db()
    return task


def test_it_shows_who_decided_what_and_who_recorded_a_paper_form(
    login, privacy_officer, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False, method="paper", recorded_by=director_a)
    html = html_of(login(privacy_officer).get(dossier_url(pupil_a)))
    assert "Dossier toestemming van Sem Bakker" in html
    assert "<li>Ouder A · ouder.a@example.org · met ouderlijk gezag</li>" in html
    assert "door de ouder in het portaal" in html
    assert f"papieren formulier, vastgelegd door {director_a.full_name}" in html
    assert "Website van de school (tekstversie 1)" in html


def test_it_shows_the_checks_and_the_takedown_done_and_by_whom(
    login, privacy_officer, teacher_a, parent_a, pupil_a
):
    task = checked_and_withdrawn(teacher_a, parent_a, pupil_a)
    check = PublicationCheck.objects.get()
    html = html_of(login(privacy_officer).get(dossier_url(pupil_a)))
    assert reverse("consent:check", args=[check.pk]) in html
    assert "staat erop · ✓ toegestaan" in html
    assert "✓ mag gepubliceerd worden" in html
    assert "een ouder heeft ingetrokken of geweigerd" in html
    done = timezone.localtime(task.done_at)
    assert f"✓ offline gehaald · {done.day} " in html and done.strftime("%H:%M") in html
    assert html.count(teacher_a.full_name) == 3  # checked by, given to, done by
    assert teacher_a.email not in html  # nobody else on the page bears the name


def test_it_names_parents_by_name_and_their_address_in_the_parents_list(
    login, privacy_officer, teacher_a, parent_a, pupil_a
):
    """Each parent's address stands beside their name in the parents' list; where no one
    else on the page bears the name, everywhere else a parent is their name, and a parent
    without a name is their address."""
    other = make_user("tweede.ouder@example.org", full_name="Ouder B")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    nameless = make_user("verzorger@example.org")
    Guardianship.objects.create(user=nameless, pupil=pupil_a, has_parental_authority=False)
    decide(pupil_a, other, "pers", "video", False)
    checked_and_withdrawn(teacher_a, parent_a, pupil_a)  # a decision, a takedown's "no"
    html = html_of(login(privacy_officer).get(dossier_url(pupil_a)))
    parents = html.split('id="guardians"', 1)[1].split("</ul>", 1)[0]
    assert "<li>Ouder A · ouder.a@example.org · met ouderlijk gezag</li>" in parents
    assert "<li>Ouder B · tweede.ouder@example.org · met ouderlijk gezag</li>" in parents
    assert "<li>verzorger@example.org · zonder ouderlijk gezag: kan niet beslissen</li>" in (
        parents
    )
    for address in ("ouder.a@example.org", "tweede.ouder@example.org", "verzorger@example.org"):
        assert html.count(address) == 1
    assert "„nee” van Ouder A op " in html
    decided_by_a = ConsentEvent.objects.filter(pupil=pupil_a, guardian=parent_a).count()
    assert html.count("<td>Ouder A</td>") == decided_by_a
    assert html.count("<td>Ouder B</td>") == 1


def test_it_tells_namesakes_apart_by_their_address_in_every_decision(
    login, privacy_officer, teacher_a, parent_a, pupil_a
):
    """Two parents named alike: each of their decisions, and the "no" behind a takedown,
    carries the address beside the name. Also when one of them is no longer linked to
    the pupil: their decisions stay on the page."""
    namesake = make_user("tweede.ouder@example.org", full_name="ouder a")
    link = Guardianship.objects.create(user=namesake, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, namesake, "pers", "video", False)
    link.delete()
    checked_and_withdrawn(teacher_a, parent_a, pupil_a)  # a decision, a takedown's "no"
    html = html_of(login(privacy_officer).get(dossier_url(pupil_a)))
    decisions = html.split('id="decisions"', 1)[1].split("</table>", 1)[0]
    assert "<td>Ouder A</td>" not in decisions
    decided_by_a = ConsentEvent.objects.filter(pupil=pupil_a, guardian=parent_a).count()
    assert decisions.count("<td>Ouder A · ouder.a@example.org</td>") == decided_by_a
    assert decisions.count("<td>ouder a · tweede.ouder@example.org</td>") == 1
    assert "„nee” van Ouder A (ouder.a@example.org) op " in html


def test_it_tells_staff_of_one_name_apart_by_their_address(
    login, privacy_officer, director_a, teacher_a, parent_a, pupil_a
):
    """Two staff members named alike (two "J. de Vries"): wherever the page names either,
    who recorded a paper form, who checked, who was given and who did the takedown, their
    address stands beside the name."""
    director_a.full_name = teacher_a.full_name.upper()  # "JUF.A": a name, whatever the case
    director_a.save(update_fields=["full_name"])
    decide(pupil_a, parent_a, "pers", "video", False, method="paper", recorded_by=director_a)
    checked_and_withdrawn(teacher_a, parent_a, pupil_a)
    html = html_of(login(privacy_officer).get(dossier_url(pupil_a)))
    assert "papieren formulier, vastgelegd door JUF.A (directeur.a@example.org)" in html
    # checked by, given to, done by: each with the address, none without
    assert html.count("Juf.A (juf.a@example.org)") == html.count("Juf.A") == 3


def test_it_tells_a_parent_and_a_teacher_of_one_name_apart(
    login, privacy_officer, teacher_a, parent_a, pupil_a
):
    """One set of namesakes over everyone the page names: the reader cannot tell a parent
    from a staff member by their name either."""
    teacher_a.full_name = parent_a.full_name
    teacher_a.save(update_fields=["full_name"])
    checked_and_withdrawn(teacher_a, parent_a, pupil_a)
    html = html_of(login(privacy_officer).get(dossier_url(pupil_a)))
    decisions = html.split('id="decisions"', 1)[1].split("</table>", 1)[0]
    decided_by_a = ConsentEvent.objects.filter(pupil=pupil_a, guardian=parent_a).count()
    assert decisions.count("<td>Ouder A · ouder.a@example.org</td>") == decided_by_a
    assert "„nee” van Ouder A (ouder.a@example.org) op " in html
    assert html.count("Ouder A (juf.a@example.org)") == 3  # checked by, given to, done by


def test_it_offers_nothing_to_change_and_refuses_a_post(
    login, privacy_officer, teacher_a, parent_a, pupil_a
):
    checked_and_withdrawn(teacher_a, parent_a, pupil_a)
    client = login(privacy_officer)
    html = client.get(dossier_url(pupil_a)).content.decode()
    main = html.split('id="main"', 1)[1].split("</main>", 1)[0]
    assert "<form" not in main and "<button" not in main
    assert reverse("consent:record", args=[pupil_a.pk]) not in html
    before = (ConsentEvent.objects.count(), TakedownTask.objects.filter(done_at=None).count())
    posted = client.post(dossier_url(pupil_a), {"granted": "yes"})
    assert posted.status_code == 405
    assert (ConsentEvent.objects.count(), TakedownTask.objects.filter(done_at=None).count()) == (
        before
    )


def test_it_forbids_caching(login, privacy_officer, pupil_a):
    client = login(privacy_officer)
    for response in (client.get(dossier_url(pupil_a)), client.get(search_url(pupil_a.school))):
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("privacy_officer", 200),
        ("board", 200),
        ("director_a", 200),
        ("director_b", 404),
        ("teacher_a", 404),
        ("parent_a", 404),
        ("outsider", 404),
    ],
)
def test_it_is_read_by_the_school_s_readers_only(request, login, pupil_a, who, status):
    client = login(request.getfixturevalue(who))
    assert client.get(dossier_url(pupil_a)).status_code == status
    assert client.get(search_url(pupil_a.school)).status_code == status


def test_it_links_the_paper_form_for_whoever_may_record_one(login, director_a, pupil_a):
    html = login(director_a).get(dossier_url(pupil_a)).content.decode()
    assert reverse("consent:record", args=[pupil_a.pk]) in html


def test_the_search_finds_a_pupil_who_left_by_name_not_in_the_address(
    login, privacy_officer, pupil_a, pupil_a2, pupil_b
):
    pupil_a.left_on = timezone.localdate()
    pupil_a.save(update_fields=["left_on"])
    client = login(privacy_officer)
    found = client.post(search_url(pupil_a.school), {"zoek": "sem bakker"})
    html = html_of(found)
    assert dossier_url(pupil_a) in html and "verlaten op" in html
    assert dossier_url(pupil_a2) not in html and dossier_url(pupil_b) not in html
    assert 'method="post"' in html.split('role="search"', 1)[0].rsplit("<form", 1)[1]
    number = html_of(client.post(search_url(pupil_a.school), {"zoek": "1002"}))
    assert dossier_url(pupil_a2) in number and dossier_url(pupil_a) not in number
    other = html_of(client.post(search_url(pupil_a.school), {"zoek": "Bram"}))
    assert "Geen leerling van deze school gevonden." in other


def test_it_reads_the_same_queries_for_one_and_for_many_rows(
    login, privacy_officer, teacher_a, parent_a, pupil_a
):
    client = login(privacy_officer)
    client.get(dossier_url(pupil_a))  # the session and memberships, once
    checked_and_withdrawn(teacher_a, parent_a, pupil_a)
    with CaptureQueriesContext(connection) as few:
        client.get(dossier_url(pupil_a))
    for code in ("sociale-media", "nieuwsbrief", "pers"):
        for media in ("photo", "video"):
            decide(pupil_a, parent_a, code, media, True)
            publication_check_create(
                user=teacher_a, purpose=purpose(code), media_type=media, pupils=[pupil_a]
            )
    consent_withdraw(pupil=pupil_a, guardian=parent_a)
    assert TakedownTask.objects.count() == 7
    record_gezag_changes(pupil_a, parent_a)  # on their own page: not read here
    # user, memberships, the page's numbers (menu and banner), pupil with school and
    # group, guardians, events, checks, takedowns (the session is in the cache), and one
    # more since each decision says whether it still counts: the channels with their
    # versions (consent.reports.meaning_baselines, as "Mijn gegevens" reads them), from
    # which an answer to a text whose meaning changed since no longer counts. Whose gezag
    # ended is read from the guardians above, no query more.
    with CaptureQueriesContext(connection) as many:
        client.get(dossier_url(pupil_a))
    assert len(many) == len(few) == 9


def record_gezag_changes(pupil, parent) -> None:
    """Links and gezag over time: three rows."""
    for gezag in (False, True, False):
        gezag_changes_record(
            {(pupil.pk, parent.pk): not gezag},
            {(pupil.pk, parent.pk): gezag},
            by=None,
            via=Via.IMPORT,
        )


def gezag_url(pupil) -> str:
    return reverse("consent:dossier_gezag", args=[pupil.pk])


def test_the_links_and_gezag_over_time_read_the_same_queries_for_none_and_three_rows(
    login, privacy_officer, parent_a, pupil_a
):
    client = login(privacy_officer)
    client.get(gezag_url(pupil_a))  # the session and memberships, once
    with CaptureQueriesContext(connection) as none:
        html = client.get(gezag_url(pupil_a)).content.decode()
    assert (
        "Sinds het begin van de vastlegging is geen koppeling" in html or "geen koppeling" in html
    )
    record_gezag_changes(pupil_a, parent_a)
    # user, memberships, the page's numbers (menu and banner), pupil with school and
    # group, the rows (the day recording began is read once per process)
    with CaptureQueriesContext(connection) as three:
        response = client.get(gezag_url(pupil_a))
    assert len(three) == len(none) == 5
    html = response.content.decode()
    assert html.count("<tr>") == 4  # the head and three rows
    assert html.count("Gezag beëindigd, nog wel gekoppeld") == 2
    assert html.count("Gezag gegeven") == 1
    assert "no-store" in response["Cache-Control"]
    assert reverse("consent:dossier", args=[pupil_a.pk]) in html  # back to the file


@pytest.mark.parametrize(
    "who, status",
    [
        ("privacy_officer", 200),
        ("director_a", 200),
        ("board", 200),
        ("director_b", 404),
        ("teacher_a", 404),
        ("parent_a", 404),
    ],
)
def test_the_links_and_gezag_over_time_are_read_by_the_file_s_readers_only(
    request, login, pupil_a, who, status
):
    response = login(request.getfixturevalue(who)).get(gezag_url(pupil_a))
    assert response.status_code == status
    if status == 200:
        assert login(request.getfixturevalue(who)).post(gezag_url(pupil_a)).status_code == 405


def test_the_file_links_its_links_and_gezag_over_time(login, privacy_officer, pupil_a):
    html = login(privacy_officer).get(dossier_url(pupil_a)).content.decode()
    assert gezag_url(pupil_a) in html and "Koppelingen en gezag door de tijd" in html


def test_the_check_page_offers_the_privacy_officer_no_new_check(
    login, privacy_officer, teacher_a, parent_a, pupil_a
):
    """They read every check but make none: "Nieuwe controle" was a link to a 404."""
    decide(pupil_a, parent_a, "website", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    consent_withdraw(pupil=pupil_a, guardian=parent_a)  # the page then warns, with the link
    new_check = f'href="{reverse("consent:check_new")}"'
    html = login(privacy_officer).get(reverse("consent:check", args=[check.pk])).content.decode()
    assert "mag er niet meer op" in html
    assert new_check not in html
    assert login(teacher_a).get(reverse("consent:check_new")).status_code == 200
    assert (
        new_check
        in login(teacher_a).get(reverse("consent:check", args=[check.pk])).content.decode()
    )


def test_the_coverage_page_links_a_reader_to_the_pupil_search(login, privacy_officer, school_a):
    html = login(privacy_officer).get(reverse("consent:coverage", args=[school_a.code]))
    assert search_url(school_a) in html.content.decode()


def test_coverage_offers_the_privacy_officer_no_import_link(
    login, privacy_officer, director_b, school_b
):
    """A school without pupils yet: "import the pupils first" linked the import, a 404 for
    the privacy officer, who changes no register."""
    url = reverse("consent:coverage", args=[school_b.code])
    import_link = f'href="{reverse("schools:import_pupils")}?school={school_b.code}"'
    assert import_link not in login(privacy_officer).get(url).content.decode()
    assert import_link in login(director_b).get(url).content.decode()


SUPERSEDED = "tekstversie 1; telt niet meer: de betekenis van de tekst is daarna veranderd"
LOST_GEZAG = "tekstversie 1; telt niet meer: de ouder heeft geen gezag meer"


def _decisions_text(response) -> str:
    assert response.status_code == 200
    html = response.content.decode().split('id="decisions"', 1)[1].split('id="checks"', 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("reader", ["privacy_officer", "director_a", "board"])
def test_it_says_which_decisions_no_longer_count_and_why(
    request, login, reader, parent_a, code_parent, pupil_a, board
):
    """A director or the privacy officer read an old "ja" of a parent whose gezag ended,
    or an answer to an earlier meaning, as if it still counted: the file says it, in the
    words of the parent's history about "de ouder"."""
    decide(pupil_a, code_parent, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    decide(pupil_a, parent_a, "nieuwsbrief", "audio", True)
    purpose_version_publish(
        user=board,
        purpose=purpose("pers"),
        text="A new meaning.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )
    Guardianship.objects.filter(user=code_parent, pupil=pupil_a).update(
        has_parental_authority=False
    )
    decisions = _decisions_text(login(request.getfixturevalue(reader)).get(dossier_url(pupil_a)))
    assert f"Website van de school ({LOST_GEZAG})" in decisions
    assert decisions.count(SUPERSEDED) == 1
    assert decisions.count("telt niet meer") == 2  # parent_a's "nieuwsbrief" still counts
    assert "u hebt" not in decisions and "andere ouder" not in decisions


def test_it_says_both_reasons_in_one_sentence(login, privacy_officer, parent_a, pupil_a, board):
    decide(pupil_a, parent_a, "pers", "video", False)
    purpose_version_publish(
        user=board, purpose=purpose("pers"), text="New.", kind=PurposeVersion.Kind.CHANGE_OF_MEANING
    )
    Guardianship.objects.filter(user=parent_a, pupil=pupil_a).delete()  # the link removed
    decisions = _decisions_text(login(privacy_officer).get(dossier_url(pupil_a)))
    assert f"({LOST_GEZAG}, en de betekenis van de tekst is daarna veranderd)" in decisions


def test_a_teacher_of_the_group_cannot_read_the_file(login, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    assert login(teacher_a).get(dossier_url(pupil_a)).status_code == 404
