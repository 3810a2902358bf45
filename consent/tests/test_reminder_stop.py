"""A parent stops reminder e-mails in one click: the reminder carries List-Unsubscribe and
RFC 8058's List-Unsubscribe-Post, and its link opens a page without login. Stopping answers
no question (silence is never consent); the director's reminder page shows the family as
"wil geen herinneringen" instead of silently skipping them."""

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from consent.models import ConsentEvent, ReminderOptOut
from consent.reminder_stop import reminder_stop_url
from consent.services import reminder_plan, reminders_send
from consent.tests.helpers import purpose
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.django_db
ONE_CLICK = "List-Unsubscribe=One-Click"


def stop_path(user) -> str:
    return reminder_stop_url(user.pk).removeprefix(settings.SITE_URL)


def one_click(path: str):
    """As a mail provider sends it: no session, no CSRF token, the RFC 8058 body."""
    client = Client(enforce_csrf_checks=True)
    return client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_reminder_carries_list_unsubscribe_with_one_click_post(school_a, parent_a):
    reminders_send(school=school_a)
    run_due_duties()
    [message] = mail.outbox
    url = reminder_stop_url(parent_a.pk)
    assert url.startswith(settings.SITE_URL + "/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
    body = " ".join(message.body.split())
    assert "Daarmee beantwoordt u geen vraag: de school publiceert dan nog steeds niets" in body
    assert url in message.body


def test_the_one_click_post_stops_reminders_without_login_or_csrf_token(parent_a):
    path = stop_path(parent_a)
    assert one_click(path).status_code == 302
    first = ReminderOptOut.objects.get(user=parent_a)
    assert one_click(path).status_code == 302  # idempotent: the same row, the same moment
    assert list(ReminderOptOut.objects.all()) == [first]
    assert ReminderOptOut.objects.get().created_at == first.created_at


def test_opening_the_link_changes_nothing_and_shows_no_pupil_or_address(parent_a, pupil_a):
    response = Client().get(stop_path(parent_a))  # a link scanner, or the parent
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = text_of(response)
    assert "Wilt u liever geen herinneringen ontvangen" in text
    assert "Met het stoppen van herinneringen beantwoordt u geen vraag" in text
    assert "Sem" not in text and parent_a.email not in text and "Ouder A" not in text
    assert not ReminderOptOut.objects.exists()


def test_the_page_says_it_is_stopped_and_offers_reminders_again(parent_a):
    path = stop_path(parent_a)
    page = Client().post(path, {"action": "stop"}, follow=True)
    assert "U krijgt geen herinneringen meer" in text_of(page)
    Client().post(path, {"action": "resume"})
    assert not ReminderOptOut.objects.exists()


def test_stopping_answers_no_question(school_a, parent_a, pupil_a):
    one_click(stop_path(parent_a))
    assert not ConsentEvent.objects.exists()
    plan = reminder_plan(school=school_a)
    assert (plan.to_send, plan.declined, plan.all_answered) == ((), 1, 0)


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "cut-off",
        "unsalted",
        "gone",
    ],
)
def test_a_link_we_did_not_sign_is_a_400_and_changes_nothing(parent_a, token):
    valid = stop_path(parent_a).rstrip("/").rsplit("/", 1)[1]
    token = {
        "nonsense": "nonsense",
        "cut-off": valid[:-3],
        "unsalted": signing.Signer().sign_object(parent_a.pk),
        "gone": signing.Signer(salt="consent.reminder_stop").sign_object(999999),
    }[token]
    path = reverse("consent:reminders_stop", args=[token])
    for response in (Client().get(path), one_click(path)):
        assert response.status_code == 400
        assert "Deze link is niet geldig" in text_of(response)
    assert not ReminderOptOut.objects.exists()


def test_other_forms_still_need_their_csrf_token(parent_a, pupil_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    answer = {f"c-{purpose('website').pk}-photo": "yes"}
    assert client.post(url, answer).status_code == 403
    assert not ConsentEvent.objects.exists()


def test_a_reminder_queued_before_the_stop_is_not_sent(school_a, parent_a):
    reminders_send(school=school_a)
    one_click(stop_path(parent_a))
    run_due_duties()
    assert mail.outbox == []


def test_the_reminder_page_shows_the_family_that_wants_none(login, director_a, school_a, parent_a):
    one_click(stop_path(parent_a))
    client = login(director_a)
    url = reverse("consent:remind", args=[school_a.code])
    school_page = text_of(client.get(url))
    assert "0 ouders krijgen een herinnering per e-mail" in school_page
    assert "1 ouder krijgt er geen: wil geen herinneringen (zelf gestopt)" in school_page
    # not "with the link in a reminder": a parent also stops them on "Mijn gegevens"
    parent_page = text_of(client.get(f"{url}?ouder={parent_a.pk}"))
    assert "Ouder A krijgt er geen: wil geen herinneringen" in parent_page
    sent = client.post(url, follow=True)
    assert "1 ouder wil geen herinneringen." in text_of(sent)
    run_due_duties()
    assert mail.outbox == []
