"""The assignment e-mail says where the case stands: a conversation the director already
planned is given by its day, not asked for again."""

import datetime

import pytest
from django.core import mail
from django.utils.dateformat import format as date_format
from django.utils.translation import override

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_pupil_case

pytestmark = pytest.mark.django_db
Status = FollowUp.Status


@pytest.fixture
def case_a(school_a):
    return make_pupil_case(school_a)


def _day_in_dutch(day: datetime.date) -> str:
    with override("nl"):
        return date_format(day, "j F Y")


def _assignment_mail(django_capture_on_commit_callbacks, case, teacher, **changes) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        services.followup_update(case=case, assigned_to=teacher, **changes)
    (message,) = mail.outbox
    return " ".join(message.body.split())


def test_it_gives_the_day_of_a_conversation_already_planned(
    django_capture_on_commit_callbacks, case_a, teacher_a
):
    day = services.school_date(case_a.opened_at) + datetime.timedelta(days=3)
    body = _assignment_mail(
        django_capture_on_commit_callbacks,
        case_a,
        teacher_a,
        status=Status.CONVERSATION_PLANNED,
        planned_for=day,
    )
    assert f"met een persoonlijk gesprek gepland op {_day_in_dutch(day)}" in body
    assert "gesprek plannen" not in body


def test_it_asks_for_a_conversation_when_none_is_planned(
    django_capture_on_commit_callbacks, case_a, teacher_a
):
    body = _assignment_mail(django_capture_on_commit_callbacks, case_a, teacher_a, status="new")
    assert "een persoonlijk gesprek plannen" in body


def test_it_gives_the_day_of_a_conversation_already_held(
    django_capture_on_commit_callbacks, case_a, teacher_a
):
    day = services.school_date(case_a.opened_at)
    body = _assignment_mail(
        django_capture_on_commit_callbacks,
        case_a,
        teacher_a,
        status=Status.CONVERSATION_HELD,
        held_on=day,
    )
    assert f"Het persoonlijke gesprek is gevoerd op {_day_in_dutch(day)}" in body
    assert "gesprek plannen" not in body
