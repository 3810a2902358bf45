"""The time a takedown names for a post whose check was adjusted (a newer check replaces
it: the teacher blurred or left out a pupil). Its open task follows the post to the newer
check (test_takedowns_adjusted_check.py), and since 2026-12-07 the cards still name when
the post was first checked, the time its e-mail named, with when it was adjusted; the
e-mail of a task made on the adjusted check names both too. Until then the cards named
the newer check's time only, which the e-mail sent before the adjustment never named."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from conftest import make_pupil
from consent.models import Appearance, PublicationCheck, TakedownTask
from consent.services import publication_check_adjust
from consent.tests.helpers import decide, photo_checked

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
CHECKED = datetime.datetime(2027, 1, 11, 9, 0, tzinfo=AMSTERDAM)
NO = datetime.datetime(2027, 1, 11, 9, 30, tzinfo=AMSTERDAM)
ADJUSTED = datetime.datetime(2027, 1, 12, 10, 15, tzinfo=AMSTERDAM)
LATER = datetime.datetime(2027, 1, 14, 12, 0, tzinfo=AMSTERDAM)  # the pages read
BOTH = "gecontroleerd op 11 januari 2027 09:00, aangepast op 12 januari 2027 10:15"


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def post(teacher_a, parent_a, school_a, group_a1, pupil_a):
    """Sem and Lotte in a photo for social media, checked on 11 January at 09:00."""
    lotte = make_pupil(school_a, group_a1, "1009", "Lotte", "Visser")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    with at(CHECKED):
        check = photo_checked(teacher_a, [pupil_a, lotte])
    return check, lotte


def adjust(teacher, check, lotte) -> PublicationCheck:
    with at(ADJUSTED):
        return publication_check_adjust(
            user=teacher, check=check, appearances={lotte.pk: Appearance.UNRECOGNISABLE}
        )


def say_no(capture, pupil, parent, moment):
    with at(moment), capture(execute=True):
        decide(pupil, parent, "sociale-media", "photo", False)


def test_a_task_moved_to_the_adjusted_check_names_the_time_its_email_named(
    eager_tasks, django_capture_on_commit_callbacks, login, post, teacher_a, parent_a, pupil_a
):
    check, lotte = post
    say_no(django_capture_on_commit_callbacks, pupil_a, parent_a, NO)
    [email] = mail.outbox
    assert "Gecontroleerd op: 11 januari 2027 09:00" in email.body
    newer = adjust(teacher_a, check, lotte)
    assert TakedownTask.objects.get().publication_check == newer  # it followed the post

    with at(LATER):
        client = login(teacher_a)
        card = client.get(reverse("consent:takedowns")).content.decode()
        home = client.get(reverse("accounts:home_teacher")).content.decode()
    assert BOTH in card
    assert "11 januari 2027" in home and "12 januari 2027" not in home


def test_a_task_made_on_the_adjusted_check_names_both_times_in_its_email_and_card(
    eager_tasks, django_capture_on_commit_callbacks, login, post, teacher_a, parent_a, pupil_a
):
    check, lotte = post
    adjust(teacher_a, check, lotte)
    say_no(
        django_capture_on_commit_callbacks,
        pupil_a,
        parent_a,
        ADJUSTED + datetime.timedelta(hours=1),
    )
    [email] = mail.outbox
    assert "die u op 11 januari 2027 " in email.body  # the sentence: when it was first checked
    assert "Gecontroleerd op: 11 januari 2027 09:00" in email.body
    assert "Aangepast op: 12 januari 2027 10:15" in email.body

    with at(LATER):
        card = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert BOTH in card


def test_a_check_adjusted_twice_names_the_first_check(
    eager_tasks, django_capture_on_commit_callbacks, login, post, teacher_a, parent_a, pupil_a
):
    check, lotte = post
    say_no(django_capture_on_commit_callbacks, pupil_a, parent_a, NO)
    newer = adjust(teacher_a, check, lotte)
    with at(ADJUSTED + datetime.timedelta(days=1)):
        newest = publication_check_adjust(
            user=teacher_a, check=newer, appearances={lotte.pk: Appearance.LEFT_OUT}
        )
    assert newest.first_checked_at == check.created_at
    with at(LATER):
        card = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    # its last adjustment, said as the last (test_takedowns_adjusted_twice.py)
    assert "gecontroleerd op 11 januari 2027 09:00, laatst aangepast op 13 januari 2027 10:15" in (
        card
    )


def test_a_check_never_adjusted_names_its_own_time(
    eager_tasks, django_capture_on_commit_callbacks, login, post, teacher_a, parent_a, pupil_a
):
    say_no(django_capture_on_commit_callbacks, pupil_a, parent_a, NO)
    [email] = mail.outbox
    assert "Aangepast op" not in email.body
    with at(LATER):
        card = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "gecontroleerd op 11 januari 2027 09:00" in card and "aangepast op" not in card
