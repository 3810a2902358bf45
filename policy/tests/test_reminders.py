"""A director (or the board) reminds the school's staff who have not confirmed the current
version: one e-mail each, only to them, once a day however often the button is pressed."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from policy import services
from policy.tests.conftest import publish_new_version


def _remind(client, code="vlindertuin"):
    return client.post(reverse("policy:confirmation_remind", args=[code]), follow=True)


@pytest.mark.parametrize("reminder", ["director_a", "board"])
def test_it_emails_the_staff_who_have_not_confirmed(
    request,
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    v1,
    teacher_a,
    other_teacher,
    director_a,
    director_b,
    parent_a,
    reminder,
):
    services.acknowledgement_record(user=other_teacher, version=v1)
    with django_capture_on_commit_callbacks(execute=True):
        response = _remind(login(request.getfixturevalue(reminder)))

    assert response.redirect_chain == [
        (reverse("policy:confirmation_list", args=["vlindertuin"]), 302)
    ]
    assert "Er wordt een herinnering verstuurd aan 2 personeelsleden" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([teacher_a.email, director_a.email])
    email = mail.outbox[0]
    assert "Herinnering" in email.subject and "versie 1" in email.subject
    assert "http://" in email.body or "https://" in email.body
    assert reverse("policy:current") + "#bevestigen" in email.body


def test_it_reminds_once_a_day_however_often_the_button_is_pressed(
    eager_tasks, django_capture_on_commit_callbacks, login, v1, teacher_a, director_a
):
    c = login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        _remind(c)
    with django_capture_on_commit_callbacks(execute=True):
        response = _remind(c)
    assert len(mail.outbox) == 2  # teacher_a and director_a, once
    assert "al een herinnering" in response.content.decode()


def test_it_reminds_again_about_a_new_version(
    eager_tasks, django_capture_on_commit_callbacks, login, v1, board, teacher_a, director_a
):
    c = login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        _remind(c)
    publish_new_version(board)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _remind(c)
    assert "versie 2" in mail.outbox[0].subject
    assert teacher_a.email in [m.to[0] for m in mail.outbox]


def test_it_offers_the_button_to_those_who_may_remind(
    login, v1, teacher_a, director_a, privacy_officer
):
    url = reverse("policy:confirmation_list", args=["vlindertuin"])
    action = reverse("policy:confirmation_remind", args=["vlindertuin"])
    assert f'action="{action}"' in login(director_a).get(url).content.decode()
    assert f'action="{action}"' not in login(privacy_officer).get(url).content.decode()


@pytest.mark.parametrize(
    "cast_member", ["teacher_a", "parent_a", "director_b", "privacy_officer", "outsider"]
)
def test_it_is_out_of_reach_for_others(request, login, v1, teacher_a, cast_member):
    client = login(request.getfixturevalue(cast_member))
    response = client.post(reverse("policy:confirmation_remind", args=["vlindertuin"]))
    assert response.status_code == 404
    assert mail.outbox == []


def test_it_reminds_by_post_only(login, v1, director_a):
    response = login(director_a).get(reverse("policy:confirmation_remind", args=["vlindertuin"]))
    assert response.status_code == 405


def test_it_links_to_what_changed_since_the_version_the_reader_confirmed(
    eager_tasks, django_capture_on_commit_callbacks, login, v1, board, teacher_a, director_a
):
    """The new version's e-mail links to the changes since the version its reader read;
    the reminder had no such link. Someone who never confirmed a version gets none: they
    have the whole text to read."""
    services.acknowledgement_record(user=teacher_a, version=v1)
    publish_new_version(board)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _remind(login(director_a))

    body = {m.to[0]: m.body for m in mail.outbox}
    links = [w for w in body[teacher_a.email].split() if "/protocol/verschil/" in w]
    assert links == [settings.SITE_URL + reverse("policy:diff", args=[1, 2])]
    assert "Alle wijzigingen sinds versie 1, artikel voor artikel:" in body[teacher_a.email]
    assert "/protocol/verschil/" not in body[director_a.email]
    assert "Alle wijzigingen sinds" not in body[director_a.email]


# --- At send time: a reminder queued earlier (an SMTP outage, a retry) asks nobody twice ---


def _remind_later(client):
    """Press the button; its e-mails are queued, sent later by _send_queued."""
    _remind(client)
    assert mail.outbox == []


def _send_queued():
    from outbox.services import duties_sweep

    duties_sweep()
    return sorted(m.to[0] for m in mail.outbox)


def test_it_sends_no_reminder_to_someone_who_confirmed_since_it_was_queued(
    eager_tasks, login, v1, teacher_a, director_a
):
    """A director reminds, the SMTP server is down an hour, the teacher confirms meanwhile:
    "you have not yet confirmed" would be untrue. Until 2026-12-07 it went."""
    _remind_later(login(director_a))
    services.acknowledgement_record(user=teacher_a, version=v1)
    assert _send_queued() == [director_a.email]


def test_it_sends_no_reminder_to_someone_who_left_the_staff_since_it_was_queued(
    eager_tasks, login, v1, teacher_a, director_a
):
    _remind_later(login(director_a))
    teacher_a.memberships.all().delete()  # left the school (the account stays: a parent too)
    assert _send_queued() == [director_a.email]


def test_it_sends_no_reminder_about_a_version_a_new_version_replaced(
    eager_tasks, django_capture_on_commit_callbacks, login, v1, board, teacher_a, director_a
):
    """Version 2's own e-mail asks them to read version 2; a reminder of version 1 would
    send them to a version that no longer applies."""
    _remind_later(login(director_a))
    publish_new_version(board)
    recipients = _send_queued()
    assert not [m for m in mail.outbox if "Herinnering" in m.subject], recipients


def test_a_reminder_names_the_correction_that_replaced_the_version(
    eager_tasks, login, v1, board, teacher_a, director_a
):
    """A correction e-mails nobody and keeps no confirmation the teacher did not give: the
    reminder still goes, about the version that applies now."""
    _remind_later(login(director_a))
    draft = services.version_draft_start(by=board)
    leren = draft.articles.get(anchor="leren-1")
    services.article_update(article=leren, text=leren.text + " Spelling.")
    services.version_update_summary(version=draft, summary="Spelling.")
    services.version_publish(version=draft, by=board, kind="correction")
    assert _send_queued() == sorted([teacher_a.email, director_a.email])
    assert all("versie 2" in m.subject for m in mail.outbox)
