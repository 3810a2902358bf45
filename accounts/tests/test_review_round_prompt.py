"""The director's home offers the yearly review round (Jaarronde) until it is opened for
this school year: the round was on the coverage page only, where nothing said it was due."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from consent.models import ReviewRound
from consent.services import review_confirm_unchanged
from schools.models import Guardianship, Pupil

# 10:00 in Amsterdam, in school year 2026-2027
IN_THE_SCHOOL_YEAR = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
DUE = "De jaarronde van 2026-2027 is nog niet geopend"


@pytest.fixture(autouse=True)
def _in_the_school_year():
    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        yield


def _home(client) -> str:
    return client.get(reverse("accounts:home_director")).content.decode()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_home_links_to_the_round_until_it_is_opened(login, director_a, school_a, pupil_a):
    client = login(director_a)
    html = _home(client)
    assert DUE in _text(html)
    link = re.search(r'<a href="([^"]+)">De jaarronde van 2026-2027', html)
    assert link is not None
    assert link.group(1) == reverse("consent:review_round", args=[school_a.code])
    assert "Er vraagt niets uw aandacht" not in _text(html)

    opened = client.post(reverse("consent:review_round", args=[school_a.code]))
    assert opened.status_code == 302
    assert ReviewRound.objects.filter(school=school_a, school_year="2026-2027").exists()
    assert DUE not in _text(_home(client))


def test_last_years_round_does_not_count(login, director_a, school_a, pupil_a):
    ReviewRound.objects.create(school=school_a, school_year="2025-2026", opened_by=director_a)
    assert DUE in _text(_home(login(director_a)))


def test_another_schools_round_does_not_count(login, director_a, school_a, school_b, pupil_a):
    ReviewRound.objects.create(school=school_b, school_year="2026-2027", opened_by=director_a)
    assert DUE in _text(_home(login(director_a)))


def test_a_school_without_current_pupils_is_not_asked(login, director_a, school_a, pupil_a):
    Pupil.objects.filter(school=school_a).update(left_on=datetime.date(2026, 7, 31))
    assert "jaarronde" not in _text(_home(login(director_a))).lower()


def _coverage(client, school) -> str:
    return client.get(reverse("consent:coverage", args=[school.code])).content.decode()


def test_once_opened_the_home_shows_the_rounds_progress_as_coverage_does(
    login, director_a, school_a, pupil_a, parent_a
):
    """The home said nothing of the round once it was open; only coverage showed how many
    parents had confirmed. The home shows the same figure, with a link to coverage."""
    review_round = ReviewRound.objects.create(
        school=school_a, school_year="2026-2027", opened_by=director_a
    )
    review_confirm_unchanged(review_round=review_round, user=parent_a, pupil=pupil_a)
    client = login(director_a)
    figure = "De jaarronde 2026-2027 is geopend op 1 december 2026; tot nu toe 1 bevestiging"

    html = _home(client)

    assert figure in _text(html)
    assert figure in _text(_coverage(client, school_a))
    coverage = reverse("consent:coverage", args=[school_a.code])
    assert f'bevestiging van ongewijzigde keuzes. <a href="{coverage}">' in " ".join(html.split())


def test_the_home_counts_only_confirmations_that_still_stand(
    login, director_a, school_a, pupil_a, parent_a
):
    """As on coverage: a confirmation by a parent whose gezag ended no longer counts."""
    review_round = ReviewRound.objects.create(
        school=school_a, school_year="2026-2027", opened_by=director_a
    )
    review_confirm_unchanged(review_round=review_round, user=parent_a, pupil=pupil_a)
    Guardianship.objects.filter(user=parent_a, pupil=pupil_a).update(has_parental_authority=False)
    client = login(director_a)
    figure = "tot nu toe 0 bevestigingen van ongewijzigde keuzes"
    assert figure in _text(_home(client))
    assert figure in _text(_coverage(client, school_a))


def test_another_schools_round_is_not_shown(login, director_a, school_a, school_b, pupil_a):
    ReviewRound.objects.create(school=school_b, school_year="2026-2027", opened_by=director_a)
    assert "is geopend op" not in _text(_home(login(director_a)))
