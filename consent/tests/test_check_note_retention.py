"""The retention task empties the free-text notes of publication checks (they may name a
pupil) and keeps the checks and their rows, so a later "no" still takes a photo down."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from conftest import make_user
from consent.models import Appearance, CheckedPupil, PublicationCheck, TakedownTask
from consent.services import (
    check_notes_erase_before,
    check_notes_erase_for_pupil,
    publication_check_create,
)
from consent.tests.helpers import decide, html_of, purpose
from schools.models import Guardianship, Pupil
from schools.tasks import erase_left_pupils

AMSTERDAM = datetime.timezone(datetime.timedelta(hours=2))
NOTE = "foto van Sem en Roos bij de musical"


def at(day: str, hour: int = 12):
    """Freeze the clock at an hour (Amsterdam summer time) on an ISO date."""
    moment = datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMSTERDAM)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def roos_parent(pupil_a2):
    user = make_user("ouder.roos@example.org")
    Guardianship.objects.create(user=user, pupil=pupil_a2, has_parental_authority=True)
    return user


def check_on(day: str, user, pupils, note=NOTE, hour=12, **kwargs) -> PublicationCheck:
    with at(day, hour):
        return publication_check_create(
            user=user,
            purpose=purpose("website"),
            media_type="photo",
            pupils=pupils,
            note=note,
            **kwargs,
        )


def leaves(pupil, day: str) -> None:
    Pupil.objects.filter(pk=pupil.pk).update(left_on=datetime.date.fromisoformat(day))


def run_retention(day: str) -> int:
    with at(day):
        return erase_left_pupils.apply().get()


def note_of(check) -> tuple[str, datetime.date | None]:
    check.refresh_from_db()
    return check.note, check.note_erased_on


def test_it_erases_the_note_of_every_check_that_recorded_the_erased_pupil(
    director_a, pupil_a, pupil_a2
):
    # The school recorded the leaving late: the check was made after the day Sem left,
    # within the term, so only Sem's erasure can remove his name from its note.
    left_out = {pupil_a.pk: Appearance.LEFT_OUT}
    first = check_on("2025-03-01", director_a, [pupil_a, pupil_a2])
    second = check_on("2025-03-02", director_a, [pupil_a, pupil_a2], appearances=left_out)
    other = check_on("2025-03-03", director_a, [pupil_a2], note="schoolreis groep 7")
    leaves(pupil_a, "2024-07-15")
    assert run_retention("2026-08-01") == 1
    erased = ("", datetime.date(2026, 8, 1))
    assert (note_of(first), note_of(second)) == (erased, erased)
    assert note_of(other) == ("schoolreis groep 7", None)


def test_it_erases_the_notes_of_checks_made_before_the_term_also_of_pupils_not_ticked(
    director_a, pupil_a2
):
    # "Sanne" is not ticked in the check (nor in the register): only the check's age
    # tells that any pupil it could name has passed the term.
    old = check_on("2024-07-31", director_a, [pupil_a2], note="musical, zonder Sanne", hour=23)
    kept = check_on("2024-08-01", director_a, [pupil_a2], note="musical, zonder Sanne", hour=0)
    run_retention("2026-08-01")
    assert note_of(old) == ("", datetime.date(2026, 8, 1))
    assert note_of(kept) == ("musical, zonder Sanne", None)


def test_it_keeps_the_check_and_its_rows_so_a_later_no_still_takes_the_photo_down(
    login, director_a, parent_a, roos_parent, pupil_a, pupil_a2
):
    with at("2024-05-01"):
        decide(pupil_a, parent_a, "website", "photo", True)
        decide(pupil_a2, roos_parent, "website", "photo", True)
    check = check_on("2024-05-01", director_a, [pupil_a, pupil_a2])
    leaves(pupil_a, "2024-07-15")
    run_retention("2026-08-01")
    rows = set(CheckedPupil.objects.values_list("publication_check", "pupil", "appearance"))
    assert rows == {(check.pk, pupil_a.pk, "appears"), (check.pk, pupil_a2.pk, "appears")}
    with at("2026-09-01"):
        decide(pupil_a2, roos_parent, "website", "photo", False)
    # Sem's erasure took the photo down for him; Roos's "no" makes her own task on it
    task = TakedownTask.objects.get(reason="answer")
    assert (task.publication_check_id, task.pupil_id) == (check.pk, pupil_a2.pk)
    client = login(director_a)
    takedowns = html_of(client.get(reverse("consent:takedowns")))
    detail = html_of(client.get(reverse("consent:check", args=[check.pk])))
    assert "omschrijving gewist na de bewaartermijn" in takedowns
    assert "Omschrijving gewist op 1 augustus 2026" in detail
    assert "musical" not in takedowns + detail and "Sem" not in takedowns + detail


def test_it_keeps_the_day_of_the_first_erasure_when_run_again(director_a, pupil_a2):
    check = check_on("2024-05-01", director_a, [pupil_a2])
    run_retention("2026-08-01")
    run_retention("2026-08-02")
    assert note_of(check) == ("", datetime.date(2026, 8, 1))


def test_it_erases_notes_in_one_query_each(
    django_assert_num_queries, director_a, pupil_a, pupil_a2
):
    for day in ("2024-05-01", "2024-05-02", "2024-05-03"):
        check_on(day, director_a, [pupil_a, pupil_a2])
    today = datetime.date(2026, 8, 1)
    # UPDATE … WHERE id IN (checks with a row for the pupil) AND note <> ''
    with django_assert_num_queries(1):
        assert check_notes_erase_for_pupil(pupil_id=pupil_a.pk, today=today) == 3
    check_on("2024-05-04", director_a, [pupil_a2])
    # UPDATE … WHERE created_at < 1 August 2024 AND note <> '' (the partial index)
    with django_assert_num_queries(1):
        assert check_notes_erase_before(day=datetime.date(2024, 8, 1), today=today) == 1


def test_it_asks_the_teacher_not_to_type_pupils_names_in_the_note(login, teacher_a):
    html = login(teacher_a).get(reverse("consent:check_new")).content.decode()
    assert 'aria-describedby="id_note_helptext"' in html
    assert (
        '<p class="help" id="id_note_helptext">Typ hier geen namen van leerlingen: wie erop'
        " staat, kiest u hierboven." in html
    )


def test_an_open_task_of_an_erased_pupil_still_says_whom_it_is_about(
    login, director_a, parent_a, pupil_a
):
    """Sem's parent withdrew and the photo is still up when Sem's record is erased: the
    task stays open, and says it is about a pupil who left rather than an empty name."""
    with at("2024-05-01"):
        decide(pupil_a, parent_a, "website", "photo", True)
    check_on("2024-05-01", director_a, [pupil_a])
    with at("2024-06-01"):
        decide(pupil_a, parent_a, "website", "photo", False)
    leaves(pupil_a, "2024-07-15")
    run_retention("2026-08-01")
    assert TakedownTask.objects.get().done_at is None
    page = " ".join(login(director_a).get(reverse("consent:takedowns")).content.decode().split())
    assert "Te doen: een leerling die de school heeft verlaten (gegevens gewist)</h2>" in page
    check = TakedownTask.objects.get().publication_check_id
    detail = login(director_a).get(reverse("consent:check", args=[check])).content.decode()
    assert '<th scope="row">een leerling die de school heeft verlaten (gegevens gewist)</th>' in (
        detail
    )


def test_erasing_a_pupil_takes_down_what_is_still_published_of_them(
    eager_tasks, django_capture_on_commit_callbacks, login, director_a, parent_a, pupil_a, pupil_a2
):
    """After the erasure nobody can withdraw for the pupil (the parents are unlinked): a
    picture still up would stay up for good, so the erasure takes it down."""
    from django.core import mail

    with at("2024-05-01"):
        decide(pupil_a, parent_a, "website", "photo", True)
    check = check_on("2024-05-01", director_a, [pupil_a, pupil_a2])
    blurred = check_on(
        "2024-05-02", director_a, [pupil_a], appearances={pupil_a.pk: Appearance.UNRECOGNISABLE}
    )
    leaves(pupil_a, "2024-07-15")
    with django_capture_on_commit_callbacks(execute=True):
        run_retention("2026-08-01")
    task = TakedownTask.objects.get()
    assert (task.publication_check_id, task.pupil_id, task.assigned_to_id, task.reason) == (
        check.pk,
        pupil_a.pk,
        director_a.pk,
        "erased",
    )
    assert blurred.pk != task.publication_check_id
    [message] = mail.outbox
    assert message.to == [director_a.email] and "Sem" not in message.body
    page = " ".join(login(director_a).get(reverse("consent:takedowns")).content.decode().split())
    assert "Te doen: een leerling die de school heeft verlaten (gegevens gewist)</h2>" in page
