"""A form sent after the session ended brings the person back, after logging in, to the
page the form was on: the login's `next` was the form's own address, which the browser
then asked with GET, and a POST-only action answered a blank 405. The login page says
that what was sent was not saved, and nothing of it is."""

import time

from django.test import Client
from django.urls import reverse

from accounts.security_middleware import SEEN, STARTED
from consent.models import ConsentEvent, PublicationCheck
from consent.tests.helpers import purpose
from monitoring.tests.helpers import make_case

CHECK_PAGE = "/toestemming/controle/12/?pupil=3"
PORTAL = "http://testserver"


def _takedown_done() -> str:
    return reverse("consent:takedown_done", args=[1])  # a POST-only action


def _login_next(response) -> str:
    assert response.status_code == 302
    login, _, query = response["Location"].partition("?")
    assert login == reverse("account_login")
    return query


def test_a_form_sent_without_a_session_logs_in_back_to_its_page(db):
    response = Client().post(_takedown_done(), HTTP_REFERER=PORTAL + CHECK_PAGE)
    assert _login_next(response) == "next=/toestemming/controle/12/%3Fpupil%3D3"


def test_a_form_sent_after_the_staff_session_went_idle_logs_in_back_to_its_page(login, teacher_a):
    client = login(teacher_a)
    session = client.session
    now = time.time()
    session[STARTED], session[SEEN] = now - 3600, now - 31 * 60  # 31 minutes idle
    session.save()
    response = client.post(_takedown_done(), HTTP_REFERER=PORTAL + CHECK_PAGE)
    assert _login_next(response) == "next=/toestemming/controle/12/%3Fpupil%3D3"
    assert "_auth_user_id" not in client.session


def test_after_logging_in_the_page_answers_not_405(login, teacher_a):
    next_page = reverse("consent:overview")
    response = Client().post(_takedown_done(), HTTP_REFERER=PORTAL + next_page)
    assert _login_next(response) == f"next={next_page}"
    assert login(teacher_a).get(next_page).status_code == 200
    # where `next` pointed before: the action itself, which a GET cannot do
    assert login(teacher_a).get(_takedown_done()).status_code == 405


def test_another_sites_referer_is_not_followed(db):
    response = Client().post(_takedown_done(), HTTP_REFERER="https://evil.example/x")
    assert _login_next(response) == f"next={_takedown_done()}"


def test_a_form_without_referer_keeps_its_address(db):
    assert _login_next(Client().post(_takedown_done())) == f"next={_takedown_done()}"


def test_a_get_keeps_its_own_address(db):
    response = Client().get(reverse("consent:overview"), HTTP_REFERER=PORTAL + CHECK_PAGE)
    assert _login_next(response) == f"next={reverse('consent:overview')}"


# --- The login page says what was sent was not saved (a parent took it as saved) ---------

NOT_SAVED = "U was niet meer ingelogd, daarom is wat u verstuurde niet opgeslagen."


def _login_page_after(client, response) -> str:
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def _ended_elsewhere(client) -> None:
    """Logged out in another tab: the session is gone, this tab's cookie names nothing."""
    client.session.flush()


def test_a_parent_logged_out_elsewhere_is_told_the_answers_were_not_saved(login, parent_a, pupil_a):
    client = login(parent_a)
    page = reverse("consent:child", args=[pupil_a.pk])
    data = {f"c-{purpose('website').pk}-photo": "yes"}
    _ended_elsewhere(client)
    response = client.post(page, data, HTTP_REFERER=PORTAL + page)
    assert _login_next(response) == f"next={page}"
    html = _login_page_after(client, response)
    assert html.count(NOT_SAVED) == 1
    assert 'role="alert"' in html
    assert not ConsentEvent.objects.exists()
    # once: the message does not follow the parent onto the page after logging in
    assert NOT_SAVED not in login(parent_a).get(page).content.decode()


def test_a_director_whose_session_went_idle_is_told_the_paper_form_was_not_saved(
    login, director_a, parent_a, pupil_a
):
    client = login(director_a)
    page = reverse("consent:record", args=[pupil_a.pk])
    data = {"guardian": parent_a.pk, f"c-{purpose('pers').pk}-video": "yes", "method": "paper"}
    _idle(client)
    html = _login_page_after(client, client.post(page, data, HTTP_REFERER=PORTAL + page))
    assert html.count(NOT_SAVED) == 1
    assert "Uw sessie is beëindigd" not in html  # one message, not two saying the same
    assert not ConsentEvent.objects.exists()


def test_a_teacher_whose_password_changed_elsewhere_is_told_the_check_was_not_saved(
    login, teacher_a, pupil_a
):
    client = login(teacher_a)
    teacher_a.set_password("een heel ander wachtwoord 7")
    teacher_a.save()
    page = reverse("consent:check_new")
    data = {"purpose": purpose("website").pk, "media_type": "photo", "pupils": [pupil_a.pk]}
    html = _login_page_after(client, client.post(page, data, HTTP_REFERER=PORTAL + page))
    assert html.count(NOT_SAVED) == 1
    assert not PublicationCheck.objects.exists()


def test_board_staff_idle_are_told_the_case_note_was_not_saved(login, board, school_a):
    case = make_case(school_a)
    client = login(board)
    page = reverse("monitoring:case", args=[case.pk])
    _idle(client)
    response = client.post(
        reverse("monitoring:case_update", args=[case.pk]),
        {"status": "in_progress", "notes": "Gesprek gehad met de ouder.", "seen": "x"},
        HTTP_REFERER=PORTAL + page,
    )
    assert _login_next(response) == f"next={page}"
    assert _login_page_after(client, response).count(NOT_SAVED) == 1
    case.refresh_from_db()
    assert case.notes == ""


def test_a_logout_says_nothing_was_lost_and_sends_the_next_login_nowhere(login, parent_a):
    client = login(parent_a)
    page = reverse("consent:my_children")
    response = client.post(reverse("account_logout"), HTTP_REFERER=PORTAL + page)
    assert response["Location"] == reverse("account_login")
    assert NOT_SAVED not in _login_page_after(client, response)


def test_a_get_after_the_session_ended_says_so_without_not_saved(login, teacher_a):
    client = login(teacher_a)
    _idle(client)
    html = _login_page_after(client, client.get(reverse("consent:overview")))
    assert "Uw sessie is beëindigd" in html
    assert NOT_SAVED not in html


def _idle(client) -> None:
    session = client.session
    now = time.time()
    session[STARTED], session[SEEN] = now - 3600, now - 31 * 60
    session.save()
