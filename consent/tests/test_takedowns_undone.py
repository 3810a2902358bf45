"""A withdrawal undone before its takedown e-mail went out (the outbox was behind: Redis
or SMTP down, a busy worker): the e-mail reads the tasks as they are when it runs, and
tells the teacher only about a picture that must still come down. Through the real
outbox path: the duty is written with the "no", the "yes" comes, then the duty runs."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from outbox.models import Duty
from outbox.services import duty_run
from schools.models import StaffMembership


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


@pytest.fixture
def group_photo(teacher_a, group_a2, parent_a, pupil_a, parent_a2, pupil_a2):
    """Sem and Roos in one photo on Instagram, both allowed when it was checked."""
    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, pupil_a2],
    )


def run_takedown_duties() -> int:
    """Run every takedown e-mail duty still pending, as the worker would; how many ran."""
    pending = Duty.objects.filter(key__startswith="takedown-email:", status=Duty.Status.PENDING)
    return sum(duty_run(duty_id=pk) for pk in pending.order_by("pk").values_list("pk", flat=True))


def test_a_yes_given_again_before_the_email_went_out_sends_nothing(
    caplog, published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    with caplog.at_level(logging.INFO, logger="consent.duties"):
        assert run_takedown_duties() == 1  # the duty is done: nothing left to send
    assert mail.outbox == []
    assert TakedownTask.objects.get().emailed_at is None
    assert "not sent" in caplog.text and "Sem" not in caplog.text and "Bakker" not in caplog.text


def test_the_email_counts_only_the_pupils_who_still_need_the_picture_down(
    group_photo, teacher_a, parent_a, pupil_a, parent_a2, pupil_a2
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # Sem's parent took it back
    run_takedown_duties()
    [message] = mail.outbox
    assert message.to == [teacher_a.email]
    # one pupil, the singular sentence: not "2 leerlingen"
    assert "2 leerlingen" not in message.body and "een leerling" in message.body
    assert "Sem" not in message.body and "Roos" not in message.body


def test_a_second_no_after_an_email_that_was_not_needed_tells_the_teacher(
    published, teacher_a, parent_a, pupil_a
):
    """Withdrawn, given again before the e-mail went out (nothing sent), withdrawn again:
    the picture must come down now, and the teacher has not been told yet."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    run_takedown_duties()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    run_takedown_duties()
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]
    assert TakedownTask.objects.get().emailed_at is not None


def test_a_second_pupil_after_an_email_that_was_not_needed_tells_the_teacher(
    group_photo, teacher_a, parent_a, pupil_a, parent_a2, pupil_a2
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    run_takedown_duties()  # Sem may appear again: nothing sent
    decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    run_takedown_duties()
    [message] = mail.outbox
    assert message.to == [teacher_a.email] and "een leerling" in message.body


def test_a_second_no_while_the_first_email_is_still_waiting_sends_one_email(
    published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    run_takedown_duties()
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]
    run_takedown_duties()
    assert len(mail.outbox) == 1


def test_a_second_no_after_the_teacher_was_told_sends_no_second_email(
    published, teacher_a, parent_a, pupil_a
):
    """The task stayed open and the teacher was told: the picture is still to come down,
    one e-mail is enough."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    run_takedown_duties()
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    run_takedown_duties()
    assert len(mail.outbox) == 1


def test_a_task_handed_over_is_emailed_to_the_new_assignee_even_when_the_first_was_told(
    published, teacher_a, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    run_takedown_duties()
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_takedown_duties()
    assert [message.to for message in mail.outbox] == [[teacher_a.email], [director_a.email]]


def test_a_handed_over_task_that_is_no_longer_needed_sends_nothing(
    published, teacher_a, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    run_takedown_duties()
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_takedown_duties()
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]


def test_the_takedowns_page_after_a_second_no_says_to_take_it_down(
    login, published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    html = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "Te doen: Sem Bakker</h2>" in html
    assert "weer toegestaan" not in html and "Offline gehaald</button>" in html


def test_a_picture_taken_down_before_the_email_went_out_sends_nothing(
    login, published, teacher_a, parent_a, pupil_a
):
    """The teacher saw the task on the page and took the picture down before the outbox
    caught up: the e-mail would tell them to do what is done."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    login(teacher_a).post(reverse("consent:takedown_done", args=[task.pk]))
    run_takedown_duties()
    assert mail.outbox == []


def test_a_pupil_who_moved_to_another_school_before_the_email_still_has_it_sent(
    published, teacher_a, parent_a, pupil_a, school_b, group_b1
):
    """The picture was published at the first school and is still up: its teacher there
    takes it down, wherever the pupil is now."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    pupil_a.school, pupil_a.group = school_b, group_b1
    pupil_a.save()
    run_takedown_duties()
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]


def test_a_teacher_deactivated_before_the_email_went_out_is_not_the_one_told(
    published, teacher_a, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    teacher_a.is_active = False
    teacher_a.save()
    run_takedown_duties()
    assert [message.to for message in mail.outbox] == [[director_a.email]]
    assert TakedownTask.objects.get().emailed_at is not None


def test_the_email_gives_the_cause_of_the_pupils_it_counts(
    group_photo, teacher_a, parent_a, pupil_a, pupil_a2
):
    """Sem's "no" wrote the e-mail and was taken back; Roos may no longer be shown (the
    safeguarding flag, no parent's answer): the e-mail is about Roos, so it does not say a
    parent withdrew."""
    from consent.services import pupil_safeguarding_set

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    pupil_safeguarding_set(pupil=pupil_a2, not_in_picture=True)
    run_takedown_duties()
    [message] = mail.outbox
    assert "Een ouder heeft" not in message.body and "een ouder" not in message.body
    assert "een leerling die te zien is" in message.body


@pytest.mark.parametrize("pupils", [1, 2])
def test_it_sends_a_takedown_email_in_a_fixed_number_of_queries(
    django_assert_num_queries, group_photo, parent_a, pupil_a, parent_a2, pupil_a2, pupils
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    if pupils == 2:
        decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    [duty] = Duty.objects.filter(key__startswith="takedown-email:")
    # claim, load the duty; deciding (savepoint here, its own transaction in a worker):
    # the task, the picture's lock, the picture's open tasks, 3 for "allowed again", the
    # address, the language; after the send (savepoint): the lock again, mark told, the
    # tasks it did not count (none), the done mark
    with django_assert_num_queries(18):
        assert duty_run(duty_id=duty.pk)
    assert len(mail.outbox) == 1
