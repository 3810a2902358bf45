"""A director's week, walked through the real pages: what the home ("Wat vraagt aandacht")
says, and where its links and the director's e-mails land."""

import datetime
import re

import time_machine
from django.urls import reverse

from conftest import make_pupil, make_staff
from consent.models import ReviewRound, TakedownTask
from consent.services import publication_check_create, review_confirm_unchanged
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship, StaffMembership
from schools.services import teacher_remove

# 10:00 in Amsterdam, in school year 2026-2027 (the cast's groups are of that year)
IN_THE_SCHOOL_YEAR = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
# the first Monday of the next school year, before its pupil list was imported
NEXT_SCHOOL_YEAR = datetime.datetime(2027, 9, 6, 8, 0, tzinfo=datetime.UTC)
NO_GROUPS = "Er zijn nog geen groepen van schooljaar 2027-2028"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _home(client) -> str:
    return client.get(reverse("accounts:home_director")).content.decode()


def test_it_tells_a_new_school_year_without_groups_to_import_the_list(
    login, director_a, school_a, pupil_a
):
    with time_machine.travel(NEXT_SCHOOL_YEAR, tick=True):
        html = _home(login(director_a))
    assert NO_GROUPS in _text(html)
    import_url = f"{reverse('schools:import_pupils')}?school={school_a.code}"
    assert f'<a href="{import_url}">Leerlingen importeren</a></p>' in html


def test_it_says_nothing_of_groups_once_this_years_exist(login, director_a, school_a, pupil_a):
    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        html = _home(login(director_a))
    assert "Er zijn nog geen groepen" not in _text(html)


def test_a_school_without_pupils_is_told_to_import_them_not_about_groups(login, director_a):
    with time_machine.travel(NEXT_SCHOOL_YEAR, tick=True):
        text = _text(_home(login(director_a)))
    assert "Er zijn nog geen leerlingen: importeer eerst de leerlingen." in text
    assert "Er zijn nog geen groepen" not in text


def _takedown_handed_to_director(teacher_a, director_a, parent_a, pupil_a):
    """A publication of teacher_a's that lost pupil_a (a parent's "nee"), then teacher_a
    left: the task went to director_a (their open tasks go to the school's leaders)."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    teacher_remove(membership=StaffMembership.objects.get(user=teacher_a), by=director_a)
    assert TakedownTask.objects.get().assigned_to == director_a
    return check


def test_the_homes_takedown_link_says_what_to_do_and_then_that_it_was_done(
    login, director_a, teacher_a, parent_a, pupil_a
):
    check = _takedown_handed_to_director(teacher_a, director_a, parent_a, pupil_a)
    client = login(director_a)
    check_url = reverse("consent:check", args=[check.pk])
    assert f'href="{check_url}"' in _home(client)  # "1 publicatie moet nog worden verwijderd"

    page = _text(client.get(check_url).content.decode())
    assert "Offline halen ! Te doen: Sem Bakker. Toegewezen aan Directeur.A" in page
    assert "Haal het offline en meld het als gedaan" in page
    html = client.get(check_url).content.decode()
    assert f'href="{reverse("consent:takedowns")}">Haal het offline' in html

    task = TakedownTask.objects.get()
    client.post(reverse("consent:takedown_done", args=[task.pk]))
    assert f'href="{check_url}"' not in _home(client)  # the number went down at once
    page = _text(client.get(check_url).content.decode())
    assert "✓ Afgehandeld: Sem Bakker." in page
    assert "Offline gehaald op" in page
    assert "Haal het offline en meld het als gedaan" not in page


def test_a_colleagues_takedown_names_who_has_it_and_a_board_member_gets_no_link(
    login, director_a, teacher_a, parent_a, pupil_a, board
):
    decide(pupil_a, parent_a, "website", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "website", "photo", False)
    url = reverse("consent:check", args=[check.pk])
    page = _text(login(director_a).get(url).content.decode())
    assert "Te doen: Sem Bakker. Toegewezen aan Juf.A" in page
    assert "Haal het offline en meld het als gedaan" in page  # a director may close it
    page = _text(login(board).get(url).content.decode())
    assert "Te doen: Sem Bakker. Toegewezen aan Juf.A" in page
    assert "Haal het offline en meld het als gedaan" not in page  # not the board's task


def test_the_review_rounds_count_on_coverage_is_of_current_pupils_and_gezag_holders(
    login, director_a, school_a, group_a1, parent_a, pupil_a, code_parent
):
    """The coverage page counts current pupils and their gezag-holders; its review round
    line counted every confirmation ever given, of a pupil who left since and by a parent
    whose gezag ended too."""
    leaver = make_pupil(school_a, group_a1, "1009", "Lot", "Weg")
    Guardianship.objects.create(user=parent_a, pupil=leaver, has_parental_authority=True)
    review_round = ReviewRound.objects.create(
        school=school_a, school_year="2026-2027", opened_by=director_a
    )
    for user, pupil in [(parent_a, pupil_a), (code_parent, pupil_a), (parent_a, leaver)]:
        review_confirm_unchanged(review_round=review_round, user=user, pupil=pupil)
    leaver.left_on = datetime.date(2026, 11, 20)
    leaver.save()
    Guardianship.objects.filter(user=code_parent).update(has_parental_authority=False)

    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        html = login(director_a).get(reverse("consent:coverage", args=[school_a.code]))
    assert "1 bevestiging van ongewijzigde keuzes" in _text(html.content.decode())


def test_a_director_of_two_schools_reads_the_school_of_each_own_takedown(
    login, director_a, teacher_a, parent_a, pupil_a, school_b, group_b1, parent_b, pupil_b
):
    """The home's "publicaties offline halen" and the takedowns page list the director's own
    tasks of every school: each names its school, or two schools' tasks read as one's."""
    StaffMembership.objects.create(user=director_a, school=school_b, role="director")
    teacher_b = make_staff("juf.b@example.org", "teacher", school_b, [group_b1])
    _takedown_handed_to_director(teacher_a, director_a, parent_a, pupil_a)
    decide(pupil_b, parent_b, "website", "video", True)
    publication_check_create(
        user=teacher_b, purpose=purpose("website"), media_type="video", pupils=[pupil_b]
    )
    decide(pupil_b, parent_b, "website", "video", False)
    teacher_remove(membership=StaffMembership.objects.get(user=teacher_b), by=director_a)
    client = login(director_a)

    home = _text(_home(client))
    assert "2 publicaties offline halen" in home
    assert "OBS De Vlindertuin · Sociale media van de school · foto" in home
    assert "OBS Het Zwanenhof · Website van de school · film" in home
    page = _text(client.get(reverse("consent:takedowns")).content.decode())
    for line in [
        "OBS De Vlindertuin · Sociale media van de school · foto · gecontroleerd door Juf.A",
        "OBS Het Zwanenhof · Website van de school · film · gecontroleerd door Juf.B",
    ]:
        assert line in page
