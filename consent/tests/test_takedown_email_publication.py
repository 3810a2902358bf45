"""The takedown e-mail says which publication to take down: channel, medium, when it was
checked (to the minute) and the teacher's description, so a teacher who posted several
that day can tell them apart. It names no pupil, so a description that may hold a
pupil's name stays in the portal."""

import datetime

import pytest
from django.core import mail

from conftest import make_pupil
from consent.models import PublicationCheck
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from outbox.models import Duty
from outbox.services import duty_run


@pytest.fixture
def film(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "video", True)

    def made(note: str) -> PublicationCheck:
        check = publication_check_create(
            user=teacher_a,
            purpose=purpose("sociale-media"),
            media_type="video",
            pupils=[pupil_a],
            note=note,
        )
        checked_at = datetime.datetime(2026, 12, 3, 13, 5, tzinfo=datetime.UTC)
        PublicationCheck.objects.filter(pk=check.pk).update(created_at=checked_at)
        return check

    return made


def takedown_email(pupil, parent) -> str:
    decide(pupil, parent, "sociale-media", "video", False)
    duty = Duty.objects.get(key__startswith="takedown-email:")
    assert duty_run(duty_id=duty.pk)
    [message] = mail.outbox
    return " ".join(message.body.split())


def test_it_names_the_medium_the_time_and_the_description(film, parent_a, pupil_a):
    film("musical groep 8, tweede act")

    body = takedown_email(pupil_a, parent_a)

    assert "Soort: film" in body
    assert "Kanaal: “Sociale media van de school”" in body
    assert "Gecontroleerd op: 3 december 2026 14:05" in body  # Amsterdam time
    assert "Omschrijving: “musical groep 8, tweede act”" in body
    assert "Sem" not in body and "Bakker" not in body


def test_it_keeps_a_description_naming_a_pupil_of_the_check_in_the_portal(film, parent_a, pupil_a):
    film("Sem Bakker zingt")

    body = takedown_email(pupil_a, parent_a)

    assert "Sem" not in body and "Bakker" not in body and "zingt" not in body
    assert "Omschrijving: zie het portaal" in body
    assert "Soort: film" in body


def test_it_keeps_a_description_naming_another_pupil_of_the_school_in_the_portal(
    film, parent_a, pupil_a, pupil_a2
):
    film(f"met {pupil_a2.first_name.lower()} op het podium")

    body = takedown_email(pupil_a, parent_a)

    assert pupil_a2.first_name.lower() not in body.lower()
    assert "Omschrijving: zie het portaal" in body


@pytest.mark.parametrize(
    ("registered", "note"),
    [
        ("Zoë", "verjaardag Zoe in de klas"),  # typed in a hurry, without the diaeresis
        ("Chloe", "Chloë op het podium"),
        ("Daniël", "verjaardag Daniel"),
        ("Zoë", "verjaardag Zoe\u0308"),  # the diaeresis sent as a combining mark
        ("Sem", "Sems verjaardag"),  # the Dutch genitive: no apostrophe
    ],
)
def test_it_keeps_a_description_naming_a_pupil_written_otherwise_in_the_portal(
    film, parent_a, pupil_a, school_a, group_a1, registered, note
):
    make_pupil(school_a, group_a1, "1077", registered, "Jansen")
    film(note)

    body = takedown_email(pupil_a, parent_a)

    assert note.split()[0] not in body and note.split()[-1] not in body
    assert "Omschrijving: zie het portaal" in body


def test_it_keeps_a_description_with_ordinary_words_close_to_a_name(
    film, parent_a, pupil_a, school_a, group_a1
):
    make_pupil(school_a, group_a1, "1077", "Zoë", "Jansen")
    film("zoeken naar de schat")

    body = takedown_email(pupil_a, parent_a)

    assert "Omschrijving: “zoeken naar de schat”" in body


def test_without_a_description_it_says_nothing_about_one(film, parent_a, pupil_a):
    film("")

    body = takedown_email(pupil_a, parent_a)

    assert "Omschrijving" not in body and "Soort: film" in body


def test_a_description_costs_one_query_for_the_names(
    film, parent_a, pupil_a, django_assert_num_queries
):
    film("musical groep 8")
    decide(pupil_a, parent_a, "sociale-media", "video", False)
    duty = Duty.objects.get(key__startswith="takedown-email:")
    # the 18 of test_takedowns_undone's count without a description, and the names of
    # the school's pupils the description is compared with
    with django_assert_num_queries(19):
        assert duty_run(duty_id=duty.pk)


def test_a_description_erased_by_retention_is_said_to_be_erased(film, parent_a, pupil_a):
    check = film("")
    PublicationCheck.objects.filter(pk=check.pk).update(note_erased_on=datetime.date(2026, 12, 4))

    body = takedown_email(pupil_a, parent_a)

    assert "Omschrijving: gewist na de bewaartermijn" in body
