"""Only current gezag-holders decide (DESIGN, Consent): when gezag changes, what was
granted and is not any more is taken down, as a withdrawal would be: a parent who loses
gezag no longer keeps a picture up with their "yes", one who gets it back counts with their
earlier "no"; by the import, the admin's edit or its removal of a link."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from conftest import give_totp, make_user
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from schools.importer import pupils_import
from schools.models import Guardianship
from schools.services import pupil_erase
from schools.tests.importfiles import csv_text, pupil_row

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    """Sem appears in a social-media photo his one gezag-holder allowed."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


def _sem_row(gezag: str) -> list[str]:
    """Sem's row in the school's import file, with parent A's gezag as given."""
    return pupil_row(
        number="1001", first="Sem", last="Bakker", parent1=("Ouder A", "ouder.a@example.org", gezag)
    )


def _import(school, gezag: str, **kwargs):
    return pupils_import(school=school, text=csv_text([_sem_row(gezag)]), today=TODAY, **kwargs)


def test_an_import_that_ends_the_consenting_parents_gezag_takes_the_picture_down(
    eager_tasks, django_capture_on_commit_callbacks, school_a, published, teacher_a, pupil_a
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _import(school_a, "nee")
    assert report.applied and report.guardianships_updated == 1
    task = TakedownTask.objects.get()
    assert (task.publication_check, task.pupil, task.assigned_to) == (published, pupil_a, teacher_a)
    assert task.reason == TakedownTask.Reason.AUTHORITY
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]
    assert "Sem" not in mail.outbox[0].body and "Bakker" not in mail.outbox[0].body


def test_an_import_that_keeps_the_gezag_takes_nothing_down(school_a, published):
    _import(school_a, "ja")
    assert not TakedownTask.objects.exists()


def test_a_dry_run_takes_nothing_down(school_a, published):
    report = _import(school_a, "nee", dry_run=True)
    assert report.guardianships_updated == 1 and not report.applied
    assert not TakedownTask.objects.exists()


def test_the_other_parents_yes_keeps_the_picture_up(school_a, published, pupil_a):
    other = make_user("ouder.a2@example.org", full_name="Ouder A2")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "sociale-media", "photo", True)
    _import(school_a, "nee")
    assert not TakedownTask.objects.exists()


def test_only_what_the_parent_had_allowed_is_taken_down(school_a, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    allowed = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    # never allowed: the website photo was not taken down when it was made, nor now
    publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    _import(school_a, "nee")
    assert list(TakedownTask.objects.values_list("publication_check", flat=True)) == [allowed.pk]


def test_ending_gezag_in_the_admin_takes_the_picture_down(published, parent_a, pupil_a):
    link = Guardianship.objects.get(user=parent_a, pupil=pupil_a)
    link.has_parental_authority = False
    link.save()
    assert TakedownTask.objects.get().reason == TakedownTask.Reason.AUTHORITY


def test_saving_a_link_unchanged_takes_nothing_down(published, parent_a, pupil_a):
    Guardianship.objects.get(user=parent_a, pupil=pupil_a).save()
    assert not TakedownTask.objects.exists()


def test_removing_a_consenting_parents_link_takes_the_picture_down(published, parent_a, pupil_a):
    Guardianship.objects.get(user=parent_a, pupil=pupil_a).delete()
    assert TakedownTask.objects.get().pupil == pupil_a


def test_removing_a_link_in_the_admin_with_its_gezag_box_unticked_takes_the_picture_down(
    client, published, parent_a, pupil_a
):
    """The admin's pupil page: the parent's row is deleted and its gezag box unticked in
    the same save. The form hands the deletion the unticked row, but the parent held gezag
    until then: their "yes" no longer keeps the picture up."""
    client.force_login(give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True)))
    link = Guardianship.objects.get(user=parent_a, pupil=pupil_a)
    response = client.post(
        reverse("admin:schools_pupil_change", args=[pupil_a.pk]),
        {
            "school": pupil_a.school_id,
            "leerlingnummer": pupil_a.leerlingnummer,
            "first_name": pupil_a.first_name,
            "last_name": pupil_a.last_name,
            "birth_date": pupil_a.birth_date.isoformat(),
            "group": pupil_a.group_id,
            "guardianships-TOTAL_FORMS": "1",
            "guardianships-INITIAL_FORMS": "1",
            "guardianships-0-id": link.pk,
            "guardianships-0-pupil": pupil_a.pk,
            "guardianships-0-user": parent_a.pk,
            "guardianships-0-DELETE": "on",  # and has_parental_authority left unticked
        },
    )
    assert response.status_code == 302
    assert not Guardianship.objects.filter(pupil=pupil_a).exists()
    task = TakedownTask.objects.get()
    assert (task.pupil, task.reason) == (pupil_a, TakedownTask.Reason.AUTHORITY)


def test_ending_gezag_of_a_pupil_who_left_still_takes_the_picture_down(
    published, parent_a, pupil_a
):
    """Sem left last summer; his photo, posted while he was at school, is still up. Only
    erasing his record withdraws nothing; until then his consent decides as it did."""
    pupil_a.left_on = datetime.date(2026, 7, 15)
    pupil_a.save()
    link = Guardianship.objects.get(user=parent_a, pupil=pupil_a)
    link.has_parental_authority = False
    link.save()
    task = TakedownTask.objects.get()
    assert (task.pupil, task.reason) == (pupil_a, TakedownTask.Reason.AUTHORITY)


def test_erasing_a_pupil_who_left_takes_down_as_erased_not_as_gezag_lost(published, pupil_a):
    """The links removed by the erasure are no change of gezag; the erasure itself takes
    down what is still published (nobody can withdraw for the pupil after it)."""
    pupil_a.left_on = datetime.date(2024, 7, 15)
    pupil_a.save()
    pupil_erase(pupil=pupil_a)
    assert not Guardianship.objects.filter(pupil=pupil_a).exists()
    task = TakedownTask.objects.get()
    assert (task.publication_check, task.reason) == (published, TakedownTask.Reason.ERASED)


def _second_parent_who_said_no_then_lost_gezag(pupil):
    other = make_user("ouder.a2@example.org", full_name="Ouder A2")
    link = Guardianship.objects.create(user=other, pupil=pupil, has_parental_authority=True)
    decide(pupil, other, "sociale-media", "photo", False)
    link.has_parental_authority = False
    link.save()
    return link


def test_gezag_given_back_to_a_parent_who_said_no_takes_the_picture_down(
    teacher_a, parent_a, pupil_a
):
    link = _second_parent_who_said_no_then_lost_gezag(pupil_a)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    link.has_parental_authority = True
    link.save()
    assert TakedownTask.objects.get().reason == TakedownTask.Reason.AUTHORITY


def test_an_import_that_gives_gezag_back_takes_the_picture_down(
    school_a, teacher_a, parent_a, pupil_a
):
    _second_parent_who_said_no_then_lost_gezag(pupil_a)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    row = pupil_row(
        number="1001",
        first="Sem",
        last="Bakker",
        parent1=("Ouder A", "ouder.a@example.org", "ja"),
        parent2=("Ouder A2", "ouder.a2@example.org", "ja"),
    )
    pupils_import(school=school_a, text=csv_text([row]), today=TODAY)
    assert TakedownTask.objects.get().reason == TakedownTask.Reason.AUTHORITY


def test_a_new_parent_without_answers_keeps_the_picture_up(school_a, published, pupil_a):
    row = pupil_row(
        number="1001",
        first="Sem",
        last="Bakker",
        parent1=("Ouder A", "ouder.a@example.org", "ja"),
        parent2=("Nieuwe Ouder", "nieuw@example.org", "ja"),
    )
    pupils_import(school=school_a, text=csv_text([row]), today=TODAY)
    assert Guardianship.objects.filter(pupil=pupil_a, has_parental_authority=True).count() == 2
    assert not TakedownTask.objects.exists()
