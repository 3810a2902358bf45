"""A moment ago reads "zojuist geopend", not "al 0 minuten open" or "open sinds 0 minuten"
(accounts.templatetags.durations)."""

import datetime
import re

import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.templatetags.durations import just_now
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from monitoring.tests.helpers import make_case

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def test_it_calls_under_a_minute_ago_just_now():
    with time_machine.travel(NOW, tick=False):
        assert just_now(NOW - datetime.timedelta(seconds=59))
        assert just_now(NOW + datetime.timedelta(seconds=5))  # another machine's clock
        assert not just_now(NOW - datetime.timedelta(minutes=1))
        assert not just_now(None)


def _takedown(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "website", "photo", False)
    return check, TakedownTask.objects.get()


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_case_and_a_takedown_opened_just_now_read_so_on_the_directors_home(
    login, director_a, teacher_a, parent_a, pupil_a, school_a
):
    case = make_case(school_a)
    _takedown(teacher_a, parent_a, pupil_a)
    text = _text(login(director_a).get(reverse("accounts:home_director")))
    assert "0 minuten" not in text
    assert f"Zaak #{case.pk} · nieuw · zojuist geopend · niemand toegewezen" in text
    assert "Juf.A · zojuist geopend" in text


def test_an_older_case_still_says_how_long_it_is_open(login, director_a, school_a):
    make_case(school_a, opened_at=timezone.now() - datetime.timedelta(days=2))
    text = _text(login(director_a).get(reverse("accounts:home_director")))
    assert "· nieuw · al 2 dagen open · niemand toegewezen" in text


def test_a_takedown_given_just_now_reads_so_on_the_check_and_the_takedowns_page(
    login, director_a, teacher_a, parent_a, pupil_a
):
    check, task = _takedown(teacher_a, parent_a, pupil_a)
    client = login(director_a)
    for url in [reverse("consent:check", args=[check.pk]), reverse("consent:takedowns")]:
        text = _text(client.get(url))
        assert "Toegewezen aan Juf.A, zojuist geopend." in text, url
        assert "0 minuten" not in text

    TakedownTask.objects.filter(pk=task.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    for url in [reverse("consent:check", args=[check.pk]), reverse("consent:takedowns")]:
        assert "Toegewezen aan Juf.A, al 3 dagen open." in _text(client.get(url)), url
