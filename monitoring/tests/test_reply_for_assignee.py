"""A teacher who has a case with a claim to correct reads who drafts the correction.

The case page's "Openbare reactie" says a factual inaccuracy may be corrected, but the
assignee has no form to draft one (only the director or the board drafts: README "Pages").
The section ended there, so a teacher with a rumour about the school had no way on and no
word about it."""

import re

import pytest
from django.urls import reverse

from conftest import make_staff
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db

ASK_DIRECTOR = "Moet hier iets worden rechtgezet? Vraag dan de directeur om een correctie"
ASK_BOARD = "Moet hier iets worden rechtgezet? Vraag dan het bestuur om een correctie"


def _reply_section(response) -> str:
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return page[page.index("Openbare reactie") :]


def _fact_case(school, assignee, category="verify_fact"):
    case = make_case(school, assigned_to=assignee)
    make_flag(make_post(make_source(), text="Sluit de school?"), school, category, case)
    return case


def test_it_tells_the_assignee_to_ask_the_director(login, school_a, teacher_a, director_a):
    case = _fact_case(school_a, teacher_a)
    section = _reply_section(login(teacher_a).get(reverse("monitoring:case", args=[case.pk])))
    assert ASK_DIRECTOR in section
    assert "Correctie opstellen" not in section


def test_it_tells_the_assignee_to_ask_the_board_at_a_school_without_director(
    login, school_b, group_b1, board
):
    teacher = make_staff("juf.b@example.org", StaffMembership.Role.TEACHER, school_b, [group_b1])
    case = _fact_case(school_b, teacher)
    section = _reply_section(login(teacher).get(reverse("monitoring:case", args=[case.pk])))
    assert ASK_BOARD in section


def test_it_shows_the_director_the_form_and_not_the_advice(login, school_a, teacher_a, director_a):
    case = _fact_case(school_a, teacher_a)
    section = _reply_section(login(director_a).get(reverse("monitoring:case", args=[case.pk])))
    assert "Correctie opstellen" in section and "Vraag dan" not in section


def test_it_gives_no_advice_where_there_is_no_claim(login, school_a, teacher_a, director_a):
    case = _fact_case(school_a, teacher_a, category="negative_experience")
    section = _reply_section(login(teacher_a).get(reverse("monitoring:case", args=[case.pk])))
    assert "Vraag dan" not in section
    assert "geen feitelijke bewering om recht te zetten" in section
