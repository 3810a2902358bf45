"""A director can see a picture taken down when the colleague it was given to is away: the
school's open tasks are on the director's takedown page, the director marks one done, and
the colleague sees who did it. Nobody outside the school reaches the task."""

import pytest
from django.urls import reverse

from conftest import make_staff
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from schools.models import StaffMembership


@pytest.fixture
def task(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    return TakedownTask.objects.get(assigned_to=teacher_a)


def test_the_director_sees_the_teachers_open_task_and_marks_it_done(
    login, task, teacher_a, director_a, pupil_a
):
    client = login(director_a)
    body = client.get(reverse("consent:takedowns")).content.decode()
    assert "Nog open op uw school, bij een collega" in body
    assert pupil_a.full_name in body
    assert f"Toegewezen aan {teacher_a.full_name}" in body
    response = client.post(reverse("consent:takedown_done", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.done_by == director_a
    after = client.get(reverse("consent:takedowns")).content.decode()
    assert "Nog open op uw school, bij een collega" not in after


def test_the_teacher_sees_who_took_it_down(login, task, teacher_a, director_a):
    login(director_a).post(reverse("consent:takedown_done", args=[task.pk]))
    body = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert f"Als verwijderd gemarkeerd door {director_a.full_name}" in body
    assert 'action="{}"'.format(reverse("consent:takedown_done", args=[task.pk])) not in body


def test_a_second_director_of_the_school_can_act_on_a_handed_over_task(
    login, task, teacher_a, director_a, school_a
):
    """The teacher leaves: the task goes to the first director; the second can act too."""
    second = make_staff("tweede.directeur@example.org", StaffMembership.Role.DIRECTOR, school_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    task.refresh_from_db()
    assert task.assigned_to == director_a
    client = login(second)
    assert (
        "Nog open op uw school, bij een collega"
        in client.get(reverse("consent:takedowns")).content.decode()
    )
    client.post(reverse("consent:takedown_done", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_by == second


def test_a_director_of_another_school_gets_a_404_and_changes_nothing(login, task, director_b):
    client = login(director_b)
    response = client.post(reverse("consent:takedown_done", args=[task.pk]))
    assert response.status_code == 404
    assert "bij een collega" not in client.get(reverse("consent:takedowns")).content.decode()
    task.refresh_from_db()
    assert task.done_at is None


def test_a_teacher_colleague_at_the_same_school_cannot_mark_it(login, task, other_teacher):
    client = login(other_teacher)
    assert client.post(reverse("consent:takedown_done", args=[task.pk])).status_code == 404
    assert "bij een collega" not in client.get(reverse("consent:takedowns")).content.decode()
    task.refresh_from_db()
    assert task.done_at is None


@pytest.mark.parametrize("who", ["board", "privacy_officer"])
def test_the_board_and_the_privacy_officer_do_not_take_over_the_schools_tasks(
    request, login, task, who
):
    """Their reach of every school is not a director's: no list of every school's tasks,
    and the privacy officer, who only reads, marks nothing done."""
    client = login(request.getfixturevalue(who))
    assert "bij een collega" not in client.get(reverse("consent:takedowns")).content.decode()
    assert client.post(reverse("consent:takedown_done", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_a_privacy_officer_who_directs_another_school_reaches_only_that_schools_tasks(
    login, task, privacy_officer, school_b
):
    StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.DIRECTOR, school=school_b
    )
    client = login(privacy_officer)
    assert client.post(reverse("consent:takedown_done", args=[task.pk])).status_code == 404
