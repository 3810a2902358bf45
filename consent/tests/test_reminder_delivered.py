"""A reminder is claimed when the director clicks (consent.ReminderSent) and e-mailed later
by its outbox duty. Until the SMTP server accepted it (`delivered_at`), the parent's
"Mijn gegevens" does not list it as sent to them; the director's home says it was not
delivered yet (and offers no second one: the 7-day rule counts it); the coverage chart's
▲ marks the week it was delivered."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent.charts import coverage_history
from consent.models import ReminderSent
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    settings.EMAIL_TIMEOUT = 1
    return settings


def _remind(client, school, capture) -> None:
    with capture(execute=True):
        client.post(reverse("consent:remind", args=[school.code]))


def _sent_to_you(client) -> str:
    page = client.get(reverse("consent:my_data")).content.decode()
    return page.split("Herinneringen die u zijn gestuurd")[1].split("<h2")[0]


def _json_reminders(client) -> list:
    return json.loads(client.get(reverse("consent:my_data_json")).content)["reminders_sent"]


def test_a_queued_reminder_is_not_listed_to_the_parent_until_it_was_delivered(
    hanging_broker, django_capture_on_commit_callbacks, login, director_a, school_a, parent_a
):
    _remind(login(director_a), school_a, django_capture_on_commit_callbacks)
    claim = ReminderSent.objects.get(user=parent_a)
    assert claim.delivered_at is None
    parent = login(parent_a)
    assert "<li>" not in _sent_to_you(parent) and "Geen." in _sent_to_you(parent)
    assert _json_reminders(parent) == []

    run_due_duties()
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    claim.refresh_from_db()
    assert claim.delivered_at is not None
    assert "<li>" in _sent_to_you(parent)
    assert _json_reminders(parent) == [timezone.localtime(claim.delivered_at).isoformat()]


def test_a_reminder_whose_duty_gave_up_is_not_listed_to_the_parent(
    hanging_broker,
    smtp_down,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
):
    smtp_down.OUTBOX_MAX_ATTEMPTS = 2
    _remind(login(director_a), school_a, django_capture_on_commit_callbacks)
    run_due_duties()  # every attempt refused: the duty gives up
    duty = Duty.objects.get(key__startswith="consent-reminder:")
    assert duty.status == Duty.Status.FAILED and duty.attempts == 2
    assert ReminderSent.objects.get(user=parent_a).delivered_at is None
    parent = login(parent_a)
    assert "<li>" not in _sent_to_you(parent)
    assert _json_reminders(parent) == []


def test_the_director_home_says_a_queued_reminder_was_not_delivered_yet(
    hanging_broker, django_capture_on_commit_callbacks, login, director_a, school_a, parent_a
):
    client = login(director_a)
    _remind(client, school_a, django_capture_on_commit_callbacks)
    html = client.get(reverse("accounts:home_director")).content.decode()
    assert f"?ouder={parent_a.pk}" not in html  # the 7-day rule counts it: no second one
    assert "Ouder A: herinnering klaargezet op" in html and "nog niet bezorgd" in html
    assert "Ouder A herinnerd op" not in html

    run_due_duties()
    html = client.get(reverse("accounts:home_director")).content.decode()
    assert "Ouder A herinnerd op" in html and "nog niet bezorgd" not in html


def test_the_chart_marks_a_reminder_only_once_it_was_delivered(
    hanging_broker, django_capture_on_commit_callbacks, login, director_a, school_a, parent_a
):
    _remind(login(director_a), school_a, django_capture_on_commit_callbacks)
    assert coverage_history(school_a).reminders[-1] == 0
    run_due_duties()
    assert coverage_history(school_a).reminders[-1] == 1


def _home(client) -> str:
    return client.get(reverse("accounts:home_director")).content.decode()


def test_a_reminder_whose_duty_gave_up_can_be_sent_again_at_once(
    hanging_broker,
    smtp_down,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
):
    """Before, the failed claim blocked a new reminder for 7 days and the home said
    "klaargezet …, nog niet bezorgd" all that time."""
    smtp_down.OUTBOX_MAX_ATTEMPTS = 2
    client = login(director_a)
    _remind(client, school_a, django_capture_on_commit_callbacks)
    run_due_duties()  # every attempt refused: the duty gives up
    html = _home(client)
    assert "Ouder A: de herinnering van " in html and "kon niet worden bezorgd" in html
    assert "nog niet bezorgd" not in html
    assert f"?ouder={parent_a.pk}" in html  # a new one may go now
    assert coverage_history(school_a).reminders[-1] == 0  # no ▲ for it

    smtp_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consent:remind", args=[school_a.code]), {"ouder": parent_a.pk})
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    [failed, delivered] = ReminderSent.objects.filter(user=parent_a).order_by("pk")
    assert failed.delivered_at is None and delivered.delivered_at is not None
    html = _home(client)
    assert "Ouder A herinnerd op" in html and "kon niet worden bezorgd" not in html
    assert _json_reminders(login(parent_a)) == [
        timezone.localtime(delivered.delivered_at).isoformat()
    ]
    assert coverage_history(school_a).reminders[-1] == 1


def test_a_reminder_whose_worker_died_too_often_counts_as_not_delivered(
    settings,
    hanging_broker,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
):
    """The outbox's other way of giving up: a duty whose worker stopped mid-handler
    OUTBOX_MAX_LOST_ATTEMPTS times is failed unrun."""
    settings.OUTBOX_MAX_LOST_ATTEMPTS = 1
    client = login(director_a)
    _remind(client, school_a, django_capture_on_commit_callbacks)
    duty = Duty.objects.get(key__startswith="consent-reminder:")
    Duty.objects.filter(pk=duty.pk).update(lost_attempts=1)
    run_due_duties()
    duty.refresh_from_db()
    assert duty.status == Duty.Status.FAILED and mail.outbox == []
    html = _home(client)
    assert "kon niet worden bezorgd" in html and f"?ouder={parent_a.pk}" in html
    assert ReminderSent.objects.get(user=parent_a).delivered_at is None
