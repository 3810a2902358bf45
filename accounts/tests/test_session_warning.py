"""The staff session warning's endpoint (accounts.views.session_status) and what the
session limits make of it: GET tells the seconds left and is not activity (several tabs
ask it), POST ("Stay logged in") is, and never moves the absolute limit. The clock is
moved with time-machine."""

import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.security_middleware import STARTED

MINUTE = 60
URL = reverse("account_session")


@pytest.fixture
def clock():
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


def _left(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200, response
    return response.json()


def _signed_in(client) -> bool:
    return client.get(reverse("accounts:home_teacher")).status_code == 200


def test_it_answers_the_seconds_left_to_staff(login, teacher_a, clock):
    client = login(teacher_a)
    clock.shift(10 * MINUTE)
    response = client.get(URL)
    assert response.json() == {"idle": 20 * MINUTE, "max": 12 * 60 * MINUTE - 10 * MINUTE}
    assert "no-store" in response["Cache-Control"]


def test_it_does_not_count_asking_as_activity(login, teacher_a, clock):
    client = login(teacher_a)
    for _ in range(5):  # a warning in each of five tabs checks before it shows
        clock.shift(5 * MINUTE)
        _left(client)
    assert _left(client)["idle"] == 5 * MINUTE
    clock.shift(6 * MINUTE)
    assert not _signed_in(client)


def test_it_counts_stay_logged_in_as_activity(login, teacher_a, clock):
    client = login(teacher_a)
    clock.shift(28 * MINUTE + 30)
    response = client.post(URL)
    assert response.status_code == 204
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]
    assert _left(client)["idle"] == 30 * MINUTE
    clock.shift(29 * MINUTE)
    assert _signed_in(client)


def test_it_restarts_the_idle_time_from_the_click(login, teacher_a, clock):
    # Within a minute of a request "last seen" is not written again; the click is exact.
    client = login(teacher_a)
    clock.shift(45)
    assert client.post(URL).status_code == 204
    assert _left(client)["idle"] == 30 * MINUTE


def test_it_never_moves_the_absolute_limit(login, teacher_a, clock, settings):
    settings.STAFF_SESSION_MAX_SECONDS = 60 * MINUTE
    client = login(teacher_a)
    started = client.session[STARTED]
    for _ in range(2):
        clock.shift(25 * MINUTE)
        assert client.post(URL).status_code == 204
    assert client.session[STARTED] == started
    assert _left(client) == {"idle": 30 * MINUTE, "max": 10 * MINUTE}
    clock.shift(10 * MINUTE + 30)
    response = client.post(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not _signed_in(client)


def test_it_does_not_revive_an_ended_session(login, director_a, clock):
    client = login(director_a)
    clock.shift(31 * MINUTE)
    response = client.post(URL)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    # Nothing was sent that could be lost: the login page does not say so.
    assert "niet opgeslagen" not in client.get(response.url).content.decode()


@pytest.mark.parametrize("role", ["teacher_a", "director_a", "board", "privacy_officer"])
def test_it_serves_every_staff_role(request, login, role):
    client = login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 200
    assert client.post(URL).status_code == 204


def test_it_is_not_there_for_parents(login, parent_a):
    client = login(parent_a)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404


def test_it_sends_someone_logged_out_to_the_login_page(client, db):
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_it_refuses_a_post_without_the_csrf_token(teacher_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher_a)
    assert client.post(URL).status_code == 403


def test_it_tells_a_staff_page_the_seconds_left(login, teacher_a, clock):
    client = login(teacher_a)
    clock.shift(45)  # less than a minute: the page's request does not write "last seen"
    page = client.get(reverse("accounts:home_teacher")).content.decode()
    dialog = re.search(r'<dialog id="session-warning"[^>]*>', page).group(0)
    assert 'data-idle-left="1755"' in dialog
    assert 'data-warn-before="120"' in dialog
    assert 'role="alertdialog"' in dialog
    assert "/static/js/session-warning.js" in page
    assert "U wordt over 2 minuten uitgelogd omdat u een tijd niets heeft verstuurd." in page
    assert "Ingelogd blijven" in page


def test_it_gives_a_parents_page_no_warning(login, parent_a):
    page = login(parent_a).get(reverse("consent:my_children")).content.decode()
    assert "session-warning" not in page
