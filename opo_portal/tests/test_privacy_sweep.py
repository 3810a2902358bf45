"""The privacy sweep: no pupil's name in a log line, an e-mail or a task's arguments
(DESIGN.md, Monitoring: "Pupil names are never written to logs or task arguments";
SECURITY.md, "What is logged").

One test walks the main flows as the people who use them: the director imports the
register; parents grant, refuse and withdraw on their child's page; the teacher checks a
post and cleans a photo (file name and metadata naming the pupil); the withdrawal becomes a
takedown task and its e-mail; the director sends reminders and the yearly review, reads
coverage and downloads the exports; a post naming a pupil opens a case that the director
assigns. Meanwhile:

- every logger is enabled at DEBUG (not only the root: a logger with a level of its own,
  or one that does not propagate, is caught too), Pillow's included: settings.LOGGING keeps
  it at INFO, since it logs an upload's metadata tags at DEBUG, but a logger's level is
  easily lowered, so the handler must drop those lines itself. Each record is written as
  the portal's console handler writes it (its own filters, then the text and the JSON
  formatter);
- every e-mail is read whole: subject, bodies, headers, attachments;
- every task handed to Celery (Task.apply_async, Celery.send_task) and every outbox duty's
  payload is read.

Then no first or last name of any pupil in the register appears in any of them.
"""

import logging
import re
from email.header import decode_header, make_header
from email.utils import parseaddr

import pytest
from celery import Celery
from celery.app.task import Task
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from consent.photo import testkit
from consent.tests.helpers import answer_field, purpose
from consent.tests.test_parent_pages import form_data, page
from monitoring.models import FollowUp
from monitoring.tasks import apply_retention, send_monthly_digest
from ops.logs import JsonFormatter, TextFormatter
from outbox.models import Duty
from schools.models import Pupil
from schools.tests.importfiles import csv_text, pupil_row

NEW_FIRST, NEW_LAST = "Zoë", "Testkindnaam"


@pytest.fixture
def every_log_line(monkeypatch):
    """The lines the portal's log handler would write, every logger at DEBUG."""
    lines: list[str] = []
    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    formatters = (TextFormatter(), JsonFormatter())
    handle = logging.Logger.handle

    def is_enabled_for(self, level):
        return True

    def handling(self, record):
        copy = logging.makeLogRecord(record.__dict__)
        if console.filter(copy):
            lines.extend(formatter.format(copy) for formatter in formatters)
        return handle(self, record)

    monkeypatch.setattr(logging.Logger, "isEnabledFor", is_enabled_for)
    monkeypatch.setattr(logging.Logger, "handle", handling)
    return lines


@pytest.fixture
def sent_tasks(monkeypatch):
    """repr of (name, args, kwargs) of every task handed to Celery, then sent as usual."""
    sent: list[str] = []
    apply_async, send_task = Task.apply_async, Celery.send_task

    def applying(self, args=None, kwargs=None, *rest, **options):
        sent.append(repr((self.name, args, kwargs, options)))
        return apply_async(self, args, kwargs, *rest, **options)

    def sending(self, name, args=None, kwargs=None, *rest, **options):
        sent.append(repr((name, args, kwargs, options)))
        return send_task(self, name, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", applying)
    monkeypatch.setattr(Celery, "send_task", sending)
    return sent


def _register(pupil_a, pupil_a2) -> bytes:
    """School A's register: the two pupils it has, and a new one with two parents."""
    rows = [
        pupil_row("1001", pupil_a.first_name, "", pupil_a.last_name, group="groep 5",
                  parent1=("Ouder A", "ouder.a@example.org", "ja")),
        pupil_row("1002", pupil_a2.first_name, "", pupil_a2.last_name, group="groep 7",
                  parent1=("Ouder A2", "ouder.a2@example.org", "ja")),
        pupil_row("7001", NEW_FIRST, "", NEW_LAST, group="groep 5",
                  parent1=("Ouder Een", "zoe.ouder1@example.org", "ja"),
                  parent2=("Ouder Twee", "zoe.ouder2@example.org", "ja")),
    ]  # fmt: skip
    return csv_text(rows).encode()


def _import(director, school, pupil_a, pupil_a2) -> Pupil:
    upload = SimpleUploadedFile("leerlingen.csv", _register(pupil_a, pupil_a2), "text/csv")
    response = director.post(
        reverse("schools:import_pupils"), {"school": school.code, "file": upload}
    )
    assert response.status_code == 200
    return Pupil.objects.get(last_name=NEW_LAST)


def _parents_answer(client, pupil, other_parent_client):
    """Yes on two channels; the other parent says no to one: a conflict for the director."""
    yes = {answer_field("sociale-media", "photo"): "yes", answer_field("website", "photo"): "yes"}
    assert client.post(page(pupil), form_data(client, pupil, **yes)).status_code == 302
    no = {answer_field("website", "photo"): "no"}
    answered = other_parent_client.post(page(pupil), form_data(other_parent_client, pupil, **no))
    assert answered.status_code == 302


def _photo(pupil) -> SimpleUploadedFile:
    """A phone photo whose file name and metadata name the pupil."""
    name = f"{pupil.first_name}-{pupil.last_name}.jpg".lower()
    data = testkit.splice_after_soi(
        testkit.camera_jpeg(),
        testkit.jpeg_segment(0xFE, f"{pupil.first_name} {pupil.last_name}".encode()),
        testkit.iptc_segment(f"{pupil.first_name} {pupil.last_name}".encode()),
    )
    return SimpleUploadedFile(name, data, "image/jpeg")


def _teacher_checks_and_cleans(teacher, pupil):
    data = {"purpose": "sociale-media", "media_type": "photo", "pupils": pupil.pk}
    checked = teacher.post(reverse("consent:check_new"), data)
    assert checked.status_code == 302, checked.context["form"].errors
    photo = {"channel": purpose("sociale-media").pk, "pupils": pupil.pk}
    shown = teacher.post(
        reverse("photo:check"), {**photo, "photo": _photo(pupil), "action": "preview"}
    )
    assert shown.status_code == 200
    step2 = {
        **photo,
        "photo": _photo(pupil),
        "action": "download",
        "check": shown.context["verdict"]["check"].pk,
        "photo_key": shown.context["photo_key"],
    }
    cleaned = teacher.post(reverse("photo:check"), step2)
    assert cleaned["Content-Type"] == "image/jpeg", cleaned.content[:300]


def _director_reads_and_asks(director, school):
    director.post(reverse("consent:remind", args=[school.code]))
    director.post(reverse("consent:review_round", args=[school.code]))
    for name in ("consent:coverage", "consent:coverage_export", "consent:coverage_export_xlsx"):
        response = director.get(reverse(name, args=[school.code]))
        assert response.status_code == 200, name


def _case_opened_and_assigned(teacher, director, school, pupil, assignee):
    text = f"{pupil.first_name} {pupil.last_name} van De Vlindertuin wordt gepest, schandalig!"
    report = {"school": school.pk, "url": "https://social.example/p/1", "text": text}
    teacher.post(reverse("monitoring:report_post"), {**report, "category": "insult"})
    # the same words at another address, classified by the rules (the register's names)
    report["url"] = "https://social.example/p/2"
    teacher.post(reverse("monitoring:report_post"), {**report, "category": ""})
    case = FollowUp.objects.filter(school=school).earliest("pk")
    update = {"status": "new", "assigned_to": assignee.pk, "notes": f"Over {pupil.first_name}"}
    assert (
        director.post(reverse("monitoring:case_update", args=[case.pk]), update).status_code == 302
    )
    case.refresh_from_db()
    assert case.assigned_to == assignee


def _mail_text(message) -> str:
    """Everything but the recipient's own address (a parent's may carry the family name):
    every header as sent (From, To with any display name, Reply-To, Message-ID, …)."""
    parts = [message.subject, message.body]
    for name, value in message.message().items():
        decoded = str(make_header(decode_header(value)))
        for recipient in message.recipients():
            decoded = decoded.replace(parseaddr(recipient)[1], "<recipient>")
        parts.append(f"{name}: {decoded}")
    parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
    parts += [repr(attachment) for attachment in message.attachments]
    return "\n".join(parts)


def _named(texts, names) -> dict[str, list[str]]:
    """name -> the texts that contain it as a word, any case."""
    found = {}
    for name in names:
        word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        hits = [text for text in texts if word.search(text)]
        if hits:
            found[name] = hits
    return found


def test_no_pupil_name_reaches_a_log_an_email_or_a_task(
    every_log_line,
    sent_tasks,
    eager_tasks,
    django_capture_on_commit_callbacks,
    school_a,
    group_a1,
    group_a2,
    pupil_a,
    pupil_a2,
    pupil_b,
    parent_a,
    code_parent,
    parent_b,
    teacher_a,
    other_teacher,
    director_a,
):
    def signed_in(user):
        own = Client()
        own.force_login(user)
        return own

    director, teacher = signed_in(director_a), signed_in(teacher_a)
    with django_capture_on_commit_callbacks(execute=True):
        new = _import(director, school_a, pupil_a, pupil_a2)
        _parents_answer(signed_in(parent_a), pupil_a, signed_in(code_parent))
        _teacher_checks_and_cleans(teacher, pupil_a)
        withdrawn = signed_in(parent_a).post(
            reverse("consent:withdraw", args=[pupil_a.pk]), {"target": "all"}
        )
        assert withdrawn.status_code == 302
        _director_reads_and_asks(director, school_a)
        _case_opened_and_assigned(teacher, director, school_a, new, other_teacher)
        send_monthly_digest.delay()
        apply_retention.delay()

    # the flows really logged, mailed and queued
    assert any("takedown e-mail sent" in line for line in every_log_line)
    subjects = " | ".join(m.subject for m in mail.outbox)
    kinds = ("oneens", "offline", "Dringend", "Monitoringoverzicht", "Geef uw keuzes")
    kinds += ("dit schooljaar", "toegewezen")  # review round, case assigned
    assert [kind for kind in kinds if kind not in subjects] == [], subjects
    assert sent_tasks and Duty.objects.exists()
    names = set()
    for first, last in Pupil.objects.values_list("first_name", "last_name"):
        names |= {first, last}
    assert {NEW_FIRST, NEW_LAST, "Sem", "Bakker", "Bram", "Visser"} <= names
    assert _named(every_log_line, names) == {}
    assert _named([_mail_text(m) for m in mail.outbox], names) == {}
    assert _named(sent_tasks, names) == {}
    payloads = [repr(row) for row in Duty.objects.values_list("key", "handler", "payload")]
    assert _named(payloads, names) == {}
