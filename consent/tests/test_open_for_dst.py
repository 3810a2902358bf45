"""'Open for …' on the takedown page and the director's home counts days on the school's
clock: a task given on Monday 9:00 is open a week on the next Monday 9:00, also in the week
summer time starts (167 hours, which read '6 dagen, 23 uur')."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = datetime.datetime(2026, 3, 23, 9, 0, tzinfo=AMSTERDAM)  # summer time from the 29th
NEXT_MONDAY = datetime.datetime(2026, 3, 30, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def task(teacher_a, parent_a, pupil_a):
    with time_machine.travel(MONDAY, tick=False):
        decide(pupil_a, parent_a, "sociale-media", "photo", True)
        publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
        )
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    return TakedownTask.objects.get(assigned_to=teacher_a)


@pytest.mark.parametrize("url", ["consent:takedowns", "home"])
def test_a_task_given_last_monday_is_open_a_week(login, task, director_a, url):
    with time_machine.travel(NEXT_MONDAY, tick=False):
        text = login(director_a).get(reverse(url), follow=True).content.decode()
    assert "1\xa0week" in text, [line for line in text.splitlines() if "open" in line]
    assert "23\xa0uur" not in text
