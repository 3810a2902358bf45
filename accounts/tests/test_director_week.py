"""A director's week, walked through the real pages: what the home ("Wat vraagt aandacht")
says, and where its links and the director's e-mails land."""

import datetime
import re

import time_machine
from django.urls import reverse

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
