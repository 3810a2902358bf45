"""How a takedown task was closed is recorded: the picture was taken offline, or taking
it down was no longer needed (consent was given again for every pupil in it). The
record, and the takedowns page that shows the done ones, tell the two apart."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


def close(client, task, **data):
    return client.post(reverse("consent:takedown_done", args=[task.pk]), data)


def test_taking_a_picture_offline_is_recorded_as_taken_offline(
    login, published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    client = login(teacher_a)
    assert close(client, task, closed_reason="taken_down").status_code == 302
    task.refresh_from_db()
    assert task.closed_reason == TakedownTask.ClosedReason.TAKEN_DOWN
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert "Afgehandeld: Sem Bakker</h2>" in html
    assert "Offline gehaald op" in html and "niet meer nodig" not in html


def test_closing_as_no_longer_needed_is_recorded_apart(
    login, published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    task = TakedownTask.objects.get()
    client = login(teacher_a)
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert 'name="closed_reason" value="not_needed"' in html
    close(client, task, closed_reason="not_needed")
    task.refresh_from_db()
    assert task.closed_reason == TakedownTask.ClosedReason.NOT_NEEDED
    assert task.done_at is not None and task.done_by == teacher_a
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert "Afgesloten zonder offline halen: niet meer nodig" in html
    assert "Offline gehaald op" not in html


def test_the_done_cards_say_how_they_were_closed_in_english(
    login, published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    client = login(teacher_a)
    close(client, TakedownTask.objects.get(), closed_reason="not_needed")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert "Closed without taking it offline: no longer needed" in html


def test_a_director_sees_how_a_colleague_closed_it(
    login, published, teacher_a, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    task = TakedownTask.objects.get()
    close(login(director_a), task, closed_reason="not_needed")
    html = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "als niet meer nodig afgesloten door" in html


def test_no_longer_needed_is_refused_when_consent_was_withdrawn_again(
    login, published, teacher_a, parent_a, pupil_a
):
    """The page said "no longer needed"; the parent said no again before the click: the
    picture must still come down, so nothing is closed and the teacher is told why."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    client = login(teacher_a)
    client.get(reverse("consent:takedowns"))
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    response = close(client, task, closed_reason="not_needed")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is None and task.closed_reason == ""
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert "toestemming is intussen opnieuw ingetrokken" in html


def test_an_unknown_closed_reason_changes_nothing(login, published, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    client = login(teacher_a)
    assert close(client, task, closed_reason="gone").status_code == 302
    task.refresh_from_db()
    assert task.done_at is None
    assert "Onbekende keuze." in client.get(reverse("consent:takedowns")).content.decode()


def test_a_no_after_closing_as_no_longer_needed_makes_a_new_task(
    login, published, teacher_a, parent_a, pupil_a
):
    """Closed because consent came back, the picture stayed up: a later "no" must take it
    down again (and the first task stays as the record of the first round)."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    first = TakedownTask.objects.get()
    client = login(teacher_a)
    close(client, first, closed_reason="not_needed")
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    open_task = TakedownTask.objects.get(done_at=None)
    assert open_task.pk != first.pk and open_task.assigned_to == teacher_a
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert "Te doen: Sem Bakker</h2>" in html and "Offline gehaald</button>" in html


def test_a_no_after_a_yes_since_taking_it_offline_makes_a_new_task(
    login, published, teacher_a, parent_a, pupil_a
):
    """After the "yes" the teacher may have put it back up (test_takedowns_again)."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    first = TakedownTask.objects.get()
    close(login(teacher_a), first, closed_reason="taken_down")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.exclude(pk=first.pk).get().done_at is None


def test_the_migration_keeps_earlier_done_tasks_as_taken_offline(
    published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    TakedownTask.objects.update(done_at="2026-11-30T10:00Z", closed_reason="")
    migration = importlib.import_module("consent.migrations.0012_takedown_closed_reason")
    migration.done_tasks_were_taken_down(apps, None)
    assert TakedownTask.objects.get().closed_reason == "taken_down"


def test_a_picture_closed_as_no_longer_needed_still_counts_as_published(
    login, published, teacher_a, parent_a, pupil_a
):
    """It was left up: the board's and admin's "still visible" counts and a retired
    channel's place on the parent's page count it, in SQL as through the ORM."""
    from django.db import connection

    from consent.models import CheckedPupil, Purpose
    from consent.rules import (
        CHILD_PURPOSE_INFOS_SQL,
        _fetch,
        child_purpose_info_rows_orm,
        child_purpose_infos,
    )

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    close(login(teacher_a), TakedownTask.objects.get(), closed_reason="not_needed")
    assert CheckedPupil.objects.still_published().filter(pupil=pupil_a).count() == 1
    Purpose.objects.filter(code="sociale-media").update(active=False)
    assert child_purpose_infos(pupil_a.pk)[1] == {purpose("sociale-media").pk}
    rows = list(child_purpose_info_rows_orm(pupil_a.pk))
    assert any(row[-1] for row in rows)
    if connection.vendor == "postgresql":
        assert _fetch(CHILD_PURPOSE_INFOS_SQL, [pupil_a.pk, pupil_a.pk]) == rows
