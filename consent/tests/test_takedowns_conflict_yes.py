"""A picture taken offline counts as possibly back up only once consent actually allowed
the pupil again since. A "ja" that leaves the parents disagreeing (the other parent's
"nee" still stands: a conflict, not allowed) cannot have put it back: a later "nee" makes
no second task, sends no e-mail, and the parent's page does not say it is being taken
offline again. Until 2026-12-07 any "ja" since counted."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from consent.models import CheckedPupil, Purpose, TakedownTask
from consent.rules import CHILD_PURPOSE_INFOS_SQL, _fetch, child_purpose_info_rows_orm
from consent.services import publication_check_create, takedown_complete
from consent.tests.helpers import decide, purpose

OPEN_LINE = re.compile(r'<p class="notice" role="status" id="takedowns-open">(.*?)</p>', re.S)


@pytest.fixture
def taken_offline(teacher_a, parent_a, code_parent, pupil_a):
    """Both parents hold gezag. Parent A allowed photos on social media, the teacher
    posted one, parent A said "nee" and the teacher took it offline."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    takedown_complete(task=task, user=teacher_a)
    task.refresh_from_db()
    return task


def _decide(pupil, parent, granted, capture):
    mail.outbox.clear()
    with capture(execute=True):
        decide(pupil, parent, "sociale-media", "photo", granted)


def _open_line(client, pupil) -> str:
    html = client.get(reverse("consent:child", args=[pupil.pk])).content.decode()
    found = OPEN_LINE.search(html)
    return " ".join(found[1].split()) if found else ""


def test_a_no_after_a_yes_that_made_a_conflict_makes_no_second_task(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    taken_offline,
    parent_a,
    code_parent,
    pupil_a,
):
    capture = django_capture_on_commit_callbacks
    _decide(pupil_a, code_parent, True, capture)  # A's "nee" stands: a conflict
    taken_offline.refresh_from_db()
    assert taken_offline.consent_back_at is None

    _decide(pupil_a, code_parent, False, capture)

    assert list(TakedownTask.objects.all()) == [taken_offline]
    assert mail.outbox == []
    for parent in (parent_a, code_parent):
        client = login(parent)
        assert _open_line(client, pupil_a) == ""
        page = client.get(reverse("consent:my_data")).content.decode()
        assert "Offline gehaald op" in page
        assert "De school haalt deze publicatie offline" not in page


def test_a_no_after_a_yes_that_allowed_the_pupil_again_takes_it_down_again(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    taken_offline,
    teacher_a,
    parent_a,
    code_parent,
    pupil_a,
):
    capture = django_capture_on_commit_callbacks
    _decide(pupil_a, parent_a, True, capture)  # the other parent never answered: allowed
    taken_offline.refresh_from_db()
    assert taken_offline.consent_back_at is not None

    _decide(pupil_a, code_parent, False, capture)  # a conflict: not allowed

    new = TakedownTask.objects.get(done_at__isnull=True)
    assert new.pk != taken_offline.pk
    assert new.publication_check_id == taken_offline.publication_check_id
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]
    said = _open_line(login(code_parent), pupil_a)
    assert said.startswith("De school haalt 1 publicatie met uw kind offline")


def test_the_yes_that_ends_a_conflict_allows_the_pupil_again(
    eager_tasks, django_capture_on_commit_callbacks, taken_offline, parent_a, code_parent, pupil_a
):
    """Parent B's "ja" made a conflict; parent A's own "ja" then ends it: allowed, so the
    picture may be back up and B's "nee" takes it down anew."""
    capture = django_capture_on_commit_callbacks
    _decide(pupil_a, code_parent, True, capture)
    _decide(pupil_a, parent_a, True, capture)
    taken_offline.refresh_from_db()
    assert taken_offline.consent_back_at is not None

    _decide(pupil_a, code_parent, False, capture)

    assert TakedownTask.objects.filter(done_at__isnull=True).count() == 1
    assert len(mail.outbox) == 1


def test_after_a_conflicting_yes_the_picture_still_counts_as_taken_offline(
    taken_offline, code_parent, pupil_a
):
    """The board's and admin's "still visible" counts and a retired channel's place on the
    parent's page, in SQL as through the ORM."""
    decide(pupil_a, code_parent, "sociale-media", "photo", True)
    assert not CheckedPupil.objects.still_published().filter(pupil=pupil_a).exists()
    assert list(TakedownTask.objects.standing()) == [taken_offline]
    Purpose.objects.filter(code="sociale-media").update(active=False)
    rows = list(child_purpose_info_rows_orm(pupil_a.pk))
    assert not any(row[-1] for row in rows)
    if connection.vendor == "postgresql":
        assert _fetch(CHILD_PURPOSE_INFOS_SQL, [pupil_a.pk, pupil_a.pk]) == rows


WARNING = "Publiceer het zo niet; staat het al online, haal het dan offline."
TAKEN_OFFLINE = "Het is offline gehaald (zie „Offline halen”); publiceer het zo niet opnieuw."


def test_the_check_page_still_says_taken_offline_after_a_conflicting_yes_and_a_no(
    login, taken_offline, teacher_a, code_parent, pupil_a
):
    """The check page read any answer since the takedown as "it may have been put back":
    after the other parent's conflicting "ja" (and their "nee") it told the teacher to take
    down a publication that is offline and never was allowed since, beside its card that
    says it was taken offline, with no task to do."""
    url = reverse("consent:check", args=[taken_offline.publication_check_id])
    client = login(teacher_a)
    decide(pupil_a, code_parent, "sociale-media", "photo", True)  # a conflict
    page = client.get(url).content.decode()
    assert WARNING not in page
    assert f"{pupil_a.full_name} mag er niet meer op. {TAKEN_OFFLINE}" in page
    decide(pupil_a, code_parent, "sociale-media", "photo", False)
    page = client.get(url).content.decode()
    assert WARNING not in page
    assert f"{pupil_a.full_name} mag er niet meer op. {TAKEN_OFFLINE}" in page


def test_the_check_page_warns_again_once_consent_allowed_the_pupil_since(
    login, taken_offline, teacher_a, parent_a, code_parent, pupil_a
):
    """Allowed again (the picture may be back up), then the other parent's "nee": the page
    asks to take it down, as the new task does."""
    url = reverse("consent:check", args=[taken_offline.publication_check_id])
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # allowed again
    decide(pupil_a, code_parent, "sociale-media", "photo", False)
    page = login(teacher_a).get(url).content.decode()
    assert WARNING in page and TAKEN_OFFLINE not in page
