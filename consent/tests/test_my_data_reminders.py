"""A parent who stopped reminder e-mails (consent.reminder_stop) finds it on "Mijn gegevens",
which says it holds everything about them, with the moment; and stops or resumes them
there with a POST, their own and nobody else's."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent.models import ReminderOptOut
from consent.reminder_stop import reminders_stop
from consent.tests.helpers import html_of

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
STOPPED_AT = datetime.datetime(2026, 3, 2, 0, 30, tzinfo=AMSTERDAM)


def text_of(response) -> str:
    return " ".join(html_of(response).split())


def reminders_part(client) -> str:
    page = text_of(client.get(reverse("consent:my_data")))
    return page.split('id="reminders"')[1].split("<h2")[0]


def post(client, action):
    return client.post(reverse("consent:my_data_reminders"), {"action": action})


def test_it_says_reminders_are_on_and_offers_to_stop_them(login, parent_a):
    part = reminders_part(login(parent_a))
    assert "U krijgt herinneringsmails zolang een vraag over uw kind onbeantwoord is." in part
    assert 'value="stop"' in part and "Geen herinneringen meer" in part
    assert "Met het stoppen van herinneringen beantwoordt u geen vraag" in part


def test_it_says_when_reminders_were_stopped_and_offers_them_again(login, parent_a):
    with time_machine.travel(STOPPED_AT, tick=False):
        reminders_stop(user_id=parent_a.pk)
    part = reminders_part(login(parent_a))
    assert "U hebt herinneringsmails gestopt op 2 maart 2026 00:30" in part
    assert 'value="resume"' in part and "Toch weer herinneringen ontvangen" in part
    assert 'value="stop"' not in part


def test_the_post_stops_and_restarts_reminders(parent_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent_a)
    page = client.get(reverse("consent:my_data"))
    token = page.cookies["csrftoken"].value
    url = reverse("consent:my_data_reminders")
    stopped = client.post(url, {"action": "stop", "csrfmiddlewaretoken": token})
    assert stopped.status_code == 302
    assert stopped.url == reverse("consent:my_data") + "#reminders"
    assert ReminderOptOut.objects.filter(user=parent_a).exists()
    assert "U krijgt geen herinneringen meer" in text_of(client.get(stopped.url))
    resumed = client.post(url, {"action": "resume", "csrfmiddlewaretoken": token})
    assert resumed.status_code == 302
    assert not ReminderOptOut.objects.exists()
    assert "U krijgt weer herinneringen." in text_of(client.get(resumed.url))


def test_a_post_without_the_csrf_token_changes_nothing(parent_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent_a)
    assert post(client, "stop").status_code == 403
    assert not ReminderOptOut.objects.exists()


def test_stopping_twice_keeps_the_first_moment(login, parent_a):
    client = login(parent_a)
    with time_machine.travel(STOPPED_AT, tick=False):
        post(client, "stop")
    post(client, "stop")
    assert ReminderOptOut.objects.get(user=parent_a).created_at == STOPPED_AT


def test_it_changes_only_the_parents_own_stop(login, parent_a, parent_b):
    reminders_stop(user_id=parent_b.pk)
    client = login(parent_a)
    # a user id in the form is not read: the session says whose reminders these are
    client.post(reverse("consent:my_data_reminders"), {"action": "stop", "user_id": parent_b.pk})
    assert set(ReminderOptOut.objects.values_list("user_id", flat=True)) == {
        parent_a.pk,
        parent_b.pk,
    }
    post(client, "resume")
    assert list(ReminderOptOut.objects.values_list("user_id", flat=True)) == [parent_b.pk]
    assert "U krijgt herinneringsmails zolang" in reminders_part(client)


def test_a_get_changes_nothing(login, parent_a, parent_b):
    reminders_stop(user_id=parent_b.pk)
    client = login(parent_a)
    url = reverse("consent:my_data_reminders")
    assert client.get(url, {"action": "stop"}).status_code == 405
    assert client.get(reverse("consent:my_data"), {"action": "stop"}).status_code == 200
    login(parent_b)
    assert client.get(url, {"action": "resume"}).status_code == 405
    assert list(ReminderOptOut.objects.values_list("user_id", flat=True)) == [parent_b.pk]


def test_an_unknown_action_changes_nothing(login, parent_a):
    client = login(parent_a)
    response = client.post(reverse("consent:my_data_reminders"), {"action": "x"}, follow=True)
    assert "Onbekende keuze." in text_of(response)
    assert not ReminderOptOut.objects.exists()


def test_it_sends_anonymous_visitors_to_login(client, parent_a):
    response = post(client, "stop")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not ReminderOptOut.objects.exists()


def test_someone_who_is_no_parent_has_no_reminders_to_change(login, teacher_a):
    client = login(teacher_a)
    assert post(client, "stop").status_code == 404
    assert not ReminderOptOut.objects.exists()
    # nor a part telling them they get reminders about their child, which they have not
    page = text_of(client.get(reverse("consent:my_data")))
    assert 'id="reminders"' not in page and "herinneringsmails" not in page


def test_a_stop_on_record_is_shown_to_someone_who_is_no_parent_any_more(login, teacher_a):
    """Their right of access: a stop made while they were a parent is data about them."""
    with time_machine.travel(STOPPED_AT, tick=False):
        reminders_stop(user_id=teacher_a.pk)
    part = reminders_part(login(teacher_a))
    assert "U hebt herinneringsmails gestopt op 2 maart 2026 00:30" in part
    assert "<form" not in part


def test_the_download_says_when_reminders_were_stopped(login, parent_a):
    client = login(parent_a)
    url = reverse("consent:my_data_json")
    assert json.loads(client.get(url).content)["reminders_stopped_at"] is None
    with time_machine.travel(STOPPED_AT, tick=False):
        reminders_stop(user_id=parent_a.pk)
    data = json.loads(client.get(url).content)
    assert data["reminders_stopped_at"] == "2026-03-02T00:30:00+01:00"


@pytest.mark.parametrize("stopped", [False, True])
def test_the_page_runs_the_same_queries_stopped_or_not(login, parent_a, stopped):
    if stopped:
        reminders_stop(user_id=parent_a.pk)
    client = login(parent_a)
    client.get(reverse("consent:my_data"))  # the session's user, cached (accounts.user_cache)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("consent:my_data")).status_code == 200
    # the user and their memberships (the session; "parent" is known with the user), the
    # guardianships with pupils, schools and groups, the other e-mail addresses, the
    # decisions, the checks' rows, the review confirmations, the reminders sent, and the
    # reminder stop (one more, for this page's reminder part)
    assert len(queries) == 9, [q["sql"][:80] for q in queries.captured_queries]
