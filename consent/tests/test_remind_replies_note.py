"""The reminder page says where parents' replies go. A parent with open questions at two
schools gets one reminder about both, without Reply-To (consent.duties._replies): the note
"Ouders die op deze e-mail antwoorden, schrijven naar <adres>" was shown for them too."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_pupil, make_user
from consent.services import reminders_send
from outbox.tests.helpers import run_due_duties
from schools.models import Guardianship

pytestmark = pytest.mark.django_db
ADDRESS = "info@vlindertuin.example"
EXCEPT = "Behalve 1 ouder die ook een kind met open vragen op een andere school heeft"


@pytest.fixture
def with_address(school_a):
    school_a.contact_email = ADDRESS
    school_a.save()
    return school_a


@pytest.fixture
def parent_at_two_schools(parent_a, pupil_b):
    Guardianship.objects.create(user=parent_a, pupil=pupil_b, has_parental_authority=True)
    return parent_a


def note_of(client, school) -> str:
    html = client.get(reverse("consent:remind", args=[school.code])).content.decode()
    return " ".join(html.split())


def test_the_note_names_the_parents_whose_reminder_has_no_reply_address(
    login, director_a, with_address, parent_at_two_schools, pupil_a2
):
    note = note_of(login(director_a), with_address)
    assert f"Ouders die op deze e-mail antwoorden, schrijven naar {ADDRESS}." in note
    assert EXCEPT in note
    # what the note says is what the e-mail does
    reminders_send(school=with_address)
    run_due_duties()
    [message] = mail.outbox
    assert message.reply_to == []
    assert "U bereikt de scholen zo" in message.body


def test_a_child_elsewhere_without_open_questions_changes_nothing(
    login, director_a, with_address, parent_at_two_schools, pupil_b
):
    pupil_b.not_in_picture = True  # never in a picture: no open question there
    pupil_b.save()
    note = note_of(login(director_a), with_address)
    assert f"schrijven naar {ADDRESS}." in note
    assert "Behalve" not in note
    reminders_send(school=with_address)
    run_due_duties()
    [message] = mail.outbox
    assert message.reply_to == [ADDRESS]


def test_without_an_address_the_note_stays_true_as_it_was(
    login, director_a, school_a, parent_at_two_schools
):
    note = note_of(login(director_a), school_a)
    assert "in de e-mail staat dat antwoorden niet worden gelezen" in note
    assert "Behalve" not in note


def add_two_school_families(n: int, *, start: int, school_a, school_b, groups) -> None:
    """n parents, each with a child with open questions at school A and at school B."""
    for i in range(start, start + n):
        parent = make_user(f"ouder{i}@example.org")
        for school, group, prefix in ((school_a, groups[0], "7"), (school_b, groups[1], "8")):
            pupil = make_pupil(school, group, f"{prefix}{i:04}", "Kind", f"Nr{i}")
            Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)


def test_the_count_runs_the_same_queries_for_3_and_for_30_such_parents(
    login, director_a, with_address, school_b, group_a1, group_b1
):
    client = login(director_a)
    families = {"school_a": with_address, "school_b": school_b, "groups": (group_a1, group_b1)}
    add_two_school_families(3, start=0, **families)
    note_of(client, with_address)
    with CaptureQueriesContext(connection) as three:
        assert "Behalve 3 ouders die ook" in note_of(client, with_address)
    add_two_school_families(27, start=100, **families)
    # the page's own, the plan's, and the count's: the parents' children at other schools,
    # the purposes, their gezag-holders and answers (consent_table)
    with CaptureQueriesContext(connection) as thirty:
        assert "Behalve 30 ouders die ook" in note_of(client, with_address)
    assert len(thirty.captured_queries) == len(three.captured_queries)
