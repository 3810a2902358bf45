"""The yearly review round across the turn of the school year (1 August, Amsterdam): a
round is of the school year of the day it is opened, so one opened in June ends on
31 July, and the page that opens it says so before the e-mails go out."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from consent.models import ReviewRound
from consent.services import review_confirm_unchanged, review_round_open

pytestmark = pytest.mark.django_db

# 10:00 in Amsterdam
IN_JUNE = datetime.datetime(2027, 6, 15, 8, 0, tzinfo=datetime.UTC)
LAST_DAY = datetime.datetime(2027, 7, 31, 21, 59, tzinfo=datetime.UTC)  # 23:59
FIRST_DAY = datetime.datetime(2027, 7, 31, 22, 0, tzinfo=datetime.UTC)  # 1 August, 00:00
IN_SEPTEMBER = datetime.datetime(2027, 9, 15, 8, 0, tzinfo=datetime.UTC)
ENDS = "Deze ronde hoort bij schooljaar 2026-2027, dat op 31 juli eindigt"


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def opened_in_june(director_a, school_a, parent_a, pupil_a):
    with time_machine.travel(IN_JUNE, tick=False):
        review_round = review_round_open(school=school_a, user=director_a)
        review_confirm_unchanged(review_round=review_round, user=parent_a, pupil=pupil_a)
    return review_round


def test_in_june_the_page_says_the_round_ends_on_31_july(login, director_a, school_a, pupil_a):
    with time_machine.travel(IN_JUNE, tick=False):
        text = _text(login(director_a).get(reverse("consent:review_round", args=[school_a.code])))
    assert ENDS in text
    assert "Open de ronde dan vanaf 1 augustus" in text


def test_in_september_the_page_says_nothing_of_an_ending_year(login, director_a, school_a, pupil_a):
    with time_machine.travel(IN_SEPTEMBER, tick=False):
        text = _text(login(director_a).get(reverse("consent:review_round", args=[school_a.code])))
    assert "Jaarronde 2027-2028" in text
    assert "31 juli" not in text


def test_a_round_opened_in_june_is_of_the_ending_year(opened_in_june):
    assert opened_in_june.school_year == "2026-2027"


def test_on_31_july_the_home_shows_its_progress(login, director_a, opened_in_june):
    with time_machine.travel(LAST_DAY, tick=False):
        text = _text(login(director_a).get(reverse("accounts:home_director")))
    assert "De jaarronde 2026-2027 is geopend op 15 juni 2027" in text
    assert "tot nu toe 1 bevestiging" in text


def test_on_1_august_the_home_asks_for_the_new_years_round(login, director_a, opened_in_june):
    with time_machine.travel(FIRST_DAY, tick=False):
        text = _text(login(director_a).get(reverse("accounts:home_director")))
    assert "De jaarronde van 2027-2028 is nog niet geopend" in text
    assert "bevestigingen van ongewijzigde keuzes" not in text
    assert "bevestiging van ongewijzigde keuzes" not in text


def test_on_1_august_last_years_confirmation_no_longer_counts_for_the_parent(
    login, parent_a, pupil_a, opened_in_june
):
    url = reverse("consent:child", args=[pupil_a.pk])
    with time_machine.travel(LAST_DAY, tick=False):
        before = login(parent_a).get(url)
    with time_machine.travel(FIRST_DAY, tick=False):
        after = login(parent_a).get(url)
    assert before.context["review_round"] == opened_in_june
    assert after.context["review_round"] is None


def test_in_september_a_round_of_this_year_opens_beside_last_years(
    login, director_a, school_a, pupil_a, opened_in_june
):
    with time_machine.travel(IN_SEPTEMBER, tick=False):
        response = login(director_a).post(reverse("consent:review_round", args=[school_a.code]))
    assert response.status_code == 302
    years = ReviewRound.objects.filter(school=school_a).values_list("school_year", flat=True)
    assert sorted(years) == ["2026-2027", "2027-2028"]
