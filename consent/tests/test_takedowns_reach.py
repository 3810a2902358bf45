"""A withdrawal reaches every published picture: the ways consent for a pupil on a channel
can go, each giving one takedown per picture the pupil is in, told to someone who can
still take it down."""

import pytest
from django.core import mail

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


def test_a_task_of_a_deleted_account_goes_to_whoever_answers_for_the_school(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    teacher_a,
    director_a,
    board,
    parent_a,
    pupil_a,
):
    # The teacher left; the director got the task; then the director's account is deleted.
    StaffMembership.objects.filter(user=teacher_a).delete()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().assigned_to == director_a
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        director_a.delete()
    task = TakedownTask.objects.get()
    assert (task.assigned_to, task.done_at) == (board, None)
    assert [message.to for message in mail.outbox] == [[board.email]]


def test_a_done_task_of_a_deleted_account_stays_as_the_record_without_an_email(
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    teacher_a,
    director_a,
    board,
    parent_a,
    pupil_a,
):
    StaffMembership.objects.filter(user=teacher_a).delete()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    TakedownTask.objects.update(done_at="2026-11-30T10:00Z", done_by=director_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        director_a.delete()
    task = TakedownTask.objects.get()
    assert (task.assigned_to, task.done_by, task.is_open) == (board, None, False)
    assert mail.outbox == []


@pytest.fixture
def class_photo(teacher_a, parent_a, pupil_a, group_a1):
    """One photo of three pupils of the same family, all allowed."""
    from conftest import make_pupil
    from schools.models import Guardianship

    twins = [
        make_pupil(pupil_a.school, group_a1, f"20{n}", f"Tweeling{n}", "Jansen") for n in (1, 2)
    ]
    for twin in twins:
        Guardianship.objects.create(user=parent_a, pupil=twin, has_parental_authority=True)
    pupils = [pupil_a, *twins]
    for pupil in pupils:
        decide(pupil, parent_a, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=pupils
    )
    return check, pupils


def _takedown_mails():
    return [m for m in mail.outbox if "/toestemming/verwijderen/" in m.body]


def test_a_change_of_meaning_tells_the_teacher_once_per_picture_not_once_per_pupil(
    eager_tasks, django_capture_on_commit_callbacks, class_photo, teacher_a, board
):
    from consent.services import purpose_version_publish

    check, pupils = class_photo
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        purpose_version_publish(
            user=board, purpose=check.purpose, text="Nieuwe tekst", kind="change_of_meaning"
        )
    assert TakedownTask.objects.filter(publication_check=check).count() == 3
    assert [m.to for m in _takedown_mails()] == [[teacher_a.email]]
    assert "3 leerlingen" in _takedown_mails()[0].body
    assert not any(pupil.first_name in _takedown_mails()[0].body for pupil in pupils)
    assert not TakedownTask.objects.filter(emailed_at=None).exists()


def test_a_second_pupil_withdrawn_from_a_picture_still_to_take_down_sends_no_second_email(
    eager_tasks, django_capture_on_commit_callbacks, class_photo, teacher_a, parent_a
):
    check, pupils = class_photo
    mail.outbox.clear()
    for pupil in pupils[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            decide(pupil, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.filter(publication_check=check).count() == 2
    assert [m.to for m in _takedown_mails()] == [[teacher_a.email]]


def test_a_pupil_withdrawn_from_a_picture_already_taken_down_is_told_again(
    eager_tasks, django_capture_on_commit_callbacks, class_photo, teacher_a, parent_a
):
    # Marked done: the teacher may have put an edited photo back up; the safe side tells.
    check, pupils = class_photo
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupils[0], parent_a, "sociale-media", "photo", False)
    TakedownTask.objects.update(done_at="2026-11-30T10:00Z")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupils[1], parent_a, "sociale-media", "photo", False)
    assert [m.to for m in _takedown_mails()] == [[teacher_a.email]]


def _social_photo_no(**extra) -> dict:
    social = purpose("sociale-media")
    return {f"c-{social.pk}-photo": "no", f"v-{social.pk}": social.versions.get().pk, **extra}


def _leave(pupil):
    import datetime

    from schools.models import Pupil

    Pupil.objects.filter(pk=pupil.pk).update(left_on=datetime.date(2026, 7, 10))


def test_a_parent_still_withdraws_for_a_child_who_left(
    eager_tasks, django_capture_on_commit_callbacks, login, published, teacher_a, parent_a, pupil_a
):
    from django.urls import reverse

    _leave(pupil_a)
    client = login(parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consent:child", args=[pupil_a.pk]), _social_photo_no())
    assert response.status_code == 302
    assert TakedownTask.objects.get().assigned_to == teacher_a
    assert [m.to for m in _takedown_mails()] == [[teacher_a.email]]


def test_a_parent_withdraws_everything_for_a_child_who_left(
    login, published, teacher_a, parent_a, pupil_a
):
    from django.urls import reverse

    _leave(pupil_a)
    response = login(parent_a).post(
        reverse("consent:withdraw", args=[pupil_a.pk]), {"target": "all"}
    )
    assert response.status_code == 302
    assert TakedownTask.objects.get().assigned_to == teacher_a


def test_the_director_records_a_phone_no_for_a_child_who_left(
    login, published, teacher_a, director_a, parent_a, pupil_a
):
    from django.urls import reverse

    _leave(pupil_a)
    data = _social_photo_no(guardian=parent_a.pk, method="phone")
    response = login(director_a).post(reverse("consent:record", args=[pupil_a.pk]), data)
    assert response.status_code == 302
    assert TakedownTask.objects.get().assigned_to == teacher_a


def test_my_children_says_which_child_left_and_that_withdrawing_there_still_works(
    login, parent_a, pupil_a
):
    from django.urls import reverse

    _leave(pupil_a)
    page = login(parent_a).get(reverse("consent:my_children")).content.decode()
    assert "10 juli 2026" in page
    assert "intrekken" in page


def test_a_child_who_changed_school_is_withdrawn_for_per_record(
    login, published, teacher_a, parent_a, pupil_a, school_b, group_b1
):
    # The import at the new school makes a new record; the old one is marked as left.
    from django.urls import reverse

    from conftest import make_pupil
    from schools.models import Guardianship

    _leave(pupil_a)
    new_record = make_pupil(school_b, group_b1, "9001", pupil_a.first_name, pupil_a.last_name)
    Guardianship.objects.create(user=parent_a, pupil=new_record, has_parental_authority=True)
    client = login(parent_a)
    client.post(reverse("consent:withdraw", args=[new_record.pk]), {"target": "all"})
    assert not TakedownTask.objects.exists()  # the new school published nothing of the child
    page = client.get(reverse("consent:my_children")).content.decode()
    assert page.count("Keuzes voor Sem") == 2 and "10 juli 2026" in page
    client.post(reverse("consent:withdraw", args=[pupil_a.pk]), {"target": "all"})
    assert TakedownTask.objects.get().assigned_to == teacher_a


def _meaning_changed(check, board):
    from consent.services import purpose_version_publish

    purpose_version_publish(
        user=board, purpose=check.purpose, text="Nieuwe tekst", kind="change_of_meaning"
    )


def _flat(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_picture_that_lost_three_pupils_is_one_thing_to_take_down(
    login, class_photo, teacher_a, director_a, board
):
    import re

    from django.urls import reverse

    check, pupils = class_photo
    _meaning_changed(check, board)
    client = login(teacher_a)
    page = _flat(client.get(reverse("consent:takedowns")))
    assert page.count('<li class="card">') == 1
    assert all(pupil.first_name in page for pupil in pupils)
    menu = re.search(r'<a href="/toestemming/verwijderen/"[^>]*>(.*?)</a>', page)[1]
    assert '<span class="badge">1<span class="visually-hidden"> open</span></span>' in menu
    home = _flat(client.get(reverse("accounts:home_teacher")))
    assert "1 publicatie offline halen" in home
    director_home = _flat(login(director_a).get(reverse("accounts:home_director")))
    assert "1 publicatie moet nog worden verwijderd" in director_home


def test_taking_the_picture_down_closes_it_for_every_pupil_in_it(
    login, class_photo, teacher_a, other_teacher, board
):
    from django.urls import reverse

    check, pupils = class_photo
    _meaning_changed(check, board)
    first = TakedownTask.objects.filter(publication_check=check).first()
    done = reverse("consent:takedown_done", args=[first.pk])
    assert login(other_teacher).post(done).status_code == 404
    assert TakedownTask.objects.filter(done_at=None).count() == 3
    assert login(teacher_a).post(done).status_code == 302
    assert not TakedownTask.objects.filter(done_at=None).exists()
    assert set(TakedownTask.objects.values_list("done_by", flat=True)) == {teacher_a.pk}


def test_the_director_records_a_no_for_a_parent_whose_account_was_deactivated(
    login, published, teacher_a, director_a, parent_a, pupil_a
):
    # Deactivating an account withdraws nothing (its "ja" still counts); the parent, who
    # cannot log in, withdraws by phone and the director records it.
    from django.urls import reverse

    parent_a.is_active = False
    parent_a.save()
    assert not TakedownTask.objects.exists()
    data = _social_photo_no(guardian=parent_a.pk, method="phone")
    response = login(director_a).post(reverse("consent:record", args=[pupil_a.pk]), data)
    assert response.status_code == 302
    assert TakedownTask.objects.get().assigned_to == teacher_a


def test_the_pictures_still_to_take_down_come_first(
    login, published, teacher_a, parent_a, pupil_a, pupil_a2
):
    # PostgreSQL sorts NULL last: ordered by done_at alone, the done ones came first.
    from django.urls import reverse

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    TakedownTask.objects.update(done_at="2026-11-30T10:00Z", done_by=teacher_a)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    page = _flat(login(teacher_a).get(reverse("consent:takedowns")))
    assert page.index("Te doen: Sem") < page.index("Afgehandeld: Sem")
