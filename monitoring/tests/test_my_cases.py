"""A staff member's own cases on their home ("Mijn zaken"): each line says its status once."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from monitoring.models import FollowUp
from monitoring.services import school_date
from monitoring.tests.helpers import make_case, my_cases_section

Status = FollowUp.Status
# a day still to come (a fixed day would pass, and then reads "gesprek was gepland op")
DAY = school_date(timezone.now()) + datetime.timedelta(days=3)


def _lines(login, user) -> list[str]:
    page = login(user).get(reverse("accounts:home_teacher")).content.decode()
    items = re.findall(r"<li>(.*?)</li>", my_cases_section(page), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_a_planned_conversation_says_its_day_in_place_of_its_status(login, teacher_a, school_a):
    case = make_case(
        school_a, status=Status.CONVERSATION_PLANNED, planned_for=DAY, assigned_to=teacher_a
    )
    assert _lines(login, teacher_a) == [
        f"Zaak #{case.pk} · OBS De Vlindertuin · gesprek gepland op {date_format(DAY, 'j F Y')}"
    ]


def test_other_statuses_say_only_the_status(login, teacher_a, school_a):
    """A day left from an earlier plan (a conversation held, a case reopened) is not shown
    as if it were still planned."""
    held = make_case(
        school_a, status=Status.CONVERSATION_HELD, planned_for=DAY, assigned_to=teacher_a
    )
    new = make_case(
        school_a, priority=FollowUp.Priority.URGENT, planned_for=DAY, assigned_to=teacher_a
    )
    assert _lines(login, teacher_a) == [
        f"Dringend: Zaak #{new.pk} · OBS De Vlindertuin · nieuw",
        f"Zaak #{held.pk} · OBS De Vlindertuin · gesprek gevoerd",
    ]


def test_the_link_says_the_case_number_and_the_school_stands_apart(login, teacher_a, school_a):
    """As every other list of cases writes a case (the board's home, the director's
    attention list): the link "Zaak #7", then " · school", then the status."""
    case = make_case(school_a, priority=FollowUp.Priority.URGENT, assigned_to=teacher_a)
    page = login(teacher_a).get(reverse("accounts:home_teacher")).content.decode()
    url = reverse("monitoring:case", args=[case.pk])
    assert (
        f'<li><strong>Dringend:</strong> <a href="{url}">Zaak #{case.pk}</a>'
        " · OBS De Vlindertuin · nieuw</li>"
    ) in my_cases_section(page)
