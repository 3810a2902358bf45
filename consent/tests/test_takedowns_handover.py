"""A takedown reaches someone who can still take the picture down: the teacher who made
the check while they teach or direct at its school, else the school's director (or the
board when the school has none)."""

import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from conftest import make_staff
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from schools.models import StaffMembership


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


def _withdraw(parent, pupil, callbacks):
    with callbacks(execute=True):
        decide(pupil, parent, "sociale-media", "photo", False)


def test_a_withdrawal_after_the_teacher_left_goes_to_the_director(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    teacher_a,
    director_a,
    parent_a,
    pupil_a,
):
    StaffMembership.objects.filter(user=teacher_a).delete()
    _withdraw(parent_a, pupil_a, django_capture_on_commit_callbacks)
    assert TakedownTask.objects.get().assigned_to == director_a
    assert [message.to for message in mail.outbox] == [[director_a.email]]


def test_a_withdrawal_after_the_teacher_was_deactivated_goes_to_the_director(
    published, teacher_a, director_a, parent_a, pupil_a
):
    teacher_a.is_active = False
    teacher_a.save()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().assigned_to == director_a


def test_without_a_director_the_board_takes_it_down(published, teacher_a, board, parent_a, pupil_a):
    StaffMembership.objects.filter(user=teacher_a).delete()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().assigned_to == board


def test_the_teacher_who_stays_keeps_the_task(published, teacher_a, director_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().assigned_to == teacher_a


def test_an_open_task_moves_to_the_director_when_the_teacher_leaves(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    teacher_a,
    director_a,
    parent_a,
    pupil_a,
):
    _withdraw(parent_a, pupil_a, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    assert TakedownTask.objects.get().assigned_to == director_a
    assert [message.to for message in mail.outbox] == [[director_a.email]]
    assert "Sem" not in mail.outbox[0].body


def test_an_open_task_moves_when_the_teacher_is_deactivated(
    published, teacher_a, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    teacher_a.is_active = False
    teacher_a.save()
    assert TakedownTask.objects.get().assigned_to == director_a


def test_an_open_task_moves_when_the_membership_is_given_to_someone_else(
    published, teacher_a, director_a, outsider, parent_a, pupil_a
):
    # The admin's membership page lets the user be changed: the teacher left all the same.
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    membership = StaffMembership.objects.get(user=teacher_a)
    membership.user = outsider
    membership.save()
    assert TakedownTask.objects.get().assigned_to == director_a


def test_a_done_task_stays_with_the_teacher(published, teacher_a, director_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    TakedownTask.objects.update(done_at="2026-11-30T10:00Z")
    StaffMembership.objects.filter(user=teacher_a).delete()
    assert TakedownTask.objects.get().assigned_to == teacher_a


def test_leaving_another_school_keeps_this_schools_tasks(
    published, teacher_a, director_a, school_b, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    elsewhere = StaffMembership.objects.create(
        user=teacher_a, role=StaffMembership.Role.TEACHER, school=school_b
    )
    elsewhere.delete()
    assert TakedownTask.objects.get().assigned_to == teacher_a


def test_the_director_can_mark_a_handed_over_task_done(
    login, published, teacher_a, director_a, parent_a, pupil_a
):
    from django.urls import reverse

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    StaffMembership.objects.filter(user=teacher_a).delete()
    task = TakedownTask.objects.get()
    client = login(director_a)
    assert "Sem" in client.get(reverse("consent:takedowns")).content.decode()
    client.post(reverse("consent:takedown_done", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_task_handed_over_before_its_email_went_out_is_emailed_once(
    eager_tasks, published, teacher_a, director_a, parent_a, pupil_a
):
    """The teacher's e-mail was still waiting (Redis or SMTP down) when they left: the
    director gets the hand-over's e-mail, and the teacher's pending one sends nothing."""
    from django.utils import timezone

    from outbox.models import Duty
    from outbox.services import duties_sweep

    decide(pupil_a, parent_a, "sociale-media", "photo", False)  # not dispatched: no commit
    StaffMembership.objects.filter(user=teacher_a).delete()
    Duty.objects.update(next_attempt_at=timezone.now())
    duties_sweep()
    assert not Duty.objects.exclude(status=Duty.Status.DONE).exists()
    assert [message.to for message in mail.outbox] == [[director_a.email]]


def test_the_new_assignee_is_told_who_checked_it_and_why_it_is_theirs(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    published,
    teacher_a,
    director_a,
    parent_a,
    pupil_a,
):
    """The director did not check the publication: the e-mail and the page do not say "you
    checked" but name the teacher who did (whom the director can ask where it was posted),
    and still no pupil."""
    from django.urls import reverse

    _withdraw(parent_a, pupil_a, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    [message] = mail.outbox
    body = " ".join(message.body.split())
    assert "die Juf.A op " in body and "Juf.A werkt niet meer op OBS De Vlindertuin" in body
    assert "die u op" not in body and "Sem" not in body and "Bakker" not in body
    page = " ".join(login(director_a).get(reverse("consent:takedowns")).content.decode().split())
    assert "gecontroleerd door Juf.A op" in page


def test_the_teacher_who_checked_it_reads_that_they_did(
    eager_tasks, django_capture_on_commit_callbacks, published, parent_a, pupil_a
):
    _withdraw(parent_a, pupil_a, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert "die u op " in " ".join(message.body.split())


def test_a_board_member_who_still_leads_the_school_keeps_its_task(
    eager_tasks, django_capture_on_commit_callbacks, published, teacher_a, parent_a, pupil_a
):
    """A school without a director: its task went to the board member. A colleague with an
    older account joins the board, and the admin saves the first one's membership: they
    still lead the school, so nothing moves and nobody is e-mailed."""
    from conftest import make_staff, make_user

    older = make_user("al.lang.in.dienst@example.org")
    board_member = make_staff("bestuur@example.org", StaffMembership.Role.BOARD)
    StaffMembership.objects.filter(user=teacher_a).delete()
    _withdraw(parent_a, pupil_a, django_capture_on_commit_callbacks)
    assert TakedownTask.objects.get().assigned_to == board_member
    StaffMembership.objects.create(user=older, role=StaffMembership.Role.BOARD)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        board_member.memberships.get().save()
    assert TakedownTask.objects.get().assigned_to == board_member
    assert mail.outbox == []


def test_a_board_member_who_checked_a_publication_takes_it_down_themselves(
    eager_tasks, django_capture_on_commit_callbacks, board, director_a, parent_a, pupil_a
):
    """Board staff may check before posting (on the foundation's channels, say): the task
    goes to them, who posted it, not to the school's director, who cannot reach that post;
    and it stays with them while they are on the board."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=board, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    _withdraw(parent_a, pupil_a, django_capture_on_commit_callbacks)
    assert TakedownTask.objects.get().assigned_to == board
    [message] = mail.outbox
    assert message.to == [board.email] and "die u op " in " ".join(message.body.split())
    board.memberships.get().save()
    assert TakedownTask.objects.get().assigned_to == board
    StaffMembership.objects.filter(user=board).delete()
    assert TakedownTask.objects.get().assigned_to == director_a


# --- Nobody left to take it down: health says so (as for cases, ops.health) ---------------


def test_a_takedown_nobody_can_act_on_is_shown_by_health(
    client, settings, published, teacher_a, parent_a, pupil_a
):
    # the school has no director and the foundation no board member: the task stays with
    # the deactivated teacher, who cannot log in to take the picture down
    settings.REDIS_URL = ""  # readiness without worker and beat, as in development
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    teacher_a.is_active = False
    teacher_a.save()
    assert TakedownTask.objects.get().assigned_to == teacher_a
    response = client.get(reverse("health_ready"))
    assert response.status_code == 200  # not a reason to take a web node out
    body = json.loads(response.content)
    assert body["unanswered_takedowns"] == {"tasks": 1, "schools": ["vlindertuin"]}


def test_the_health_command_names_the_schools_of_takedowns_nobody_has(
    settings, capsys, published, teacher_a, parent_a, pupil_a
):
    settings.REDIS_URL = ""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    StaffMembership.objects.filter(user=teacher_a).delete()  # left; nobody else there
    call_command("health")
    out = capsys.readouterr().out
    assert "ALERT takedowns: 1" in out and "vlindertuin" in out


def test_no_takedown_is_unanswered_while_someone_can_act_on_it(
    published, teacher_a, director_a, parent_a, pupil_a, django_assert_num_queries
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    from consent.services import takedowns_nobody_has

    with django_assert_num_queries(1):
        assert takedowns_nobody_has() == {"tasks": 0, "schools": []}
    teacher_a.is_active = False
    teacher_a.save()  # moves to the director
    assert takedowns_nobody_has() == {"tasks": 0, "schools": []}


@pytest.mark.parametrize("role", ["director", "board"])
def test_a_director_or_board_member_named_later_is_handed_what_nobody_had(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    teacher_a,
    parent_a,
    pupil_a,
    school_a,
    role,
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    teacher_a.is_active = False
    teacher_a.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        named = make_staff(
            "nieuw@example.org",
            StaffMembership.Role(role),
            school_a if role == "director" else None,
        )
    assert TakedownTask.objects.get().assigned_to == named
    assert [message.to for message in mail.outbox] == [[named.email]]
    from consent.services import takedowns_nobody_has

    assert takedowns_nobody_has() == {"tasks": 0, "schools": []}
