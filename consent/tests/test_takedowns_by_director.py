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
    assert f"Als verwijderd gemarkeerd door {director_a.full_name} op" in body
    assert director_a.email not in body  # nobody else on the page bears the name
    assert 'action="{}"'.format(reverse("consent:takedown_done", args=[task.pk])) not in body


def test_the_director_tells_colleagues_of_one_name_apart_by_their_address(
    login, task, teacher_a, director_a, parent_a, pupil_a, school_a, group_a1
):
    """Two teachers named alike (two "J. de Vries"), each given a picture: each card names
    its teacher with their address beside the name."""
    namesake = make_staff("tweede.juf@example.org", StaffMembership.Role.TEACHER, school_a)
    StaffMembership.objects.get(user=namesake).groups.set([group_a1])
    namesake.full_name = "juf.a"
    namesake.save(update_fields=["full_name"])
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=namesake, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    body = login(director_a).get(reverse("consent:takedowns")).content.decode()
    assert "Toegewezen aan Juf.A (juf.a@example.org)" in body
    assert "Toegewezen aan juf.a (tweede.juf@example.org)" in body


def test_a_colleague_of_the_reader_s_own_name_reads_with_their_address(
    login, task, teacher_a, director_a
):
    """The page leaves the reader unnamed ("checked on", "taken offline on"): a colleague
    of the same name would read as the reader without the address."""
    director_a.full_name = teacher_a.full_name
    director_a.save(update_fields=["full_name"])
    body = login(director_a).get(reverse("consent:takedowns")).content.decode()
    assert "Toegewezen aan Juf.A (juf.a@example.org)" in body
    login(director_a).post(reverse("consent:takedown_done", args=[task.pk]))
    body = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "Als verwijderd gemarkeerd door Juf.A (directeur.a@example.org)" in body
    # the check's page shares the sentence and tells no namesakes apart: by name only
    check = login(teacher_a).get(reverse("consent:check", args=[task.publication_check_id]))
    assert "Als verwijderd gemarkeerd door Juf.A op" in check.content.decode()


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


def test_a_director_of_two_schools_reads_your_schools(
    login, task, director_a, school_b, group_b1, pupil_b, parent_b
):
    StaffMembership.objects.create(
        user=director_a, school=school_b, role=StaffMembership.Role.DIRECTOR
    )
    teacher_b = make_staff("juf.b@example.org", StaffMembership.Role.TEACHER, school_b, [group_b1])
    decide(pupil_b, parent_b, "website", "photo", True)
    publication_check_create(
        user=teacher_b, purpose=purpose("website"), media_type="photo", pupils=[pupil_b]
    )
    decide(pupil_b, parent_b, "website", "photo", False)
    body = login(director_a).get(reverse("consent:takedowns")).content.decode()
    assert "Nog open op uw scholen, bij een collega" in body
    assert "Nog open op uw school," not in body


def test_each_card_gives_the_time_of_the_check_as_the_e_mail_does(
    login, task, teacher_a, director_a, school_a
):
    """The e-mail said "Gecontroleerd op: 1 juli 2026 12:05"; the card only "1 juli 2026",
    so two checks of one day read alike. In Amsterdam time (10:05 UTC is 12:05 in July)."""
    import datetime

    from consent.models import PublicationCheck

    moment = datetime.datetime(2026, 7, 1, 10, 5, tzinfo=datetime.UTC)
    PublicationCheck.objects.filter(pk=task.publication_check_id).update(created_at=moment)
    own = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "gecontroleerd op 1 juli 2026 12:05" in own
    colleagues = login(director_a).get(reverse("consent:takedowns")).content.decode()
    assert "gecontroleerd op 1 juli 2026 12:05" in colleagues
    namesake = make_staff("collega@example.org", StaffMembership.Role.TEACHER, school_a)
    task.assigned_to = namesake  # a task given to someone other than its checker
    task.save(update_fields=["assigned_to"])
    theirs = login(namesake).get(reverse("consent:takedowns")).content.decode()
    assert f"gecontroleerd door {teacher_a.full_name} op 1 juli 2026 12:05" in theirs
