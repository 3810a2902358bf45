"""A "Onterecht" (false positive) button from a page read before a colleague marked the
post as a complaint, or before the flag was raised again, dismissed it anyway: the
complaint the colleague had just pointed out left the dashboard without anyone seeing
it. Now the button carries what it was shown with, and such a click changes nothing and
says why; a second click says who dismissed the flag first."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from monitoring import services
from monitoring.models import Flag, Mention
from monitoring.tests.helpers import make_flag, make_post, make_source
from schools.models import StaffMembership


@pytest.fixture
def flag(school_a):
    post = make_post(make_source(), text="De juf van De Vlindertuin schreeuwt altijd.")
    Mention.objects.create(post=post, school=school_a, created_at=timezone.now())
    return make_flag(post, school_a, category="negative_experience")


@pytest.fixture
def colleague(school_a):
    return make_staff("adjunct.a@example.org", StaffMembership.Role.DIRECTOR, school_a)


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def seen_on(page: str, flag: Flag) -> str:
    """The `seen` value of the flag's dismiss form on a page."""
    action = reverse("monitoring:flag_dismiss", args=[flag.pk])
    form = page[page.index(f'action="{action}"') :]
    return html.unescape(re.search(r'name="flag_seen" value="([^"]*)"', form)[1])


@pytest.mark.parametrize(
    ("page", "extra"),
    [("dashboard", {}), ("mentions", {"from_mentions": "1"})],
)
def test_a_button_read_before_a_colleague_marked_the_post_changes_nothing(
    login, director_a, colleague, flag, school_a, page, extra
):
    url = reverse("monitoring:" + page, args=[school_a.code] if page == "mentions" else [])
    seen = seen_on(login(director_a).get(url).content.decode(), flag)
    services.post_mark(
        post=flag.post, school=school_a, category="negative_experience", user=colleague
    )

    response = login(director_a).post(
        reverse("monitoring:flag_dismiss", args=[flag.pk]), {"flag_seen": seen, **extra}
    )

    flag.refresh_from_db()
    assert flag.dismissed_as_false_positive is False
    assert flag.marked_by == colleague
    [message] = said(response)
    assert message.startswith(f"{colleague} heeft dit bericht op ")
    assert "Er is niets gewijzigd" in message


def test_a_button_read_before_a_dismissal_was_taken_back_changes_nothing(
    login, director_a, colleague, flag, school_a
):
    seen = seen_on(login(director_a).get(reverse("monitoring:dashboard")).content.decode(), flag)
    services.flag_dismiss(flag=flag, user=colleague)
    services.post_mark(
        post=flag.post, school=school_a, category="negative_experience", user=colleague
    )

    login(director_a).post(reverse("monitoring:flag_dismiss", args=[flag.pk]), {"flag_seen": seen})

    flag.refresh_from_db()
    assert flag.dismissed_as_false_positive is False


def test_a_button_as_shown_dismisses(login, director_a, flag):
    client = login(director_a)
    seen = seen_on(client.get(reverse("monitoring:dashboard")).content.decode(), flag)

    response = client.post(reverse("monitoring:flag_dismiss", args=[flag.pk]), {"flag_seen": seen})

    flag.refresh_from_db()
    assert flag.dismissed_as_false_positive is True
    assert flag.dismissed_by == director_a
    assert said(response) == ["Signaal afgewezen als onterecht."]


def test_a_second_click_says_who_dismissed_it_first(login, director_a, colleague, flag):
    url = reverse("monitoring:flag_dismiss", args=[flag.pk])
    seen = flag.version_token()
    login(colleague).post(url, {"flag_seen": seen}, follow=True)

    response = login(director_a).post(url, {"flag_seen": seen})

    flag.refresh_from_db()
    assert flag.dismissed_by == colleague
    [message] = said(response)
    assert message.startswith(f"Dit signaal was al als onterecht gemarkeerd door {colleague} op ")
