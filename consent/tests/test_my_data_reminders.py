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

from conftest import make_user
from consent.models import ReminderOptOut
from consent.reminder_stop import reminders_stop
from consent.tests.helpers import html_of
from schools.models import Guardianship

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
    # decisions, the checks' rows, the review confirmations, the reminders sent, the
    # reminder stop (one more, for this page's reminder part), the channels with their
    # versions, for which decisions no longer count (test_my_data: one for all of them),
    # and the children's gezag-holders, whose decisions still count (one for all of them),
    # and whether they have anything kept about them as staff (accounts.staff_data: a
    # parent without a membership, one query; none for a staff member)
    assert len(queries) == 12, [q["sql"][:80] for q in queries.captured_queries]


@pytest.fixture
def guardian_without_gezag(pupil_a):
    user = make_user("zonder.gezag@example.org")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=False)
    return user


NO_REMINDERS = (
    "Herinneringsmails gaan alleen naar ouders met gezag over een kind dat op school zit. "
    "U hebt over geen kind op school gezag, dus u krijgt ze niet."
)


def test_a_guardian_without_gezag_is_told_reminders_are_not_for_them(login, guardian_without_gezag):
    """Reminders go to gezag-holders of current pupils only (consent.services.reminder_plan):
    "you receive reminder e-mails" would be untrue, and a stop would stop nothing."""
    part = reminders_part(login(guardian_without_gezag))
    assert NO_REMINDERS in part
    assert "U krijgt herinneringsmails" not in part
    assert "De jaarlijkse controle en een gewijzigde vraag krijgt u nog wel" not in part
    assert "<form" not in part


def test_a_parent_whose_gezag_is_over_a_child_who_left_gets_no_reminders(login, parent_a, pupil_a):
    pupil_a.left_on = datetime.date(2026, 1, 31)
    pupil_a.save()
    part = reminders_part(login(parent_a))
    assert NO_REMINDERS in part and "<form" not in part


def test_a_gezag_holder_is_not_told_they_get_none(login, parent_a, pupil_a2):
    # gezag over one child at school is enough, whatever the other links say
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=False)
    part = reminders_part(login(parent_a))
    assert NO_REMINDERS not in part
    assert 'value="stop"' in part


def test_a_guardian_without_gezag_may_undo_a_stop_on_record(login, guardian_without_gezag):
    """Made while they held gezag: theirs to see and to undo."""
    with time_machine.travel(STOPPED_AT, tick=False):
        reminders_stop(user_id=guardian_without_gezag.pk)
    client = login(guardian_without_gezag)
    part = reminders_part(client)
    assert "U hebt herinneringsmails gestopt op 2 maart 2026 00:30" in part
    assert NO_REMINDERS in part
    assert 'value="resume"' in part and 'value="stop"' not in part
    post(client, "resume")
    assert not ReminderOptOut.objects.exists()
    assert "<form" not in reminders_part(client)


def test_a_guardian_without_gezag_stops_nothing(login, guardian_without_gezag):
    client = login(guardian_without_gezag)
    response = post(client, "stop")
    assert response.status_code == 302
    assert not ReminderOptOut.objects.exists()
    page = text_of(client.get(response.url))
    assert NO_REMINDERS in page.split('id="reminders"')[0]  # the message, above the part


@pytest.mark.parametrize("stopped", [False, True])
def test_a_guardian_without_gezag_s_page_runs_the_same_queries(
    login, guardian_without_gezag, stopped
):
    if stopped:
        reminders_stop(user_id=guardian_without_gezag.pk)
    client = login(guardian_without_gezag)
    client.get(reverse("consent:my_data"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("consent:my_data")).status_code == 200
    # as the gezag-holder's (above): whether reminders are for them is read from the
    # guardianships the page reads anyway
    assert len(queries) == 12, [q["sql"][:80] for q in queries.captured_queries]
