"""A handed-over takedown keeps who had it and since when the new assignee has it: the
director who receives it reads why it is theirs, also after the account it came from was
deleted; a task never handed over says nothing of the kind."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from conftest import make_staff
from consent.duties import takedown_email_send
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


@pytest.fixture
def withdrawn(eager_tasks, django_capture_on_commit_callbacks, published, parent_a, pupil_a):
    """The teacher's open task, e-mailed to them; the outbox emptied for the hand-over."""
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    mail.outbox.clear()
    return TakedownTask.objects.get()


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def _handed_over(task, before, name):
    """The task as stored, handed over from `name` between `before` and now."""
    task.refresh_from_db()
    assert task.handed_over_from_name == name
    assert before <= task.handed_over_at <= timezone.now()
    return task


def test_it_keeps_the_teacher_when_their_membership_ends(
    django_capture_on_commit_callbacks, withdrawn, login, teacher_a, director_a
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    task = _handed_over(withdrawn, before, "Juf.A")
    assert task.assigned_to == director_a
    day = _day(task.handed_over_at)
    [message] = mail.outbox
    body = " ".join(message.body.split())
    assert f"Deze taak is op {day} van Juf.A aan u overgedragen." in body
    assert "Sem" not in body and "Bakker" not in body
    client = login(director_a)
    assert f"Op {day} van Juf.A aan u overgedragen." in _text(
        client.get(reverse("consent:takedowns"))
    )
    check_page = _text(client.get(reverse("consent:check", args=[task.publication_check_id])))
    assert f"Op {day} van Juf.A aan u overgedragen." in check_page


def test_it_keeps_the_teacher_when_their_account_is_deactivated(
    withdrawn, login, teacher_a, director_a, school_a
):
    """The school's other director sees the task among the colleagues' ones, with whom it
    came from and when."""
    other_director = make_staff(
        "tweede.directeur@example.org", StaffMembership.Role.DIRECTOR, school_a
    )
    before = timezone.now()
    teacher_a.is_active = False
    teacher_a.save()
    task = _handed_over(withdrawn, before, "Juf.A")
    assert task.assigned_to == director_a
    page = _text(login(other_director).get(reverse("consent:takedowns")))
    assert f"Overgedragen van Juf.A op {_day(task.handed_over_at)}." in page
    assert "aan u overgedragen" not in page


def test_it_keeps_the_name_of_a_deleted_account(
    django_capture_on_commit_callbacks, withdrawn, login, teacher_a, director_a, board
):
    # The teacher left (the task went to the director), then the director's account is
    # deleted: the board member reads whose it was, though that account is gone.
    StaffMembership.objects.filter(user=teacher_a).delete()
    before = timezone.now()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        director_a.delete()
    task = _handed_over(withdrawn, before, "Directeur.A")
    assert task.assigned_to == board
    day = _day(task.handed_over_at)
    [message] = mail.outbox
    assert f"Deze taak is op {day} van Directeur.A aan u overgedragen." in " ".join(
        message.body.split()
    )
    page = _text(login(board).get(reverse("consent:takedowns")))
    assert f"Op {day} van Directeur.A aan u overgedragen." in page


def test_a_done_task_of_a_deleted_account_keeps_who_had_it_in_the_file(
    withdrawn, login, teacher_a, director_a, board, pupil_a
):
    """The done task stays as the record; its `done_by` is emptied with the account, the
    name it was handed over from is not."""
    StaffMembership.objects.filter(user=teacher_a).delete()
    TakedownTask.objects.update(done_at=timezone.now(), done_by=director_a)
    before = timezone.now()
    director_a.delete()
    task = _handed_over(withdrawn, before, "Directeur.A")
    assert task.done_by is None
    privacy = make_staff("privacy@example.org", StaffMembership.Role.PRIVACY_OFFICER)
    page = _text(login(privacy).get(reverse("consent:dossier", args=[pupil_a.pk])))
    when = date_format(timezone.localtime(task.handed_over_at), "j F Y H:i")
    assert f"overgedragen van Directeur.A op {when}" in page


def test_a_task_never_handed_over_says_nothing_of_it(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    login,
    teacher_a,
    director_a,
    parent_a,
    pupil_a,
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    assert (task.handed_over_at, task.handed_over_from_name) == (None, "")
    [message] = mail.outbox
    assert "overgedragen" not in message.body
    teacher_page = _text(login(teacher_a).get(reverse("consent:takedowns")))
    director = login(director_a)
    colleagues = _text(director.get(reverse("consent:takedowns")))
    check_page = _text(director.get(reverse("consent:check", args=[task.publication_check_id])))
    assert "Toegewezen aan Juf.A" in colleagues and "Toegewezen aan Juf.A" in check_page
    for page in (teacher_page, colleagues, check_page):
        assert "vergedragen" not in page


def test_it_keeps_the_name_without_direction_controls(
    django_capture_on_commit_callbacks, withdrawn, teacher_a, director_a
):
    """The name is a copy: one stored with U+202E before the forms dropped it
    (opo_portal.text) would make the task's line read as another on every page."""
    type(teacher_a).objects.filter(pk=teacher_a.pk).update(full_name="Juf\u202e.A\u2069")
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    _handed_over(withdrawn, before, "Juf.A")


def test_a_name_of_controls_only_is_handed_over_from_the_address(
    django_capture_on_commit_callbacks, withdrawn, teacher_a, director_a
):
    type(teacher_a).objects.filter(pk=teacher_a.pk).update(full_name="\u202e")
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    _handed_over(withdrawn, before, teacher_a.email)


def test_the_address_handed_over_from_is_without_direction_controls(
    django_capture_on_commit_callbacks, withdrawn, teacher_a, director_a
):
    """An address stored with a direction control before the forms refused one
    (opo_portal.fields) is copied without it, as a name is."""
    type(teacher_a).objects.filter(pk=teacher_a.pk).update(
        full_name="", email="juf.a@exa\u202emple.org"
    )
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    _handed_over(withdrawn, before, "juf.a@example.org")


@pytest.fixture
def from_nobody_named(django_capture_on_commit_callbacks, withdrawn, teacher_a, director_a):
    """A task handed over from a name of controls only, as migration 0022 left it: empty
    (only a hand-over from before it; one now keeps the address)."""
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    TakedownTask.objects.update(handed_over_from_name="")
    mail.outbox.clear()
    withdrawn.refresh_from_db()
    assert withdrawn.assigned_to == director_a
    return withdrawn


def _no_empty_name(text: str) -> None:
    assert "van op" not in text and "van aan u" not in text


def test_a_task_handed_over_from_no_name_says_from_a_colleague(
    from_nobody_named, login, director_a, school_a, board, pupil_a
):
    task = from_nobody_named
    day = _day(task.handed_over_at)
    director = login(director_a)
    for url in (
        reverse("consent:takedowns"),
        reverse("consent:check", args=[task.publication_check_id]),
    ):
        page = _text(director.get(url))
        assert f"Op {day} van een collega aan u overgedragen." in page
        _no_empty_name(page)
    other_director = make_staff(
        "tweede.directeur@example.org", StaffMembership.Role.DIRECTOR, school_a
    )
    page = _text(login(other_director).get(reverse("consent:takedowns")))
    assert f"Overgedragen van een collega op {day}." in page
    _no_empty_name(page)
    for page in (
        _text(director.get(reverse("accounts:home_director"))),
        _text(login(board).get(reverse("consent:school_takedowns", args=[school_a.code]))),
    ):
        assert f"overgedragen van een collega op {day}" in page
        _no_empty_name(page)
    privacy = make_staff("privacy@example.org", StaffMembership.Role.PRIVACY_OFFICER)
    page = _text(login(privacy).get(reverse("consent:dossier", args=[pupil_a.pk])))
    when = date_format(timezone.localtime(task.handed_over_at), "j F Y H:i")
    assert f"overgedragen van een collega op {when}" in page
    _no_empty_name(page)


def test_the_e_mail_of_a_task_handed_over_from_no_name_says_from_a_colleague(
    from_nobody_named, director_a
):
    task = from_nobody_named
    TakedownTask.objects.update(emailed_at=None)  # its e-mail still to go
    message = takedown_email_send(task_id=task.pk, user_id=director_a.pk)
    body = " ".join(message.body.split())
    assert f"Deze taak is op {_day(task.handed_over_at)} van een collega aan u overgedragen." in (
        body
    )
    _no_empty_name(body)
