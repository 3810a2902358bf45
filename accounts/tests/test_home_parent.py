"""The parent's home: per child what waits for them, and no "your choices" for a child
they hold no gezag over (consent:child gives them no form)."""

import re

from django.urls import reverse

from conftest import make_user
from consent.services import review_round_open
from schools.models import Guardianship

REVIEW_DUE = "Kijk de keuzes voor Sem na voor"


def _home(client) -> str:
    html = client.get(reverse("accounts:home_parent")).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_it_says_which_child_awaits_the_yearly_review(login, parent_a, pupil_a, director_a):
    review_round_open(school=pupil_a.school, user=director_a)
    client = login(parent_a)
    assert REVIEW_DUE in _home(client)
    client.post(reverse("consent:review_unchanged", args=[pupil_a.pk]))
    assert REVIEW_DUE not in _home(client)


def test_it_asks_no_review_before_the_school_opens_it(login, parent_a, pupil_a):
    assert REVIEW_DUE not in _home(login(parent_a))


def test_it_offers_a_parent_without_gezag_no_choices_of_their_own(login, pupil_a, director_a):
    review_round_open(school=pupil_a.school, user=director_a)
    stepparent = make_user("stief@example.org", full_name="Stiefouder")
    Guardianship.objects.create(user=stepparent, pupil=pupil_a, has_parental_authority=False)
    text = _home(login(stepparent))
    assert "uw keuzes" not in text
    assert "Foto, film en geluid: de keuzes van de ouders met gezag" in text
    assert REVIEW_DUE not in text


def test_it_reads_the_children_in_one_query(
    login, parent_a, pupil_a, pupil_b, director_a, django_assert_num_queries
):
    Guardianship.objects.create(user=parent_a, pupil=pupil_b, has_parental_authority=False)
    review_round_open(school=pupil_a.school, user=director_a)
    client = login(parent_a)
    client.get(reverse("accounts:home_parent"))
    # 1 the user, 2 their staff memberships (the menu), 3 the children with their school
    # and group, gezag and waiting review round (subqueries, no query per child)
    with django_assert_num_queries(3):
        client.get(reverse("accounts:home_parent"))
