"""A case has one planned and one held date; when another conversation is planned after one
was held, the earlier one is kept on the case in its own field
(FollowUp.earlier_conversations: the day it was held and the day it was planned for),
shown read-only on the case page to everyone who reads the case, in the reader's language.
Until 2026-12-07 it was a Dutch line added to the notes, which an English page showed in
Dutch and which the notes' writer could edit away."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.test_case_no_action_seen import case_a  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PLANNED = TODAY - datetime.timedelta(days=5)
HELD = TODAY - datetime.timedelta(days=4)
NEXT = TODAY + datetime.timedelta(days=7)


def _page(client, case) -> str:
    return client.get(reverse("monitoring:case", args=[case.pk])).content.decode()


def _in(language: str, text: str, **days: datetime.date) -> str:
    with translation.override(language):
        return text % {name: date_format(day, "j F Y") for name, day in days.items()}


def _held(case) -> None:
    """The case after its first conversation (as a reopened one stands)."""
    FollowUp.objects.filter(pk=case.pk).update(
        status="conversation_held", planned_for=PLANNED, held_on=HELD, notes="gebeld"
    )
    case.refresh_from_db()


def _plan_again(client, case, planned_for=NEXT, notes="gebeld"):
    response = client.post(
        reverse("monitoring:case_update", args=[case.pk]),
        {
            "status": "conversation_planned",
            "planned_for": planned_for.isoformat(),
            "held_on": case.held_on.isoformat() if case.held_on else "",  # as the form shows it
            "notes": notes,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()


def test_it_keeps_the_earlier_conversation_as_data(login, case_a, teacher_a):  # noqa: F811
    _held(case_a)
    _plan_again(login(teacher_a), case_a)
    assert case_a.earlier_conversations == [
        {"held": HELD.isoformat(), "planned": PLANNED.isoformat()}
    ]
    assert (case_a.status, case_a.planned_for, case_a.held_on) == (
        "conversation_planned",
        NEXT,
        None,
    )


def test_it_leaves_the_notes_as_their_writer_wrote_them(login, case_a, teacher_a):  # noqa: F811
    """The notes, shown as written in every language, used to get a Dutch line."""
    _held(case_a)
    _plan_again(login(teacher_a), case_a)
    assert case_a.notes == "gebeld"


def test_it_shows_the_earlier_conversation_in_the_readers_language(
    login,
    case_a,  # noqa: F811
    teacher_a,
    director_a,
):
    _held(case_a)
    client = login(teacher_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    _plan_again(client, case_a)  # planned on an English page: nothing of it stored in English
    sentence = "Earlier conversation held on %(held)s (planned for %(planned)s)."
    reader = login(director_a)  # the same test client: back to Dutch first
    reader.post(reverse("set_language"), {"language": "nl", "next": "/"})
    dutch = _page(reader, case_a)
    gepland = "Eerder gesprek gevoerd op %(held)s (gepland voor %(planned)s)."
    assert _in("nl", gepland, held=HELD, planned=PLANNED) in dutch
    assert "Earlier conversation" not in dutch
    reader.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _page(reader, case_a)
    assert _in("en", sentence, held=HELD, planned=PLANNED) in english
    assert "Eerder gesprek" not in english


def test_everyone_who_reads_the_case_sees_it_and_no_form_changes_it(
    login,
    case_a,  # noqa: F811
    teacher_a,
    director_a,
):
    _held(case_a)
    client = login(teacher_a)
    _plan_again(client, case_a)
    response = client.post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "conversation_planned", "planned_for": NEXT.isoformat(), "notes": ""},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.notes == "" and len(case_a.earlier_conversations) == 1
    line = _in("nl", "Eerder gesprek gevoerd op %(held)s", held=HELD)
    for user in (teacher_a, director_a):
        assert line in _page(login(user), case_a)


def test_a_third_conversation_adds_its_entry_after_the_first(login, case_a, teacher_a):  # noqa: F811
    _held(case_a)
    client = login(teacher_a)
    _plan_again(client, case_a, planned_for=TODAY)
    services.followup_update(
        case=case_a, status="conversation_held", held_on=TODAY, assigned_to=teacher_a
    )
    case_a.refresh_from_db()
    _plan_again(client, case_a)
    assert case_a.earlier_conversations == [
        {"held": HELD.isoformat(), "planned": PLANNED.isoformat()},
        {"held": TODAY.isoformat(), "planned": TODAY.isoformat()},
    ]
    page = _page(client, case_a)
    first = _in("nl", "Eerder gesprek gevoerd op %(held)s", held=HELD)
    second = _in("nl", "Eerder gesprek gevoerd op %(held)s", held=TODAY)
    assert page.index(first) < page.index(second)


def test_an_earlier_conversation_without_a_planned_day_says_so(login, case_a, teacher_a):  # noqa: F811
    _held(case_a)
    FollowUp.objects.filter(pk=case_a.pk).update(planned_for=None)
    case_a.refresh_from_db()
    _plan_again(login(teacher_a), case_a)
    assert case_a.earlier_conversations == [{"held": HELD.isoformat(), "planned": None}]
    page = _page(login(teacher_a), case_a)
    assert _in("nl", "Eerder gesprek gevoerd op %(held)s.", held=HELD) in page


def test_it_shows_nothing_on_a_case_without_one(login, case_a, director_a):  # noqa: F811
    _held(case_a)
    page = _page(login(director_a), case_a)
    assert "Eerder gesprek" not in page and "Eerdere gesprekken" not in page


def test_retention_erases_it_with_the_notes(login, case_a, teacher_a, settings):  # noqa: F811
    _held(case_a)
    _plan_again(login(teacher_a), case_a, notes="")
    old = timezone.now() - datetime.timedelta(days=settings.MONITORING_FLAGGED_RETENTION_DAYS + 1)
    FollowUp.objects.filter(pk=case_a.pk).update(status="closed", closed_at=old)
    result = services.posts_apply_retention()
    case_a.refresh_from_db()
    assert (case_a.notes, case_a.earlier_conversations) == ("", [])
    assert result.case_notes_erased == 1


def test_a_refused_new_plan_keeps_nothing(case_a, teacher_a):  # noqa: F811
    """A date the form refuses (past a year from today) changes nothing, in the database
    nor on the case as the caller holds it."""
    _held(case_a)
    with pytest.raises(ValidationError):
        services.followup_update(
            case=case_a,
            status="conversation_planned",
            planned_for=TODAY + datetime.timedelta(days=400),
            assigned_to=teacher_a,
            notes="gebeld",
        )
    assert case_a.earlier_conversations == []
    case_a.refresh_from_db()
    assert (case_a.status, case_a.held_on, case_a.earlier_conversations) == (
        "conversation_held",
        HELD,
        [],
    )


def _erased(client, case, settings) -> None:
    """The case after its second conversation was planned, closed and past retention."""
    _held(case)
    _plan_again(client, case, notes="")
    old = timezone.now() - datetime.timedelta(days=settings.MONITORING_FLAGGED_RETENTION_DAYS + 1)
    FollowUp.objects.filter(pk=case.pk).update(status="closed", closed_at=old)
    services.posts_apply_retention()
    case.refresh_from_db()
    assert (case.earlier_conversations, case.earlier_conversations_erased) == ([], True)


ERASED_NL = (
    "Eerdere gesprekken zijn na de bewaartermijn gewist; het eerste gesprek was op %(first)s."
)
ERASED_EN = (
    "Earlier conversations were erased after the retention period; the first conversation "
    "was held on %(first)s."
)


def test_it_says_retention_erased_the_earlier_ones(
    login,
    case_a,  # noqa: F811
    teacher_a,
    director_a,
    settings,
):
    """Until 2026-12-07 the page then said nothing of them: the case read as having had
    one conversation, on its last held date."""
    _erased(login(teacher_a), case_a, settings)
    reader = login(director_a)
    reader.post(reverse("set_language"), {"language": "nl", "next": "/"})
    dutch = _page(reader, case_a)
    assert _in("nl", ERASED_NL, first=HELD) in dutch
    assert "Earlier conversations were erased" not in dutch
    reader.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _page(reader, case_a)
    assert _in("en", ERASED_EN, first=HELD) in english
    assert "bewaartermijn" not in english


def test_it_says_so_before_the_conversations_held_since(login, case_a, director_a):  # noqa: F811
    """Reopened after retention, another conversation planned: the erased ones first."""
    since = {"held": (HELD + datetime.timedelta(days=2)).isoformat(), "planned": None}
    FollowUp.objects.filter(pk=case_a.pk).update(
        status="conversation_planned",
        planned_for=NEXT,
        earlier_conversations=[since],
        earlier_conversations_erased=True,
        first_held_on=PLANNED,
    )
    page = _page(login(director_a), case_a)
    erased = _in("nl", ERASED_NL, first=PLANNED)
    later = _in("nl", "Eerder gesprek gevoerd op %(held)s.", held=HELD + datetime.timedelta(days=2))
    assert erased in page and later in page
    assert page.index(erased) < page.index(later)


def test_without_the_first_day_it_says_only_that_they_were_erased(
    login,
    case_a,  # noqa: F811
    director_a,
):
    _held(case_a)
    FollowUp.objects.filter(pk=case_a.pk).update(
        earlier_conversations_erased=True, first_held_on=None
    )
    page = _page(login(director_a), case_a)
    assert "Eerdere gesprekken zijn na de bewaartermijn gewist." in page
    assert "het eerste gesprek was op" not in page
