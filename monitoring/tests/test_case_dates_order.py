"""A conversation's dates cannot come before what came first in the case: an earlier
conversation of the case (also the first one's day kept after retention erased the
earlier ones), the day the case was opened (its flag raised), and a held date cannot be in
the future. Until 2026-12-07 the "conversation held" status took a planned and held date
before the earlier conversation or the case's opening, so a later conversation read as
held before the first and moved the case to another month in the school's report. Refused
in the case form with the earlier day named, nothing saved, what was typed kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case

pytestmark = pytest.mark.django_db
TODAY = services.school_date(timezone.now())
OPENED = TODAY - datetime.timedelta(days=40)
FIRST = TODAY - datetime.timedelta(days=30)  # the earlier conversation
SECOND = TODAY - datetime.timedelta(days=10)  # the one of planned_for/held_on
BEFORE = FIRST - datetime.timedelta(days=3)  # typed wrong: before the first

HELD_BEFORE = "Dit gesprek kan niet vóór het eerdere gesprek van %(day)s zijn gevoerd."
PLANNED_BEFORE = "Dit gesprek kan niet vóór het eerdere gesprek van %(day)s zijn gepland."
HELD_BEFORE_OPENED = "Dit gesprek kan niet vóór de opening van de zaak op %(day)s zijn gevoerd."
PLANNED_BEFORE_OPENED = "Dit gesprek kan niet vóór de opening van de zaak op %(day)s zijn gepland."


def _opened_on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _dutch(text: str, day: datetime.date) -> str:
    with translation.override("nl"):
        return text % {"day": date_format(day, "j F Y")}


def _second_case(school, status="conversation_held", **extra) -> FollowUp:
    """A case reopened after its first conversation, its second one planned or held."""
    fields = {
        "status": status,
        "planned_for": SECOND,
        "held_on": SECOND if status == "conversation_held" else None,
        "earlier_conversations": [{"held": FIRST.isoformat(), "planned": FIRST.isoformat()}],
        "notes": "gebeld",
    }
    return make_case(school, opened_at=_opened_on(OPENED), **(fields | extra))


def _post(client, case, **data):
    form = {"status": "conversation_held", "notes": "nieuw", **data}
    return client.post(reverse("monitoring:case_update", args=[case.pk]), form)


def _unchanged(case) -> tuple:
    return (
        case.status,
        case.planned_for,
        case.held_on,
        case.notes,
        case.earlier_conversations,
        case.first_held_on,
    )


@pytest.mark.parametrize("status", ["conversation_planned", "conversation_held"])
def test_it_refuses_a_conversation_held_before_the_earlier_one(login, director_a, school_a, status):
    """Recorded as held (from planned) or corrected (while held): with the planned date
    moved too, the check against the planned date let it through."""
    case = _second_case(school_a, status=status)
    before = _unchanged(case)
    response = _post(
        login(director_a), case, planned_for=BEFORE.isoformat(), held_on=BEFORE.isoformat()
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert _dutch(HELD_BEFORE, FIRST) in page
    assert f'value="{BEFORE.isoformat()}"' in page  # what was typed stays
    case.refresh_from_db()
    assert _unchanged(case) == before


def test_it_refuses_a_planned_date_before_the_earlier_conversation(login, director_a, school_a):
    case = _second_case(school_a)
    before = _unchanged(case)
    response = _post(
        login(director_a), case, planned_for=BEFORE.isoformat(), held_on=SECOND.isoformat()
    )
    assert response.status_code == 400
    assert _dutch(PLANNED_BEFORE, FIRST) in response.content.decode()
    case.refresh_from_db()
    assert _unchanged(case) == before


def test_it_names_the_latest_earlier_conversation(login, director_a, school_a):
    third = FIRST + datetime.timedelta(days=5)
    earlier = [
        {"held": FIRST.isoformat(), "planned": FIRST.isoformat()},
        {"held": third.isoformat(), "planned": None},
    ]
    case = _second_case(school_a, earlier_conversations=earlier)
    day = third - datetime.timedelta(days=1)
    response = _post(login(director_a), case, planned_for=day.isoformat(), held_on=day.isoformat())
    assert response.status_code == 400
    assert _dutch(HELD_BEFORE, third) in response.content.decode()


def test_it_refuses_a_day_before_the_first_conversation_retention_kept(login, director_a, school_a):
    """Retention erased the earlier conversations: their first day stays on the case."""
    case = _second_case(
        school_a, earlier_conversations=[], earlier_conversations_erased=True, first_held_on=FIRST
    )
    before = _unchanged(case)
    response = _post(
        login(director_a), case, planned_for=BEFORE.isoformat(), held_on=BEFORE.isoformat()
    )
    assert response.status_code == 400
    assert _dutch(HELD_BEFORE, FIRST) in response.content.decode()
    case.refresh_from_db()
    assert _unchanged(case) == before


def test_it_refuses_a_conversation_held_before_the_case_was_opened(login, director_a, school_a):
    case = make_case(school_a, opened_at=_opened_on(OPENED))
    day = OPENED - datetime.timedelta(days=1)
    response = _post(login(director_a), case, held_on=day.isoformat())
    assert response.status_code == 400
    page = response.content.decode()
    assert _dutch(HELD_BEFORE_OPENED, OPENED) in page
    assert f'value="{day.isoformat()}"' in page
    case.refresh_from_db()
    assert (case.status, case.held_on, case.first_held_on, case.notes) == ("new", None, None, "")


def test_it_refuses_a_planned_date_before_the_case_was_opened(login, director_a, school_a):
    case = make_case(school_a, opened_at=_opened_on(OPENED))
    day = OPENED - datetime.timedelta(days=2)
    response = _post(
        login(director_a), case, planned_for=day.isoformat(), held_on=OPENED.isoformat()
    )
    assert response.status_code == 400
    assert _dutch(PLANNED_BEFORE_OPENED, OPENED) in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.planned_for, case.held_on) == ("new", None, None)


def test_it_says_it_in_english(login, director_a, school_a):
    case = _second_case(school_a)
    client = login(director_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = _post(client, case, planned_for=BEFORE.isoformat(), held_on=BEFORE.isoformat())
    assert response.status_code == 400
    page = response.content.decode()
    with translation.override("en"):
        day = date_format(FIRST, "j F Y")
    assert (
        f"This conversation cannot have been held before the earlier conversation of {day}." in page
    )
    assert "Dit gesprek" not in page


def test_it_takes_the_earlier_conversations_day_and_the_opening_day(login, director_a, school_a):
    """Not before: a second conversation the same day as the first is possible."""
    case = _second_case(school_a)
    response = _post(
        login(director_a), case, planned_for=FIRST.isoformat(), held_on=FIRST.isoformat()
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.planned_for, case.held_on, case.first_held_on) == (FIRST, FIRST, FIRST)
    opened = make_case(school_a, opened_at=_opened_on(OPENED))
    response = _post(login(director_a), opened, held_on=OPENED.isoformat())
    assert response.status_code == 302


def test_a_date_stored_before_the_rule_does_not_block_saving_notes(login, director_a, school_a):
    """A case recorded with such dates before 2026-12-07 keeps taking notes and closing
    while its dates are left as they are: only a date typed anew is checked."""
    case = _second_case(school_a, planned_for=BEFORE, held_on=BEFORE, first_held_on=BEFORE)
    response = _post(
        login(director_a),
        case,
        status="closed",
        planned_for=BEFORE.isoformat(),
        held_on=BEFORE.isoformat(),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.notes) == ("closed", "nieuw")


def test_it_still_refuses_a_conversation_held_in_the_future(login, director_a, school_a):
    case = _second_case(school_a, status="conversation_planned")
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = _post(login(director_a), case, held_on=tomorrow.isoformat())
    assert response.status_code == 400
    assert "Het gesprek kan niet in de toekomst zijn gevoerd." in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.held_on) == ("conversation_planned", None)


def test_it_still_refuses_another_conversation_planned_before_the_earlier_one(
    login, director_a, school_a
):
    case = _second_case(school_a, earlier_conversations=[])  # held on SECOND
    response = _post(
        login(director_a),
        case,
        status="conversation_planned",
        planned_for=(SECOND - datetime.timedelta(days=1)).isoformat(),
        held_on=SECOND.isoformat(),
    )
    assert response.status_code == 400
    assert "vóór de datum van het eerdere gesprek" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.earlier_conversations) == ("conversation_held", [])
