"""Addresses that read as another or that no e-mail reaches come in through none of the
schools' forms (opo_portal.fields.validate_email_address): a new teacher's (their account's
address, copied into the access history), the school's contact address (the Reply-To of its
e-mails; U+202E in its domain made every send fail), the admin's school. Each kind with its
own error, nothing stored. The kinds and the account forms: accounts/tests/test_address_refused.py.

The pupil import refuses a parent at an IP address in brackets or at a domain without a
dot by row (until 2026-12-07 it made a parent account at either), and drops the direction
controls from every cell, a parent's address too (schools.importfile)."""

import datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from schools.importer import pupils_import, read_text
from schools.models import Pupil, School, StaffMembership
from schools.tests.importfiles import csv_text, pupil_row

CONTROLS = "Een e-mailadres bevat geen onzichtbare tekens die de leesrichting omdraaien"
LITERAL = "Een e-mailadres heeft na de @ een domeinnaam (zoals school.nl)"
WITHOUT_DOT = "Een e-mailadres heeft na de @ een volledige domeinnaam"
REFUSED = [
    ("fleur@exa\u202emple.org", CONTROLS),
    ("fleur@example.org\u2069", CONTROLS),
    ("fle\u202aur@example.org", CONTROLS),
    ("fleur@[127.0.0.1]", LITERAL),
    ("fleur@localhost", WITHOUT_DOT),
    ("info@school", WITHOUT_DOT),
]
ONE_OF_EACH = [REFUSED[0], REFUSED[3], REFUSED[4]]


@pytest.mark.parametrize(("typed", "refused"), REFUSED)
def test_a_director_cannot_add_a_teacher_at_such_an_address(
    login, director_a, school_a, typed, refused
):
    client = login(director_a)
    url = reverse("schools:staff_teacher_add", args=[school_a.code])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)):
        response = client.post(url, {"full_name": "Fleur de Boer", "email": typed})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert refused in html and "Voer een geldig e-mailadres in." not in html
    assert not User.objects.filter(full_name="Fleur de Boer").exists()
    assert not StaffMembership.objects.filter(user__email__startswith="fle").exists()


@pytest.mark.parametrize(("typed", "refused"), REFUSED)
def test_the_school_s_contact_address_cannot_be_such_an_address(
    login, director_a, school_a, typed, refused
):
    url = reverse("schools:school_contact", args=[school_a.code])
    response = login(director_a).post(url, {"contact_email": typed})
    assert response.status_code == 400
    assert refused in response.content.decode()
    school_a.refresh_from_db()
    assert school_a.contact_email == ""
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(("typed", "refused"), ONE_OF_EACH)
def test_the_admin_refuses_such_a_contact_address(admin_client, typed, refused):
    form = {"code": "esdoorn", "name": "OBS De Esdoorn", "contact_email": typed}
    response = admin_client.post(reverse("admin:schools_school_add"), form)
    assert response.status_code == 200
    assert refused in response.content.decode()
    assert not School.objects.filter(code="esdoorn").exists()


@pytest.mark.parametrize(("typed", "_refused"), ONE_OF_EACH)
def test_a_stored_contact_address_the_form_refuses_is_no_reply_to(school_a, typed, _refused):
    """Stored before the form refused it: as one the form refuses, no Reply-To (the e-mail
    says replies are not read) rather than a send that fails on every try."""
    School.objects.filter(pk=school_a.pk).update(contact_email=typed)
    school_a.refresh_from_db()
    assert school_a.reply_to() == ""


def test_the_import_stores_a_parent_s_address_without_the_controls(school_a):
    row = pupil_row(parent1=("Eva Mulder", "\u202aeva.mul\u202eder@exa\u2066mple.org\u202c", "ja"))
    report = pupils_import(school=school_a, text=csv_text([row]), today=datetime.date(2026, 11, 24))
    assert report.errors == []
    assert list(User.objects.values_list("email", flat=True).filter(full_name="Eva Mulder")) == [
        "eva.mulder@example.org"
    ]


IMPORT_ERRORS = {
    LITERAL: "heeft na de @ een IP-adres tussen vierkante haken in plaats van een domeinnaam "
    "(zoals school.nl); vul het e-mailadres van deze ouder in",
    WITHOUT_DOT: "heeft na de @ geen volledige domeinnaam met een punt (zoals school.nl); "
    "vul het volledige e-mailadres van deze ouder in",
}


@pytest.mark.parametrize(
    ("column", "typed", "refused"),
    [
        ("ouder1_email", "fleur@[127.0.0.1]", LITERAL),
        ("ouder2_email", "FLEUR@[10.0.0.7]", LITERAL),
        ("ouder1_email", "fleur@localhost", WITHOUT_DOT),
        ("ouder2_email", "FLEUR@intranet", WITHOUT_DOT),
    ],
)
def test_the_import_refuses_a_parent_at_such_an_address(school_a, column, typed, refused):
    parent = ("Fleur", typed, "ja")
    if column == "ouder1_email":
        row = pupil_row(parent1=parent, parent2=("", "", ""))
    else:
        row = pupil_row(parent2=parent)
    text = read_text(csv_text([row]).encode("utf-8"))
    with translation.override("nl"):
        report = pupils_import(school=school_a, text=text, today=datetime.date(2026, 11, 24))
    assert report.errors == [f"rij 2: {column} “{typed}” {IMPORT_ERRORS[refused]}"]
    assert not report.applied
    assert not Pupil.objects.exists()
    assert not User.objects.filter(email__icontains="fleur").exists()


def test_a_director_cannot_add_a_teacher_at_an_address_longer_than_the_column(
    login, director_a, school_a
):
    """Django's e-mail field takes 320 characters, the account's column 254: a longer
    address was a 500 on PostgreSQL."""
    too_long = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
    client = login(director_a)
    url = reverse("schools:staff_teacher_add", args=[school_a.code])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)):
        response = client.post(url, {"full_name": "Fleur de Boer", "email": too_long})
    assert response.status_code in (200, 400)
    assert "niet meer dan 254 tekens" in response.content.decode()
    assert not User.objects.filter(full_name="Fleur de Boer").exists()
