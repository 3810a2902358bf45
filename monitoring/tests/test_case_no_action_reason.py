"""A teacher's reason for closing a case as "no action needed" is kept on the case in its
own field (FollowUp.no_action_reasons: who, which day, what), shown read-only on the case
page to everyone who reads the case, in the reader's language. It used to live only in
the notes, which its writer could edit away afterwards, and was a Dutch sentence there
and in its field until 2026-12-07. The reason field's label says "required" only while
the case can still be closed so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.test_case_no_action_seen import case_a  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
REASON = "Moeder gesproken bij het hek; het was een misverstand"
REQUIRED = "verplicht bij die status"


def given(case) -> list[str]:
    return [reason["reason"] for reason in case.no_action_reasons]


def _page(client, case) -> str:
    return client.get(reverse("monitoring:case", args=[case.pk])).content.decode()


def _update(client, case, **data):
    return client.post(reverse("monitoring:case_update", args=[case.pk]), data)


def _close(client, case):
    response = _update(client, case, status="no_action", notes="gebeld", no_action_reason=REASON)
    assert response.status_code == 302


def test_it_keeps_the_reason_when_its_writer_empties_the_notes(login, case_a, teacher_a):  # noqa: F811
    client = login(teacher_a)
    _close(client, case_a)
    response = _update(client, case_a, status="no_action", notes="")
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.notes == ""
    [reason] = case_a.no_action_reasons
    assert reason == {
        "name": teacher_a.full_name,
        "day": services.school_date(timezone.now()).isoformat(),
        "reason": REASON,
    }
    assert REASON in _page(client, case_a)


@pytest.mark.parametrize("reader", ["teacher_a", "director_a", "board", "privacy_officer"])
def test_everyone_who_reads_the_case_sees_the_reason(request, login, case_a, teacher_a, reader):  # noqa: F811
    _close(login(teacher_a), case_a)
    page = _page(login(request.getfixturevalue(reader)), case_a)
    assert "Reden voor “geen actie nodig”" in page
    assert REASON in page


def test_it_shows_the_reason_in_the_readers_language(login, case_a, teacher_a, director_a):  # noqa: F811
    """The reason is stored as who, which day and what (FollowUp.no_action_reasons) and
    worded on the page in the reader's language: it was a Dutch sentence, which an English
    page showed in Dutch."""
    _close(login(teacher_a), case_a)
    client = login(director_a)
    dutch = _page(client, case_a)
    assert f"Geen actie nodig volgens {teacher_a.full_name} (" in dutch
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _page(client, case_a)
    assert f"No action needed, according to {teacher_a.full_name} (" in english
    assert REASON in english
    assert "Geen actie nodig" not in english


def test_it_leaves_the_notes_as_their_writer_wrote_them(login, case_a, teacher_a):  # noqa: F811
    """The reason has its own place on the case page: the notes, shown as written in
    every language, used to get a Dutch line of it as well."""
    _close(login(teacher_a), case_a)
    case_a.refresh_from_db()
    assert case_a.notes == "gebeld"


def test_the_reason_stays_when_the_case_is_reopened(
    login,
    case_a,  # noqa: F811
    teacher_a,
    director_a,
):
    _close(login(teacher_a), case_a)
    response = _update(login(director_a), case_a, status="new", assigned_to=teacher_a.pk)
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.status == "new" and REASON in given(case_a)
    assert REASON in _page(login(teacher_a), case_a)


def test_it_shows_no_reason_on_a_case_without_one(login, case_a, director_a):  # noqa: F811
    services.followup_update(case=case_a, status="no_action", user=director_a)
    assert "Reden voor “geen actie nodig”" not in _page(login(director_a), case_a)


def test_retention_erases_the_reason_with_the_notes(login, case_a, teacher_a, settings):  # noqa: F811
    _close(login(teacher_a), case_a)
    old = timezone.now() - datetime.timedelta(days=settings.MONITORING_FLAGGED_RETENTION_DAYS + 1)
    FollowUp.objects.filter(pk=case_a.pk).update(closed_at=old)
    result = services.posts_apply_retention()
    case_a.refresh_from_db()
    assert (case_a.notes, case_a.no_action_reasons) == ("", [])
    assert result.case_notes_erased == 1


def test_the_reason_field_says_required_only_while_the_case_can_be_closed_so(
    login,
    case_a,  # noqa: F811
    teacher_a,
):
    client = login(teacher_a)
    assert REQUIRED in _page(client, case_a)
    _close(client, case_a)
    page = _page(client, case_a)
    assert REQUIRED not in page
    assert 'name="no_action_reason"' not in page  # nothing to give on a case closed so


def test_a_reason_sent_again_on_a_closed_case_stays_typed_without_required(
    login,
    case_a,  # noqa: F811
    teacher_a,
):
    client = login(teacher_a)
    _close(client, case_a)
    response = _update(client, case_a, status="conversation_held", no_action_reason="nog iets")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="nog iets"' in page and REQUIRED not in page
