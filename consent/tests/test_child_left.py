"""A parent whose child left the school: the portal says so, says that nothing new is
published and that a "no" still takes down what was, and asks no yearly review."""

import datetime

from django.urls import reverse

from consent.services import review_round_open


def left(pupil, day=datetime.date(2026, 7, 10)):
    pupil.left_on = day
    pupil.save()
    return pupil


def test_the_child_page_says_the_child_left_and_what_that_means(login, parent_a, pupil_a):
    left(pupil_a)
    html = login(parent_a).get(reverse("consent:child", args=[pupil_a.pk])).content.decode()
    assert "Sem heeft de school verlaten op 10 juli 2026." in html
    assert "De school publiceert niets nieuws meer van Sem" in html
    assert "als u nee antwoordt, haalt de school het offline" in html
    assert 'id="consent-form"' in html  # a "no" can still be given


def test_it_asks_no_yearly_review_for_a_child_who_left(login, parent_a, pupil_a, director_a):
    review_round_open(school=pupil_a.school, user=director_a)
    left(pupil_a)
    html = login(parent_a).get(reverse("consent:child", args=[pupil_a.pk])).content.decode()
    assert reverse("consent:review_unchanged", args=[pupil_a.pk]) not in html


def test_the_parents_lists_say_the_child_left(login, parent_a, pupil_a):
    left(pupil_a)
    client = login(parent_a)
    home = client.get(reverse("accounts:home_parent")).content.decode()
    assert "Heeft de school verlaten op 10 juli 2026" in home
    children = client.get(reverse("consent:my_children")).content.decode()
    assert f"Heeft {pupil_a.school.name} verlaten op 10 juli 2026" in children
