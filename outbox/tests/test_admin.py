"""The admin shows duties but cannot add or delete one: a deleted pending duty would be
an e-mail that never goes out, which the outbox promises never to lose."""

import pytest
from django.urls import reverse

from outbox.models import Duty
from outbox.services import duties_enqueue_many


@pytest.fixture
def pending_duty(db) -> Duty:
    duties_enqueue_many(duties=[("test:pending", "outbox.tests.handlers.record", {"n": 1})])
    return Duty.objects.get(key="test:pending")


def test_it_lists_and_shows_a_duty(admin_client, pending_duty):
    assert admin_client.get(reverse("admin:outbox_duty_changelist")).status_code == 200
    change = reverse("admin:outbox_duty_change", args=[pending_duty.pk])
    assert admin_client.get(change).status_code == 200


def test_it_refuses_to_delete_a_pending_duty(admin_client, pending_duty):
    url = reverse("admin:outbox_duty_delete", args=[pending_duty.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        reverse("admin:outbox_duty_changelist"),
        {"action": "delete_selected", "_selected_action": [pending_duty.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert Duty.objects.filter(pk=pending_duty.pk).exists()


def test_it_offers_no_form_to_add_a_duty(admin_client):
    assert admin_client.get(reverse("admin:outbox_duty_add")).status_code == 403
