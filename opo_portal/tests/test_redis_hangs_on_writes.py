"""Every write path a person takes, against a Redis that hangs (kill -STOP of our own
redis-server, `own_redis`): the decision is saved and the normal answer comes back.

The audit behind it (2026-12-04) ran each path against a dead Redis (kill -9), a hanging one
and one emptied by FLUSHALL; all answered as usual. The first request of a process waits
the cache's socket timeout once; the fault scenario redis-hangs times it through gunicorn.
A dead Redis is covered by test_redis_down.py, an emptied one by the scenario."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, give_totp, make_user
from consent.models import ConsentEvent, PublicationCheck, Purpose
from monitoring.models import Post
from opo_portal.tests.e2e_support import current_totp_code
from policy.models import Acknowledgement
from schools.models import Pupil


@pytest.fixture
def hanging(own_redis):
    """Pause Redis when called; the fixture's teardown resumes and stops it."""
    return own_redis.proc.pause


def test_a_parent_answers_confirms_switches_language_and_logs_out(
    hanging, login, parent_a, pupil_a
):
    client = login(parent_a)
    page = client.get(reverse("consent:child", args=[pupil_a.pk]))
    data = {n: f.initial for n, f in page.context["form"].fields.items() if n.startswith("v-")}
    data[f"c-{Purpose.objects.get(code='website').pk}-photo"] = "yes"
    hanging()
    assert client.post(reverse("consent:child", args=[pupil_a.pk]), data).status_code == 302
    unchanged = client.post(reverse("consent:review_unchanged", args=[pupil_a.pk]))
    assert unchanged.status_code == 302
    english = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert english.status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    assert ConsentEvent.objects.filter(pupil=pupil_a, granted=True).count() == 1
    assert "_auth_user_id" not in client.session


def test_a_parent_logs_in_and_another_asks_for_a_new_password(hanging, db, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    hanging()
    client = Client()
    login = client.post(reverse("account_login"), {"login": parent_a.email, "password": PASSWORD})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(parent_a.pk)
    reset = Client().post(reverse("account_reset_password"), {"email": parent_a.email})
    assert reset.status_code == 302 and len(mail.outbox) == 1


def test_a_teacher_logs_in_with_their_code(hanging, db, teacher_a):
    EmailAddress.objects.create(user=teacher_a, email=teacher_a.email, verified=True, primary=True)
    hanging()
    client = Client()
    login = client.post(reverse("account_login"), {"login": teacher_a.email, "password": PASSWORD})
    assert login.status_code == 302
    code = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(teacher_a)})
    assert code.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher_a.pk)


def test_staff_record_check_confirm_report_and_import(
    hanging, login, director_a, teacher_a, parent_a, pupil_a, school_a
):
    director = login(director_a)
    director.get("/")  # the session is cached before Redis stops
    teacher = Client()
    teacher.force_login(teacher_a)
    website = Purpose.objects.get(code="website")
    hanging()

    version = website.versions.get().pk  # the text the page shows
    paper = {"guardian": parent_a.pk, "method": "paper", f"c-{website.pk}-photo": "yes"}
    paper[f"v-{website.pk}"] = version
    recorded = director.post(reverse("consent:record", args=[pupil_a.pk]), paper)
    assert recorded.status_code == 302
    check = {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk]}
    assert teacher.post(reverse("consent:check_new"), check).status_code == 302
    assert teacher.post(reverse("policy:confirm"), {"version": 1}).status_code == 302
    report = {"school": school_a.pk, "url": "https://social.example/p/1", "text": "Vlindertuin"}
    assert teacher.post(reverse("monitoring:report_post"), report).status_code == 302
    rows = "leerlingnummer;voornaam;achternaam;geboortedatum;groep;ouder1_email;ouder1_gezag\r\n"
    rows += f"{pupil_a.leerlingnummer};Roos;Vries;04-05-2018;groep 5;{parent_a.email};ja\r\n"
    rows += "3001;Daan;Mulder;04-05-2018;groep 5;eva.mulder@example.org;ja\r\n"
    upload = SimpleUploadedFile("leerlingen.csv", rows.encode(), content_type="text/csv")
    imported = director.post(
        reverse("schools:import_pupils"), {"school": school_a.code, "file": upload}
    )
    assert imported.status_code in (200, 302)

    assert ConsentEvent.objects.filter(method="paper", recorded_by=director_a).count() == 1
    assert PublicationCheck.objects.filter(checked_by=teacher_a).count() == 1
    assert Acknowledgement.objects.filter(user=teacher_a).count() == 1
    assert Post.objects.filter(reported_by=teacher_a).count() == 1
    assert Pupil.objects.filter(leerlingnummer="3001").exists()


def test_an_admin_saves_an_account(hanging, client, parent_a):
    client.force_login(give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True)))
    client.get(reverse("admin:index"))
    hanging()
    form = {
        "email": parent_a.email,
        "full_name": "Eva de Vries",
        "is_active": "on",
        "date_joined_0": "2026-09-01",
        "date_joined_1": "08:00:00",
    }
    saved = client.post(reverse("admin:accounts_user_change", args=[parent_a.pk]), form)
    assert saved.status_code == 302
    parent_a.refresh_from_db()
    assert parent_a.full_name == "Eva de Vries"
