"""The language a person chose follows them to a new browser: signed in from a browser
without the language cookie, the pages are in their saved language and the cookie is set.
Whoever never chose keeps the browser's language (Dutch by default); a switch on that
browser wins and is saved."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.user_cache import forget_user
from conftest import PASSWORD

User = get_user_model()
COOKIE = settings.LANGUAGE_COOKIE_NAME
HOME = reverse("accounts:home_parent")


def chose(user, language: str):
    User.objects.filter(pk=user.pk).update(language=language)
    forget_user(user.pk)
    user.refresh_from_db()
    return user


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_it_sets_the_saved_language_at_login_on_a_new_browser(client, parent_a):
    verified(chose(parent_a, "en"))
    response = sign_in(client, parent_a)
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    page = client.get(HOME)
    assert page["Content-Language"] == "en"
    assert "My children" in page.content.decode()


def test_it_speaks_the_saved_language_to_a_session_without_the_cookie(client, parent_a):
    """A session that outlived the cookie (or one from before the choice was saved)."""
    client.force_login(chose(parent_a, "en"))
    page = client.get(HOME)
    assert page["Content-Language"] == "en"
    assert "My children" in page.content.decode()
    assert page.cookies[COOKIE].value == "en"
    assert COOKIE not in client.get(HOME).cookies  # set once: the browser has it now


def test_it_leaves_who_never_chose_in_dutch(client, parent_a):
    verified(parent_a)
    response = sign_in(client, parent_a)
    assert COOKIE not in response.cookies
    page = client.get(HOME)
    assert page["Content-Language"] == "nl"
    assert COOKIE not in page.cookies
    assert "Mijn kinderen" in page.content.decode()


def test_it_lets_the_cookie_of_this_browser_win(client, parent_a):
    """Chosen English once, but this browser says Dutch: Dutch here."""
    client.force_login(chose(parent_a, "en"))
    client.cookies[COOKIE] = "nl"
    page = client.get(HOME)
    assert page["Content-Language"] == "nl"
    assert COOKIE not in page.cookies


def test_it_lets_a_switch_on_the_new_browser_win_and_saves_it(client, parent_a):
    client.force_login(chose(parent_a, "en"))
    response = client.post(reverse("set_language"), {"language": "nl", "next": HOME})
    assert response.cookies[COOKIE].value == "nl"
    parent_a.refresh_from_db()
    assert parent_a.language == "nl"
    page = client.get(HOME)
    assert page["Content-Language"] == "nl"
    assert "Mijn kinderen" in page.content.decode()


def test_it_does_not_carry_a_saved_language_to_anonymous_pages(parent_a):
    chose(parent_a, "en")
    page = Client().get(reverse("account_login"))
    assert page["Content-Language"] == "nl"
    assert COOKIE not in page.cookies


def test_it_gives_the_next_person_on_a_shared_browser_their_own_language(
    client, parent_a, parent_b
):
    """A school's library computer: someone who chose English signs in and out (the
    logged-out page stays English), then someone who never chose signs in: Dutch for them,
    and English is not saved as their choice."""
    verified(chose(parent_a, "en"))
    sign_in(client, parent_a)
    assert client.get(HOME)["Content-Language"] == "en"
    logged_out = client.post(reverse("account_logout"), follow=True)
    assert logged_out["Content-Language"] == "en"
    response = sign_in(client, verified(parent_b))
    assert response.cookies[COOKIE].value == ""  # deleted
    assert client.get(HOME)["Content-Language"] == "nl"
    parent_b.refresh_from_db()
    assert parent_b.language == ""


def test_it_follows_a_choice_made_on_another_device(client, parent_a):
    """The cookie set from the account follows the account; one chosen here does not."""
    client.force_login(chose(parent_a, "en"))
    assert client.get(HOME)["Content-Language"] == "en"
    chose(parent_a, "nl")  # switched on the phone
    page = client.get(HOME)
    assert page["Content-Language"] == "nl"
    assert page.cookies[COOKIE].value == "nl"


def test_it_keeps_a_switch_on_a_shared_browser_as_that_browsers_choice(client, parent_a):
    client.force_login(chose(parent_a, "en"))
    client.get(HOME)  # the cookie, set from the account
    client.post(reverse("set_language"), {"language": "nl", "next": HOME})
    chose(parent_a, "en")  # chosen again elsewhere
    assert client.get(HOME)["Content-Language"] == "nl"


def test_it_asks_no_more_queries_without_the_cookie(client, parent_a):
    """The saved language comes with the signed-in user (accounts.user_cache)."""
    client.force_login(chose(parent_a, "en"))
    client.get(HOME)  # fills the user cache, sets the cookie
    with CaptureQueriesContext(connection) as with_cookie:
        client.get(HOME)
    del client.cookies[COOKIE]
    with CaptureQueriesContext(connection) as without:
        assert client.get(HOME).cookies[COOKIE].value == "en"
    assert len(without) == len(with_cookie)


def test_it_treats_a_cookie_in_a_language_the_portal_does_not_speak_as_none(client, parent_a):
    client.force_login(chose(parent_a, "en"))
    client.cookies[COOKIE] = "xx"
    page = client.get(HOME)
    assert page["Content-Language"] == "en"
    assert page.cookies[COOKIE].value == "en"
