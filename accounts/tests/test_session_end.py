"""Logging out, a new password and a lost role end access at once, also for a copy of the
session cookie and with the session and the user's roles cached (accounts.sessions,
accounts.user_cache): an attacker holding a stolen cookie gets nothing from the next
request on."""

from django.test import Client
from django.urls import reverse

from accounts.tests.test_user_cache import _warm
from conftest import PASSWORD
from schools.models import StaffMembership


def _logged_in(client, url) -> bool:
    response = client.get(url)
    return response.status_code == 200


def test_a_logout_ends_a_copy_of_the_cookie_at_once(login, parent_a):
    client = login(parent_a)
    url = reverse("consent:my_children")
    _warm(client, parent_a, url)
    thief = Client()  # another browser with the same session cookie (a stolen one)
    thief.cookies.load({"sessionid": client.cookies["sessionid"].value})
    assert _logged_in(thief, url)  # the copy works while the session does
    client.post(reverse("account_logout"))
    assert not _logged_in(thief, url)


def test_a_new_password_ends_every_other_session_at_once_and_keeps_this_one(client, parent_a):
    url = reverse("consent:my_children")
    other = Client()
    for browser in (client, other):
        assert browser.login(email=parent_a.email, password=PASSWORD)
    _warm(other, parent_a, url)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "een ander paard 43",
            "password2": "een ander paard 43",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert not _logged_in(other, url)
    assert _logged_in(client, url)


def test_a_teacher_taken_off_a_group_loses_it_at_once(login, teacher_a, group_a1, pupil_a):
    client = login(teacher_a)
    url = reverse("consent:group", args=[group_a1.pk])
    _warm(client, teacher_a, url)
    teacher_a.memberships.get().groups.remove(group_a1)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("consent:check_new"), {"q": "Sem"}).content.decode().count("Bakker") == 0
    )


def test_a_director_made_teacher_loses_the_school_at_once(login, director_a, school_a):
    client = login(director_a)
    url = reverse("consent:coverage", args=[school_a.code])
    _warm(client, director_a, url)
    membership = director_a.memberships.get()
    membership.role = StaffMembership.Role.TEACHER
    membership.save()
    assert client.get(url).status_code == 404
