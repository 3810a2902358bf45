"""A pupil's name goes nowhere but the pages of those who reach the pupil (SECURITY.md,
"What is logged"): not in a log line, not in an e-mail, not in a task's arguments sent to
the broker, not in an outbox duty's payload (the admin shows those, and they outlive the
request).

One pupil with a name no other string contains, "Zoë Testkindnaam", goes through what
the portal does with pupils: the import, the parent's answers, the teacher's search and
check before posting, a withdrawal and its takedown e-mail, a conflict between the parents,
reminders, the yearly review, a paper form, the exports, the photo check and a post about
the school that names her, with every logger at DEBUG.
"""

import logging

import pytest
from celery.app.task import Task
from django.core import mail
from django.urls import reverse

from consent.photo import testkit
from consent.tests.helpers import decide, purpose
from monitoring.models import CASE_CATEGORIES
from outbox.models import Duty
from schools.models import Guardianship, Pupil

FIRST, LAST = "Zoë", "Testkindnaam"
IMPORT = (
    "leerlingnummer;voornaam;achternaam;geboortedatum;groep;ouder1_email;ouder1_gezag;"
    "ouder2_email;ouder2_gezag\n"
    f"7001;{FIRST};{LAST};2018-05-04;groep 5;zoe.ouder1@example.org;ja;"
    "zoe.ouder2@example.org;ja\n"
)


@pytest.fixture
def sent_tasks(monkeypatch):
    """(task name, args, kwargs) of every task handed to Celery, then sent on as usual."""
    sent = []
    original = Task.apply_async

    def recording(self, args=None, kwargs=None, *rest, **options):
        sent.append((self.name, args, kwargs))
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", recording)
    return sent


def _import(client, school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("leerlingen.csv", IMPORT.encode(), content_type="text/csv")
    response = client.post(
        reverse("schools:import_pupils"), {"school": school.code, "file": upload}
    )
    assert response.status_code == 200
    return Pupil.objects.get(last_name=LAST)


def test_the_name_stays_out_of_logs_mails_and_tasks(
    caplog,
    sent_tasks,
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    school_a,
    group_a1,
    teacher_a,
    director_a,
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        zoe = _import(login(director_a), school_a)
    one, two = (g.user for g in Guardianship.objects.filter(pupil=zoe).order_by("user__email"))
    assert zoe.first_name == FIRST

    with django_capture_on_commit_callbacks(execute=True):
        # the parents answer, and disagree: a conflict for the director
        decide(zoe, one, "sociale-media", "photo", True)
        decide(zoe, one, "website", "photo", True)
        decide(zoe, two, "website", "photo", False)
        # the teacher finds her by name and checks a post
        teacher = login(teacher_a)
        found = teacher.get(reverse("consent:check_new"), {"q": "Testkind"})
        assert LAST in found.content.decode()
        data = {"purpose": "sociale-media", "media_type": "photo", "pupils": zoe.pk}
        checked = teacher.post(reverse("consent:check_new"), data)
        assert checked.status_code == 302, checked.context["form"].errors
        # the parent withdraws everything: a takedown task and its e-mail
        parent = login(one)
        parent.post(reverse("consent:withdraw", args=[zoe.pk]), {"target": "all"})
        # the director: reminders, the yearly review, a paper form, the exports
        director = login(director_a)
        director.post(reverse("consent:remind", args=[school_a.code]))
        director.post(reverse("consent:review_round", args=[school_a.code]))
        director.get(reverse("consent:record", args=[zoe.pk]))
        for export in ("consent:coverage_export", "consent:coverage_export_xlsx"):
            assert director.get(reverse(export, args=[school_a.code])).status_code == 200
        # a post that names her, reported by the teacher as an insult: an urgent case
        text = f"{FIRST} {LAST} van De Vlindertuin wordt gepest en bedreigd, schandalig!"
        for category in ("insult", ""):
            teacher.post(
                reverse("monitoring:report_post"),
                {
                    "school": school_a.pk,
                    "url": f"https://social.example/p/{category or 'x'}",
                    "text": text,
                    "category": category,
                },
            )
        # the photo check with her ticked
        photo = teacher.post(
            reverse("photo:check"),
            {
                "photo": _named_upload(),
                "channel": purpose("sociale-media").pk,
                "pupils": zoe.pk,
                "action": "preview",
            },
        )
        assert photo.status_code == 200

    assert "insult" in CASE_CATEGORIES
    assert len(mail.outbox) >= 4, [m.subject for m in mail.outbox]  # the flow really mailed
    assert sent_tasks, "no task was sent"
    assert Duty.objects.exists()
    for name in (FIRST, LAST, LAST.lower()):
        assert name not in _logged(caplog), name
        assert [m.subject for m in mail.outbox if name in _mail_text(m)] == [], name
        assert [t for t in sent_tasks if name in repr(t)] == [], name
        payloads = Duty.objects.values_list("key", "handler", "payload")
        assert [p for p in payloads if name in repr(p)] == [], name


def _named_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("zoe-testkindnaam.jpg", testkit.camera_jpeg(), "image/jpeg")


def _logged(caplog) -> str:
    """Every message as formatted, with its arguments and exception text."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), repr(getattr(record, "exc_text", ""))]
    return "\n".join(parts)


def _mail_text(message) -> str:
    parts = [message.subject, message.body, *message.to]
    parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(parts)
