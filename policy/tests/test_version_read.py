"""Which version each person actually read, on the confirmation lists and in their CSV.

After a correction a confirmation is kept from the version read (`carried_from`): the
list said "ja, op <dag>" as if the corrected version had been read that day, before it
existed. After a new version the list said only "nog niet", hiding that the person had
confirmed the version before it: what an audit asks ("had the teacher who posted it
confirmed the protocol then?")."""

import datetime

from django.urls import reverse
from django.utils import timezone

from consent.tests.helpers import html_of
from policy import services
from policy.models import Acknowledgement
from policy.tests.test_confirmation_list import csv_rows

LIST = reverse("policy:confirmation_list", args=["vlindertuin"])
CSV = reverse("policy:confirmation_csv", args=["vlindertuin"])
READ_ON = timezone.make_aware(datetime.datetime(2026, 9, 1, 10, 0))


def _publish(board, kind: str, text: str = "Tekst met een verbeterde spelling."):
    draft = services.version_draft_start(by=board)
    services.article_update(article=draft.articles.get(anchor="communiceren-2"), text=text)
    services.version_update_summary(version=draft, summary="Spelling verbeterd.")
    return services.version_publish(version=draft, by=board, kind=kind)


def _read_v1(user, v1):
    Acknowledgement.objects.create(user=user, version=v1, confirmed_at=READ_ON)


def _row(response, email, rows="staff"):
    return next(row for row in response.context[rows] if row.email == email)


def test_it_says_which_version_was_read_when_a_correction_kept_the_confirmation(
    v1, login, board, director_a, teacher_a
):
    _read_v1(teacher_a, v1)
    _publish(board, "correction")
    response = login(director_a).get(LIST)
    row = _row(response, teacher_a.email)
    assert row.confirmed and row.read_version == 1
    assert (
        "ja: versie 1 gelezen op 1 september 2026; versie 2 verbetert alleen de spelling"
        in html_of(response)
    )


def test_it_says_nothing_more_for_a_confirmation_of_the_current_version(
    v1, login, director_a, teacher_a
):
    services.acknowledgement_record(user=teacher_a, version=v1)
    response = login(director_a).get(LIST)
    assert _row(response, teacher_a.email).read_version is None
    assert "gelezen op" not in html_of(response)


def test_it_names_the_version_read_before_a_new_one(v1, login, board, director_a, teacher_a):
    _read_v1(teacher_a, v1)
    _publish(board, "revision")
    response = login(director_a).get(LIST)
    row = _row(response, teacher_a.email)
    assert not row.confirmed and row.read_version == 1
    assert "nog niet (versie 1 gelezen op 1 september 2026)" in html_of(response)


def test_it_names_the_version_actually_read_through_a_correction_and_a_new_version(
    v1, login, board, privacy_officer, teacher_a
):
    _read_v1(teacher_a, v1)
    _publish(board, "correction")
    _publish(board, "revision", text="Een nieuwe regel.")
    row = _row(login(privacy_officer).get(LIST), teacher_a.email)
    assert not row.confirmed and (row.read_version, row.read_at) == (1, READ_ON)


def test_the_board_staff_list_says_which_version_was_read(v1, login, board, privacy_officer):
    _read_v1(privacy_officer, v1)
    _publish(board, "correction")
    response = login(board).get(reverse("policy:confirmations"))
    assert _row(response, privacy_officer.email, "foundation_staff").read_version == 1
    assert "versie 1 gelezen op 1 september 2026" in html_of(response)


def test_the_csv_gives_the_version_read_and_when(
    v1, login, board, privacy_officer, director_a, teacher_a, other_teacher
):
    _read_v1(teacher_a, v1)
    _publish(board, "correction")
    services.acknowledgement_record(user=director_a, version=v1.__class__.objects.current())
    header, *rows = csv_rows(login(privacy_officer).get(CSV))
    assert header[-2:] == ["Gelezen versie", "Gelezen op"]
    by_email = {row[2]: row[4:] for row in rows}
    assert by_email[teacher_a.email] == ["ja", "01-09-2026 10:00", "1", "01-09-2026 10:00"]
    assert by_email[director_a.email][:1] + by_email[director_a.email][2:3] == ["ja", "2"]
    assert by_email[other_teacher.email] == ["nee", "", "", ""]
