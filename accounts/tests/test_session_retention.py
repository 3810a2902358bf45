"""Ended sessions do not stay in the database: a session's row holds who was logged in
(and, while logging in by code, the address the code went to), and nothing ever read it
again once it expired, yet nothing deleted it either (Django leaves that to
`clearsessions`, which nobody ran). The beat task deletes the expired rows every night."""

import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.tasks import clear_expired_sessions

LOGIN = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def test_it_deletes_a_session_once_it_has_expired_and_keeps_those_in_use(
    client, parent_a, teacher_a
):
    with time_machine.travel(LOGIN, tick=False):
        client.force_login(parent_a)
        assert client.get(reverse("accounts:home_parent")).status_code == 200
    expires = Session.objects.get().expire_date
    with time_machine.travel(expires - datetime.timedelta(seconds=1), tick=False):
        clear_expired_sessions.apply()
    assert Session.objects.filter(expire_date=expires).exists()
    with time_machine.travel(expires + datetime.timedelta(seconds=1), tick=False):
        other = Client()
        other.force_login(teacher_a)  # a session of today
        clear_expired_sessions.apply()
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        other.session.session_key
    ]


def test_it_is_scheduled_nightly_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-clear-expired-sessions"]
    assert entry["task"] == clear_expired_sessions.name
