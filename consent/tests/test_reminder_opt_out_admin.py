"""The admin lists who stopped reminder e-mails, by e-mail address and searchable by it, and
changes nothing: the parent stops and resumes them (a reminder's link, "Mijn gegevens")."""

import pytest
from django.urls import reverse

from consent.models import ReminderOptOut
from consent.reminder_stop import reminders_stop

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:consent_reminderoptout_changelist"


@pytest.fixture
def stops(parent_a, parent_b):
    reminders_stop(user_id=parent_a.pk)
    reminders_stop(user_id=parent_b.pk)
    return ReminderOptOut.objects.get(user=parent_a)


def test_it_lists_stops_by_e_mail_address(admin_client, stops):
    page = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "ouder.a@example.org" in page and "ouder.b@example.org" in page


def test_it_finds_a_stop_by_e_mail_address(admin_client, stops):
    page = admin_client.get(reverse(CHANGELIST), {"q": "ouder.b@"}).content.decode()
    assert "ouder.b@example.org" in page and "ouder.a@example.org" not in page


def test_it_shows_a_stop_read_only(admin_client, stops):
    url = reverse("admin:consent_reminderoptout_change", args=[stops.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert admin_client.post(url, {"user": stops.user_id}).status_code == 403


def test_it_neither_adds_nor_deletes_a_stop(admin_client, stops):
    assert admin_client.get(reverse("admin:consent_reminderoptout_add")).status_code == 403
    delete = reverse("admin:consent_reminderoptout_delete", args=[stops.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ReminderOptOut.objects.count() == 2
