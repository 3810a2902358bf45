"""A school without a director: what would go to its director goes to the board."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring import services
from monitoring.notifications import urgent_case_queue
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from outbox.services import duties_sweep


@pytest.fixture
def fact_case(school_b):
    case = make_case(school_b)
    make_flag(make_post(make_source(), text="Sluit Het Zwanenhof?"), school_b, "verify_fact", case)
    return case


def test_it_sends_an_urgent_case_to_the_board_when_the_school_has_no_director(
    school_b, board, director_a
):
    case = make_case(school_b, priority=0)
    assert urgent_case_queue(case=case) is True
    duties_sweep()
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_it_sends_an_urgent_case_only_to_the_director_when_there_is_one(
    school_b, board, director_b
):
    case = make_case(school_b, priority=0)
    assert urgent_case_queue(case=case) is True
    duties_sweep()
    assert [m.to for m in mail.outbox] == [[director_b.email]]


def test_it_lets_the_board_approve_a_reply_for_a_school_without_director(
    login, fact_case, board, teacher_a
):
    reply = services.public_reply_draft(case=fact_case, text="Nee.", user=board)
    page = login(board).get(reverse("monitoring:case", args=[fact_case.pk])).content.decode()
    assert reverse("monitoring:reply_approve", args=[reply.pk]) in page
    login(board).post(reverse("monitoring:reply_approve", args=[reply.pk]))
    reply.refresh_from_db()
    assert reply.approved_by == board


def test_it_keeps_approval_with_the_director_once_the_school_has_one(fact_case, board, director_b):
    reply = services.public_reply_draft(case=fact_case, text="Nee.", user=board)
    with pytest.raises(ValidationError):
        services.public_reply_approve(reply=reply, user=board)
