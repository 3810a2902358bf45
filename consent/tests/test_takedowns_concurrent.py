"""Two withdrawals at the same moment reach one picture: one task per pupil in it, and the
teacher is told once (one e-mail per picture), whichever transaction commits first.

Real concurrency on PostgreSQL: each withdrawal runs in its own thread, so on its own
database connection. The first withdrawal is held open before its commit while the
second runs as far as it can: to its end (then the first commits after it), or until it
waits for a row lock the first holds (PostgreSQL says so in pg_stat_activity). No sleep.
"""

import pytest
from django.core import mail
from django.db import connection

from conftest import at_the_same_moment, make_user, require_service
from consent.models import TakedownTask
from consent.services import (
    consent_withdraw,
    lock_pupils,
    publication_check_adjust,
    publication_check_create,
    purpose_version_publish,
)
from consent.tests.helpers import decide, purpose
from outbox.models import Duty
from schools.models import Guardianship, StaffMembership

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("join_flag_restored"),
]


@pytest.fixture(autouse=True)
def postgres():
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def second_parent(pupil, email):
    user = make_user(email)
    Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=True)
    return user


def takedown_duties():
    return Duty.objects.filter(key__startswith="takedown-email:")


def test_two_pupils_of_one_picture_withdrawn_at_once_tell_the_teacher_once(
    eager_tasks, teacher_a, group_a2, pupil_a, pupil_a2, parent_a
):
    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    parent_a2 = second_parent(pupil_a2, "ouder.roos@example.org")
    for pupil, parent in [(pupil_a, parent_a), (pupil_a2, parent_a2)]:
        decide(pupil, parent, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, pupil_a2],
    )
    at_the_same_moment(
        lambda: consent_withdraw(pupil=pupil_a, guardian=parent_a),
        lambda: consent_withdraw(pupil=pupil_a2, guardian=parent_a2),
    )
    tasks = TakedownTask.objects.filter(publication_check=check)
    assert sorted(tasks.values_list("pupil_id", flat=True)) == sorted([pupil_a.pk, pupil_a2.pk])
    assert takedown_duties().count() == 1
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]


def test_two_parents_of_one_pupil_saying_no_at_once_make_one_task_and_one_email(
    eager_tasks, teacher_a, pupil_a, parent_a
):
    other_parent = second_parent(pupil_a, "ouder.twee@example.org")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a, other_parent, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    at_the_same_moment(
        lambda: decide(pupil_a, parent_a, "sociale-media", "photo", False),
        lambda: decide(pupil_a, other_parent, "sociale-media", "photo", False),
    )
    assert TakedownTask.objects.filter(publication_check=check).count() == 1
    assert takedown_duties().count() == 1
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]


@pytest.mark.parametrize("withdrawal_first", [True, False])
def test_a_change_of_meaning_and_a_withdrawal_at_once_tell_the_teacher_once(
    eager_tasks, teacher_a, board, group_a2, pupil_a, pupil_a2, parent_a, withdrawal_first
):
    """A change of meaning takes no pupil lock: only the picture's own lock orders it
    against a withdrawal of one of its pupils. Neither fails (it was a deadlock: the "no"
    checks its reference to the purpose at commit, which the change of meaning had
    locked FOR UPDATE while it waited for the picture)."""
    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    parent_a2 = second_parent(pupil_a2, "ouder.roos@example.org")
    for pupil, parent in [(pupil_a, parent_a), (pupil_a2, parent_a2)]:
        decide(pupil, parent, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, pupil_a2],
    )

    def withdraw():
        consent_withdraw(pupil=pupil_a, guardian=parent_a)

    def change():
        purpose_version_publish(
            user=board,
            purpose=purpose("sociale-media"),
            text="Foto's op Instagram en TikTok.",
            kind="change_of_meaning",
        )

    at_the_same_moment(*((withdraw, change) if withdrawal_first else (change, withdraw)))
    assert TakedownTask.objects.filter(publication_check=check).count() == 2
    assert takedown_duties().count() == 1
    assert len([m for m in mail.outbox if m.to == [teacher_a.email]]) == 1


def test_an_adjusted_check_and_a_withdrawal_at_once_both_succeed(
    eager_tasks, teacher_a, pupil_a, parent_a
):
    """The teacher says who was blurred while a parent withdraws: the adjustment locks
    the pupils before the check, as a withdrawal does (it locked the check first: the
    withdrawal holding the pupil and waiting for the check, the adjustment holding the
    check and waiting for the pupil, was a deadlock and one of them an error page)."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    at_the_same_moment(
        lambda: lock_pupils([pupil_a.pk]),  # the withdrawal has its pupil, not yet the check
        lambda: publication_check_adjust(
            user=teacher_a, check=check, appearances={pupil_a.pk: "unrecognisable"}
        ),
        then=lambda: decide(pupil_a, parent_a, "sociale-media", "photo", False),
    )
    newer = check.replaced_by
    assert newer.checked_pupils.get().appearance == "unrecognisable"
    # the "no" came before the adjustment: the first check, still counting then, is taken down
    assert list(TakedownTask.objects.values_list("publication_check_id", flat=True)) == [check.pk]


@pytest.mark.parametrize("withdrawal_first", [True, False])
def test_an_email_not_needed_any_more_and_a_new_no_at_once_still_tell_the_teacher(
    teacher_a, group_a2, pupil_a, pupil_a2, parent_a, withdrawal_first
):
    """Sem's "no" was taken back before its e-mail went out; as that e-mail runs (and
    finds nothing to send), Roos's parent says no. Roos's "no" counts on the e-mail still
    waiting; the e-mail reads the picture's tasks under its lock, after Roos's task was
    committed or before it was looked up: either way the teacher is told, once."""
    from outbox.services import duty_run

    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    parent_a2 = second_parent(pupil_a2, "ouder.roos@example.org")
    for pupil, parent in [(pupil_a, parent_a), (pupil_a2, parent_a2)]:
        decide(pupil, parent, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, pupil_a2],
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    [waiting] = takedown_duties()

    def withdraw():
        decide(pupil_a2, parent_a2, "sociale-media", "photo", False)

    def email():
        duty_run(duty_id=waiting.pk)

    at_the_same_moment(*((withdraw, email) if withdrawal_first else (email, withdraw)))
    for pk in takedown_duties().filter(status=Duty.Status.PENDING).values_list("pk", flat=True):
        duty_run(duty_id=pk)
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]
    assert TakedownTask.objects.get(pupil=pupil_a2).emailed_at is not None
