"""Pupils who left are erased two school years later; the consent events stay as proof."""

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse

from consent.models import ConsentEvent, MediaType
from consent.tests.helpers import decide
from schools.models import Guardianship, Pupil
from schools.services import erase_after
from schools.tasks import erase_left_pupils

AMSTERDAM = datetime.timezone(datetime.timedelta(hours=2))


def at(day: str):
    """Freeze the clock at noon (Amsterdam summer time) on an ISO date."""
    moment = datetime.datetime.fromisoformat(day).replace(hour=12, tzinfo=AMSTERDAM)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def left_pupil(pupil_a, parent_a):
    decide(pupil_a, parent_a, "website", MediaType.PHOTO, True)
    Pupil.objects.filter(pk=pupil_a.pk).update(left_on=datetime.date(2024, 7, 15))
    pupil_a.refresh_from_db()
    return pupil_a


@pytest.mark.parametrize(
    ("left_on", "erased_from"),
    [
        ("2024-07-15", "2026-08-01"),  # left in school year 2023-2024
        ("2024-07-31", "2026-08-01"),
        ("2024-08-01", "2027-08-01"),  # the first day of 2024-2025
        ("2025-01-10", "2027-08-01"),
    ],
)
def test_it_counts_two_full_school_years_after_the_year_of_leaving(left_on, erased_from):
    assert erase_after(datetime.date.fromisoformat(left_on)) == datetime.date.fromisoformat(
        erased_from
    )


def test_it_keeps_a_pupil_until_the_term_has_passed(left_pupil):
    with at("2026-07-31"):
        assert erase_left_pupils.apply().get() == 0
    left_pupil.refresh_from_db()
    assert (left_pupil.first_name, left_pupil.is_erased) == ("Sem", False)
    assert Guardianship.objects.filter(pupil=left_pupil).exists()


def test_it_erases_what_identifies_the_pupil_on_the_first_day_after_the_term(left_pupil):
    with at("2026-08-01"):
        assert erase_left_pupils.apply().get() == 1
    left_pupil.refresh_from_db()
    assert (left_pupil.first_name, left_pupil.name_prefix, left_pupil.last_name) == ("", "", "")
    assert left_pupil.leerlingnummer == f"erased-{left_pupil.pk}"
    assert left_pupil.birth_date == datetime.date(2018, 1, 1)
    assert (left_pupil.group, left_pupil.not_in_picture) == (None, False)
    assert left_pupil.is_erased
    assert not Guardianship.objects.filter(pupil=left_pupil).exists()


def test_it_erases_the_name_from_the_admin_history(left_pupil, rf, admin_user):
    from django.contrib import admin
    from django.contrib.admin.models import LogEntry

    request = rf.post("/admin/")
    request.user = admin_user
    guardianship = Guardianship.objects.filter(pupil=left_pupil).first()
    model_admin = admin.site._registry[Pupil]
    model_admin.log_change(request, left_pupil, [{"changed": {"fields": ["not_in_picture"]}}])
    admin.site._registry[Guardianship].log_change(request, guardianship, "changed")
    admin.site._registry[Guardianship].log_deletions(request, [guardianship])
    with at("2026-08-01"):
        erase_left_pupils.apply()
    logged = list(LogEntry.objects.values_list("object_repr", "change_message"))
    assert len(logged) == 3
    assert not any("Bakker" in repr(entry) or "not_in_picture" in repr(entry) for entry in logged)
    assert not any(str(guardianship.user) in repr(entry) for entry in logged)


def test_it_keeps_the_consent_events_and_their_hashes_as_proof(left_pupil):
    before = list(ConsentEvent.objects.values_list("pk", "text_hash", "granted", "guardian"))
    with at("2027-01-01"):
        erase_left_pupils.apply()
    after = list(ConsentEvent.objects.values_list("pk", "text_hash", "granted", "guardian"))
    assert after == before and len(after) == 1


def test_it_leaves_current_pupils_and_recent_leavers_alone(left_pupil, pupil_a2, pupil_b):
    Pupil.objects.filter(pk=pupil_b.pk).update(left_on=datetime.date(2025, 9, 1))
    with at("2026-08-01"):
        assert erase_left_pupils.apply().get() == 1
    assert Pupil.objects.get(pk=pupil_a2.pk).first_name == "Roos"
    assert Pupil.objects.get(pk=pupil_b.pk).first_name == "Bram"


def test_it_erases_once_when_run_twice(left_pupil):
    with at("2026-08-01"):
        assert erase_left_pupils.apply().get() == 1
    with at("2026-08-02"):
        assert erase_left_pupils.apply().get() == 0
    left_pupil.refresh_from_db()
    assert left_pupil.is_erased and left_pupil.first_name == ""


def test_it_follows_the_configured_term(left_pupil, settings):
    settings.PUPIL_RETENTION_SCHOOL_YEARS = 1
    with at("2025-08-01"):
        assert erase_left_pupils.apply().get() == 1


def test_it_is_scheduled_daily_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["schools-erase-left-pupils"]
    assert entry["task"] == erase_left_pupils.name


def test_it_states_the_term_on_the_public_transparency_page(client, db, settings):
    settings.PUPIL_RETENTION_SCHOOL_YEARS = 3
    page = client.get(reverse("monitoring:privacy"), HTTP_ACCEPT_LANGUAGE="nl")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Leerlingen die de school verlaten hebben" in text
    assert "nog 3 schooljaren" in text


def test_it_tells_parents_that_teachers_notes_on_publications_go_too(client, db):
    page = client.get(reverse("monitoring:privacy"), HTTP_ACCEPT_LANGUAGE="nl")
    text = page.content.decode()
    assert "Wat een leraar bij de controle vóór het publiceren" in text
    assert "wordt gewist wat medewerkers erover vastlegden: hun notities" in text


def test_it_logs_one_erased_pupil_in_the_singular(left_pupil, caplog):
    with at("2026-08-01"), caplog.at_level(logging.INFO, logger="schools.services"):
        assert erase_left_pupils.apply().get() == 1
    assert "retention: erased 1 pupil who left" in caplog.text  # it said "1 pupils"
