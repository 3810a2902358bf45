"""No e-mail address with a bare host name for a domain (no dot: eva@localhost,
ouder@intranet) comes in through the schools' forms or the pupil import
(opo_portal.fields.validate_email_address): until 2026-12-07 Django's validator let
"localhost" through, and the import made a parent account at it; another name without a
dot was refused only as "not valid"."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from schools.importer import pupils_import, read_text
from schools.models import Pupil, School, StaffMembership
from schools.tests.importfiles import csv_text, pupil_row

REFUSED = "Een e-mailadres heeft na de @ een volledige domeinnaam"
BARE = "fleur@localhost"


def test_a_director_cannot_add_a_teacher_at_such_an_address(login, director_a, school_a):
    url = reverse("schools:staff_teacher_add", args=[school_a.code])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)):
        response = login(director_a).post(url, {"full_name": "Fleur de Boer", "email": BARE})
    assert response.status_code in (200, 400)
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(full_name="Fleur de Boer").exists()
    assert not StaffMembership.objects.filter(user__email__startswith="fle").exists()


def test_the_school_s_contact_address_cannot_be_such_an_address(login, director_a, school_a):
    url = reverse("schools:school_contact", args=[school_a.code])
    response = login(director_a).post(url, {"contact_email": "info@school"})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    school_a.refresh_from_db()
    assert school_a.contact_email == ""


def test_the_admin_refuses_such_a_contact_address(admin_client):
    form = {"code": "esdoorn", "name": "OBS De Esdoorn", "contact_email": BARE}
    response = admin_client.post(reverse("admin:schools_school_add"), form)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not School.objects.filter(code="esdoorn").exists()


def test_a_stored_contact_address_without_a_dot_is_no_reply_to(school_a):
    School.objects.filter(pk=school_a.pk).update(contact_email=BARE)
    school_a.refresh_from_db()
    assert school_a.reply_to() == ""


@pytest.mark.parametrize("column", ["ouder1_email", "ouder2_email"])
def test_the_import_refuses_a_parent_at_such_an_address(school_a, column):
    parent2 = ("Fleur", "FLEUR@intranet", "ja") if column == "ouder2_email" else ("", "", "")
    parent1 = ("Fleur", BARE, "ja") if column == "ouder1_email" else None
    row = pupil_row(parent2=parent2, **({"parent1": parent1} if parent1 else {}))
    text = read_text(csv_text([row]).encode("utf-8"))
    with translation.override("nl"):
        report = pupils_import(school=school_a, text=text, today=datetime.date(2026, 11, 24))
    typed = parent1[1] if parent1 else parent2[1]
    assert report.errors == [
        f"rij 2: {column} “{typed}” heeft na de @ geen volledige domeinnaam met een punt "
        "(zoals school.nl); vul het volledige e-mailadres van deze ouder in"
    ]
    assert not report.applied
    assert not Pupil.objects.exists()
    assert not User.objects.filter(email__icontains="fleur").exists()
