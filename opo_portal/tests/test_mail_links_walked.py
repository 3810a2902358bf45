"""Every link in the conflict e-mail and the monthly digest, as the real handlers render
them, followed as their recipients would: logged out (the login, then the page the link
names), logged in as the recipient (the page, with what the e-mail announced), and as
someone of another school or role (a 404: the link leaks nothing)."""

import datetime
import re
import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, add_teaching, make_staff, make_user
from consent.tests.helpers import decide
from monitoring.notifications import monthly_digest_send
from outbox.tests.helpers import run_due_duties
from schools.models import Guardianship, StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role
LINK = re.compile(r"https?://[^\s<>\"]+")


def links_of(message) -> list[str]:
    """The links of every part (the text and, when there is one, the HTML part), each on
    SITE_URL, as paths to ask the test client."""
    parts = [message.body] + [body for body, _type in getattr(message, "alternatives", [])]
    found = sorted({link for part in parts for link in LINK.findall(part)})
    assert found, "the e-mail has no link"
    assert all(link.startswith(settings.SITE_URL + "/") for link in found), found
    return [link.removeprefix(settings.SITE_URL) for link in found]


def totp_code(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(decrypt(authenticator.data["secret"]), counter))


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def logged_out_then_logged_in(path: str, user) -> Client:
    """Follow `path` without a session: the login page, then password and the login code
    app as staff log in; returns the client on the page the login led to."""
    client = Client()
    response = client.get(path)
    assert response.status_code == 302
    login_url, _, query = response["Location"].partition("?")
    assert login_url == reverse("account_login")
    assert client.get(response["Location"]).status_code == 200
    with time_machine.travel(timezone.now(), tick=False):
        step = client.post(response["Location"], {"login": user.email, "password": PASSWORD})
        assert step.status_code == 302
        if step["Location"].startswith(reverse("mfa_authenticate")):
            step = client.post(step["Location"], {"code": totp_code(user)})
    assert step.status_code == 302
    assert step["Location"] == path
    return client


def as_staff(user):
    """The cast's staff have the login code app; their address is confirmed, as a real
    account's is after its first login."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


# --- The conflict e-mail (parents disagree) ------------------------------------------------


@pytest.fixture
def conflict_mail(director_a, parent_a, pupil_a):
    """The conflict e-mail to director_a, as conflict_email_send renders it."""
    as_staff(director_a)
    other = make_user("ouder.a2@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "pers", "photo", True)
    decide(pupil_a, other, "pers", "photo", False)
    run_due_duties()
    [message] = mail.outbox
    assert message.to == [director_a.email]
    return message


def assert_shows_the_conflict(response):
    assert response.status_code == 200
    text = text_of(response)
    assert "Conflicten om met de ouders op te lossen" in text
    assert "Sem Bakker" in text  # the pupil the e-mail could not name
    assert "Geen conflicten." not in text


def test_the_conflict_links_lead_a_logged_out_director_through_the_login(conflict_mail, director_a):
    for path in links_of(conflict_mail):
        client = logged_out_then_logged_in(path, director_a)
        assert_shows_the_conflict(client.get(path))


def test_the_conflict_links_show_the_director_the_conflict(login, conflict_mail, director_a):
    for path in links_of(conflict_mail):
        assert_shows_the_conflict(login(director_a).get(path))


def test_the_conflict_links_of_a_school_without_director_show_the_board_the_conflict(
    login, board, director_a, parent_a, pupil_a
):
    StaffMembership.objects.filter(user=director_a).delete()
    other = make_user("ouder.a2@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "pers", "photo", True)
    decide(pupil_a, other, "pers", "photo", False)
    run_due_duties()
    [message] = mail.outbox
    assert message.to == [board.email]
    for path in links_of(message):
        assert_shows_the_conflict(login(board).get(path))


@pytest.fixture
def directs_b_teaches_a(school_a, school_b, group_a1):
    user = make_staff("directeur.b.juf.a@example.org", Role.DIRECTOR, school_b)
    return add_teaching(user, school_a, [group_a1])


OUT_OF_REACH = [
    "director_b",
    "teacher_a",
    "parent_a",
    "outsider",
    "directs_b_teaches_a",
    "director_parent",
]


@pytest.mark.parametrize("cast_member", OUT_OF_REACH)
def test_the_conflict_links_are_a_404_to_anyone_else(request, login, conflict_mail, cast_member):
    client = login(request.getfixturevalue(cast_member))
    for path in links_of(conflict_mail):
        response = client.get(path)
        assert response.status_code == 404
        assert "Sem" not in text_of(response)


# --- The monthly digest --------------------------------------------------------------------


@pytest.fixture
def digest_mail(director_a, school_a):
    """November's digest to director_a, as digest_email_send renders it on 1 December."""
    as_staff(director_a)
    monthly_digest_send(today=datetime.date(2026, 12, 1))
    run_due_duties()
    [message] = mail.outbox
    assert message.to == [director_a.email]
    return message


def assert_shows_the_digests_report(response):
    assert response.status_code == 200
    # the report's heading names the school and the digest's month (its trend names others)
    assert "<h2>OBS De Vlindertuin, november 2026</h2>" in response.content.decode()


def test_the_digest_links_lead_a_logged_out_director_through_the_login(digest_mail, director_a):
    for path in links_of(digest_mail):
        client = logged_out_then_logged_in(path, director_a)
        assert_shows_the_digests_report(client.get(path))


def test_the_digest_links_show_the_director_the_months_report(login, digest_mail, director_a):
    for path in links_of(digest_mail):
        assert_shows_the_digests_report(login(director_a).get(path))


def test_the_digest_links_of_a_school_without_director_show_the_board_its_report(
    login, board, school_a
):
    monthly_digest_send(today=datetime.date(2026, 12, 1))
    run_due_duties()
    [message] = mail.outbox
    assert message.to == [board.email]
    for path in links_of(message):
        assert_shows_the_digests_report(login(board).get(path))


@pytest.mark.parametrize("cast_member", OUT_OF_REACH)
def test_the_digest_links_are_a_404_to_anyone_else(request, login, digest_mail, cast_member):
    client = login(request.getfixturevalue(cast_member))
    for path in links_of(digest_mail):
        response = client.get(path)
        assert response.status_code == 404
        assert "Vlindertuin" not in text_of(response)
