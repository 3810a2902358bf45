"""A form sent after the session ended brings the person back, after logging in, to the
page the form was on: the login's `next` was the form's own address, which the browser
then asked with GET, and a POST-only action answered a blank 405."""

import time

from django.test import Client
from django.urls import reverse

from accounts.security_middleware import SEEN, STARTED

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
