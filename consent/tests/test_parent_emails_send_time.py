"""The review round's and a change of meaning's e-mails go, at send time, only to someone
who is still a gezag-holder of a current pupil (of the round's school): a parent whose
link was removed, or whose gezag ended, after the fan-out wrote their duty (a queue or
mail outage, a retry) is sent nothing. The review e-mail names the school and tells the
reader they hold gezag of a pupil there; the reminder, the conflict and the takedown
e-mails already read their recipients at send time."""

import datetime

import pytest
from django.core import mail

from consent.duties import purpose_changed_fan_out, review_round_fan_out
from consent.models import Purpose
from consent.services import purpose_version_publish, review_round_open
from outbox.tests.helpers import run_due_duties
from schools.models import Guardianship

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _review_round_fanned_out(school, director):
    review_round = review_round_open(school=school, user=director)
    review_round_fan_out(round_id=review_round.pk)  # one duty per parent, not yet sent


def _change_of_meaning_fanned_out(board):
    version = purpose_version_publish(
        user=board,
        purpose=Purpose.objects.get(code="website"),
        text="Nieuwe betekenis.",
        kind="change_of_meaning",
    )
    purpose_changed_fan_out(version_id=version.pk)


def test_it_sends_the_review_round_to_the_gezag_holders_of_the_school(
    school_a, director_a, parent_a, parent_b
):
    _review_round_fanned_out(school_a, director_a)
    run_due_duties()
    assert recipients() == [parent_a.email]


def test_it_sends_no_review_round_e_mail_to_a_parent_whose_link_was_removed_since(
    school_a, director_a, parent_a
):
    _review_round_fanned_out(school_a, director_a)
    Guardianship.objects.filter(user=parent_a).delete()
    run_due_duties()
    assert recipients() == []


def test_it_sends_no_review_round_e_mail_to_a_parent_whose_gezag_ended_since(
    school_a, director_a, parent_a
):
    _review_round_fanned_out(school_a, director_a)
    link = Guardianship.objects.get(user=parent_a)
    link.has_parental_authority = False
    link.save()
    run_due_duties()
    assert recipients() == []


def test_it_sends_no_review_round_e_mail_once_the_only_child_at_the_school_left(
    school_a, director_a, parent_a, pupil_a
):
    _review_round_fanned_out(school_a, director_a)
    pupil_a.left_on = datetime.date(2026, 10, 1)
    pupil_a.save()
    run_due_duties()
    assert recipients() == []


def test_it_sends_the_review_round_to_a_parent_who_still_has_another_child_there(
    school_a, director_a, parent_a, pupil_a, pupil_a2
):
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    _review_round_fanned_out(school_a, director_a)
    pupil_a.left_on = datetime.date(2026, 10, 1)
    pupil_a.save()
    run_due_duties()
    assert recipients() == [parent_a.email]


def test_it_sends_the_changed_question_to_every_current_gezag_holder(board, parent_a, parent_b):
    _change_of_meaning_fanned_out(board)
    run_due_duties()
    assert recipients() == sorted([parent_a.email, parent_b.email])


def test_it_sends_no_changed_question_to_a_parent_whose_link_was_removed_since(
    board, parent_a, parent_b
):
    _change_of_meaning_fanned_out(board)
    Guardianship.objects.filter(user=parent_a).delete()
    run_due_duties()
    assert recipients() == [parent_b.email]
