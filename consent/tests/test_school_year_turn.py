"""The class pages on 1 September, after the first pupil list of the new school year:
last year's groups are empty, this year's hold the pupils."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from schools.importer import pupils_import
from schools.models import Group, Pupil
from schools.tests.importfiles import csv_text, pupil_row

pytestmark = pytest.mark.django_db

# 10:00 in Amsterdam, school year 2027-2028
FIRST_SEPTEMBER = datetime.datetime(2027, 9, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def moved_up(school_a, pupil_a, pupil_a2):
    """The September list: pupil_a from groep 5 to groep 6, pupil_a2 from groep 7 to 8."""
    report = pupils_import(
        school=school_a,
        text=csv_text([pupil_row("1001", group="groep 6"), pupil_row("1002", group="groep 8")]),
        today=FIRST_SEPTEMBER.date(),
    )
    assert report.ok, report.errors
    return Group.objects.get(school=school_a, name="groep 6", school_year="2027-2028")


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_it_tells_a_teacher_whose_groups_are_of_last_year_whom_to_ask(login, teacher_a, moved_up):
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        response = login(teacher_a).get(reverse("consent:overview"))
    assert response.status_code == 200
    text = _text(response)
    assert "van een eerder schooljaar" in text
    assert "groep van schooljaar 2027-2028" in text


def test_it_lists_this_years_groups_before_last_years(login, director_a, moved_up, group_a1):
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        text = _text(login(director_a).get(reverse("consent:overview")))
    assert text.index("groep 6") < text.index("Groepen van eerdere schooljaren")
    assert text.index("Groepen van eerdere schooljaren") < text.index("groep 5")


def test_the_check_opens_on_this_years_class_and_names_each_groups_year(
    login, director_a, moved_up, pupil_a
):
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        response = login(director_a).get(reverse("consent:check_new"))
    page = response.content.decode()
    selected = re.search(r"<option value=\"(\d+)\" selected>([^<]*)<", page)
    assert selected is not None
    assert int(selected.group(1)) == moved_up.pk
    assert "2027-2028" in selected.group(2)
    assert "groep 5 · OBS De Vlindertuin · 2026-2027" in page
    moved = Pupil.objects.get(pk=pupil_a.pk)
    assert moved.group_id == moved_up.pk
    assert moved.full_name in _text(response)


def test_the_check_says_why_last_years_class_list_is_empty(login, teacher_a, moved_up):
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        text = _text(login(teacher_a).get(reverse("consent:check_new")))
    assert "2026-2027 is een eerder schooljaar" in text
    assert "groep van schooljaar 2027-2028" in text


# 10:00 in Amsterdam on the first day of school year 2027-2028, before its first import
FIRST_AUGUST = datetime.datetime(2027, 8, 1, 8, 0, tzinfo=datetime.UTC)
NOT_IMPORTED = "De leerlingenlijst van dit schooljaar is nog niet geïmporteerd"
MOVED_ON = "de leerlingen zitten nu in de groepen van dit schooljaar"


def test_before_the_import_the_overview_says_the_list_is_not_imported_yet(
    login, teacher_a, pupil_a
):
    with time_machine.travel(FIRST_AUGUST, tick=False):
        text = _text(login(teacher_a).get(reverse("consent:overview")))
    assert NOT_IMPORTED in text
    assert "Vraag uw directeur de leerlingenlijst van dit schooljaar te importeren" in text
    assert MOVED_ON not in text


def test_before_the_import_the_check_says_the_list_is_not_imported_yet(
    login, teacher_a, group_a1, pupil_a
):
    with time_machine.travel(FIRST_AUGUST, tick=False):
        text = _text(login(teacher_a).get(reverse("consent:check_new")))
    assert "2026-2027 is een eerder schooljaar" in text
    assert NOT_IMPORTED in text
    assert "groep van schooljaar 2027-2028" in text
    assert MOVED_ON not in text


def test_after_the_import_both_say_the_pupils_moved_on(login, teacher_a, moved_up):
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        client = login(teacher_a)
        pages = [
            _text(client.get(reverse(name))) for name in ("consent:overview", "consent:check_new")
        ]
    for text in pages:
        assert MOVED_ON in text
        assert NOT_IMPORTED not in text


LAST_YEARS_GROUPS = "Er zijn nog geen groepen van schooljaar 2027-2028: de groepen hieronder"


def test_before_the_import_coverage_says_its_groups_are_last_years(
    login, director_a, school_a, pupil_a
):
    with time_machine.travel(FIRST_AUGUST, tick=False):
        client = login(director_a)
        text = _text(client.get(reverse("consent:coverage", args=[school_a.code])))
        export = client.get(reverse("consent:coverage_export", args=[school_a.code]))
    assert LAST_YEARS_GROUPS in text
    # the page, its export and the director's home name the same group and pupil
    assert "groep 5 1 " in text
    assert ";groep 5;1001;" in export.content.decode("utf-8-sig")


def test_after_the_import_coverage_says_nothing_of_last_year(login, director_a, school_a, moved_up):
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        text = _text(login(director_a).get(reverse("consent:coverage", args=[school_a.code])))
    assert LAST_YEARS_GROUPS not in text
    assert "groep 6" in text


def test_the_teachers_home_lists_this_years_groups_only(login, teacher_a, moved_up, group_a1):
    """The home's groups are the class overview's: last year's group, empty since the new
    list, is no "my group" (its "Consent in this group" opened a page with nobody)."""
    teacher_a.memberships.get().groups.add(moved_up)
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        page = login(teacher_a).get(reverse("accounts:home_teacher")).content.decode()
    assert reverse("consent:group_appear", args=[moved_up.pk]) in page
    assert reverse("consent:group_appear", args=[group_a1.pk]) not in page
    assert "2026-2027" not in _text_of(page)


def test_the_teachers_home_says_whom_to_ask_for_last_years_groups_only(
    login, teacher_a, moved_up, group_a1
):
    with time_machine.travel(FIRST_SEPTEMBER, tick=False):
        page = login(teacher_a).get(reverse("accounts:home_teacher")).content.decode()
    assert reverse("consent:group_appear", args=[group_a1.pk]) not in page
    assert "van een eerder schooljaar" in _text_of(page)
    assert "groep van schooljaar 2027-2028" in _text_of(page)


def _text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())
