"""No e-mail address with Unicode's direction controls comes in through the schools'
forms (opo_portal.fields.validate_email_address): a new teacher's (their account's
address, copied into the access history), the school's contact address (the Reply-To of
its e-mails; U+202E in its domain made every send fail). Django's validator takes them in
the domain. The pupil import drops them from every cell, a parent's address too
(schools.importfile), so none is stored from there either."""

import datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import User
from schools.importer import pupils_import
from schools.models import School, StaffMembership
from schools.tests.importfiles import csv_text, pupil_row

REFUSED = "Een e-mailadres bevat geen onzichtbare tekens die de leesrichting omdraaien"
ADDRESSES = ["fleur@exa\u202emple.org", "fleur@example.org\u2069", "fle\u202aur@example.org"]


@pytest.mark.parametrize("typed", ADDRESSES)
def test_a_director_cannot_add_a_teacher_at_such_an_address(login, director_a, school_a, typed):
    client = login(director_a)
    url = reverse("schools:staff_teacher_add", args=[school_a.code])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)):
        response = client.post(url, {"full_name": "Fleur de Boer", "email": typed})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert REFUSED in html and "Voer een geldig e-mailadres in." not in html
    assert not User.objects.filter(full_name="Fleur de Boer").exists()
    assert not StaffMembership.objects.filter(user__email__startswith="fle").exists()


@pytest.mark.parametrize("typed", ADDRESSES)
def test_the_school_s_contact_address_cannot_be_such_an_address(login, director_a, school_a, typed):
    url = reverse("schools:school_contact", args=[school_a.code])
    response = login(director_a).post(url, {"contact_email": typed})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    school_a.refresh_from_db()
    assert school_a.contact_email == ""
    assert not LogEntry.objects.exists()


def test_the_admin_refuses_such_a_contact_address(admin_client):
    form = {"code": "esdoorn", "name": "OBS De Esdoorn", "contact_email": ADDRESSES[0]}
    response = admin_client.post(reverse("admin:schools_school_add"), form)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not School.objects.filter(code="esdoorn").exists()


def test_a_stored_contact_address_with_a_control_is_no_reply_to(school_a):
    """Stored before the form refused it: as one the form refuses, no Reply-To (the e-mail
    says replies are not read) rather than a send that fails on every try."""
    School.objects.filter(pk=school_a.pk).update(contact_email=ADDRESSES[0])
    school_a.refresh_from_db()
    assert school_a.reply_to() == ""


def test_the_import_stores_a_parent_s_address_without_the_controls(school_a):
    row = pupil_row(parent1=("Eva Mulder", "\u202aeva.mul\u202eder@exa\u2066mple.org\u202c", "ja"))
    report = pupils_import(school=school_a, text=csv_text([row]), today=datetime.date(2026, 11, 24))
    assert report.errors == []
    assert list(User.objects.values_list("email", flat=True).filter(full_name="Eva Mulder")) == [
        "eva.mulder@example.org"
    ]


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
