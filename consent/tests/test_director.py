"""Directors: coverage, conflicts, CSV, reminders, the yearly review, paper decisions."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from consent.duties import review_round_fan_out
from consent.models import (
    ConflictNotice,
    ConsentEvent,
    Purpose,
    ReminderSent,
    ReviewConfirmation,
    ReviewRound,
)
from consent.reports import coverage_csv, coverage_csv_bytes, coverage_table, school_coverage
from consent.rules import State
from consent.services import reminders_send
from consent.tests.helpers import decide, purpose, shown_version, state_of
from outbox.models import Duty
from outbox.services import duties_sweep, duty_run
from schools.models import Group, Guardianship, Pupil, StaffMembership
from schools.tabular import csv_text


@pytest.fixture
def second_parent(pupil_a):
    user = make_user("ouder.a2@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    return user


def coverage_url(school):
    return reverse("consent:coverage", args=[school.code])


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("director_a", 200),
        ("director_b", 404),
        ("board", 200),
        ("privacy_officer", 200),
        ("teacher_a", 404),
        ("parent_a", 404),
        ("outsider", 404),
    ],
)
def test_it_shows_coverage_to_directors_of_the_school(
    request, login, school_a, cast_member, status
):
    user = request.getfixturevalue(cast_member)
    assert login(user).get(coverage_url(school_a)).status_code == status


def test_it_counts_cells_per_state_per_group(parent_a, second_parent, pupil_a, pupil_a2):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "video", False)
    decide(pupil_a, parent_a, "pers", "audio", True)
    decide(pupil_a, second_parent, "pers", "audio", False)
    coverage = school_coverage(pupil_a.school)
    group = next(g for g in coverage.groups if g.name == pupil_a.group.name)
    cells = 6 * 3
    assert (group.granted, group.refused, group.conflicts) == (1, 1, 1)
    assert group.answered == 2
    assert group.unanswered == cells - 3
    assert coverage.total.pupils == 2
    assert coverage.total.unanswered == 2 * cells - 3


def test_it_lists_per_pupil_what_is_open_in_conflict_or_never_in_the_picture(
    parent_a, second_parent, pupil_a, pupil_a2, school_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "audio", True)
    decide(pupil_a, second_parent, "pers", "audio", False)
    coverage = school_coverage(school_a)
    rows = {row.pupil.pk: row for row in coverage.total.rows}
    answered = rows[pupil_a.pk]
    assert answered.conflicts == [(purpose("pers").name, "geluid")]
    open_website = dict(answered.unanswered)[purpose("website").name]
    assert open_website == ["film", "geluid"]
    assert sum(len(media) for _channel, media in answered.unanswered) == 6 * 3 - 2
    silent = rows[pupil_a2.pk]
    assert [media for _channel, media in silent.unanswered] == [["foto", "film", "geluid"]] * 6
    assert not silent.conflicts
    pupil_a2.not_in_picture = True
    pupil_a2.save()
    coverage = school_coverage(school_a)
    never = next(row for row in coverage.total.rows if row.pupil.pk == pupil_a2.pk)
    assert never.not_in_picture and not never.unanswered and not never.conflicts
    assert coverage.total.not_in_picture == 6 * 3
    assert coverage.total.unanswered == 6 * 3 - 2


def test_it_lists_conflicts_with_the_parents_answers(
    login, director_a, parent_a, second_parent, pupil_a
):
    decide(pupil_a, parent_a, "pers", "audio", True)
    decide(pupil_a, second_parent, "pers", "audio", False)
    html = login(director_a).get(coverage_url(pupil_a.school)).content.decode()
    assert "Sem Bakker" in html
    assert "Ouder Twee" in html


def test_it_exports_csv_with_one_row_per_cell(login, director_a, parent_a, pupil_a, pupil_a2):
    pupil_a2.last_name = "=cmd()"
    pupil_a2.save()
    decide(pupil_a, parent_a, "website", "photo", True)
    response = login(director_a).get(reverse("consent:coverage_export", args=["vlindertuin"]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2 * 6 * 3
    granted = [r for r in rows if r["Status"] == "toegestaan"]
    assert [(g["Leerlingnummer"], g["Kanaal"], g["Soort beeld of geluid"]) for g in granted] == [
        ("1001", "Website van de school", "foto")
    ]
    assert {r["Achternaam"] for r in rows if r["Leerlingnummer"] == "1002"} == {"'=cmd()"}


def test_it_writes_the_csv_from_the_same_table_as_the_spreadsheet(
    parent_a, second_parent, pupil_a, pupil_a2
):
    pupil_a2.last_name = '=cmd("x;y")'
    pupil_a2.name_prefix = "van"
    pupil_a2.not_in_picture = True
    pupil_a2.save()
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "audio", True)
    decide(pupil_a, second_parent, "pers", "audio", False)
    decide(pupil_a, parent_a, "website", "video", False)
    assert coverage_csv(pupil_a.school) == csv_text(*coverage_table(pupil_a.school))


@pytest.mark.parametrize("first_name", ["Bram", "Zoë", "Łukasz"])
def test_the_download_sends_the_csv_text_as_utf8_with_a_bom(
    login, director_a, parent_a, pupil_a, first_name
):
    """The download is written as bytes with the BOM put in front as bytes (issue 17): the
    same bytes as the CSV text encoded, for plain, Latin-1 and other names alike."""
    Pupil.objects.filter(pk=pupil_a.pk).update(first_name=first_name)
    decide(pupil_a, parent_a, "website", "photo", True)
    text = coverage_csv(pupil_a.school)
    assert coverage_csv_bytes(pupil_a.school) == text.encode("utf-8")
    response = login(director_a).get(reverse("consent:coverage_export", args=["vlindertuin"]))
    assert response.content == text.encode("utf-8")
    assert response.content.startswith(b"\xef\xbb\xbf") and first_name in text


def test_it_refuses_csv_to_another_schools_director(login, director_b, school_a):
    url = reverse("consent:coverage_export", args=[school_a.code])
    assert login(director_b).get(url).status_code == 404


def test_it_reminds_only_parents_who_have_not_answered(
    eager_tasks, django_capture_on_commit_callbacks, parent_a, parent_b, pupil_a, school_a
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(school=school_a).to_send == (parent_a.pk,)
    assert [m.to for m in mail.outbox] == [[parent_a.email]]


def test_it_reminds_a_parent_at_most_once_a_week(
    eager_tasks, django_capture_on_commit_callbacks, parent_a, pupil_a, school_a
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(school=school_a).to_send == (parent_a.pk,)
        again = reminders_send(school=school_a)
    assert (again.to_send, again.recently_reminded) == ((), 1)
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_it_allows_a_new_reminder_after_seven_days(parent_a, pupil_a, school_a):
    past = timezone.now() - datetime.timedelta(days=8)
    assert reminders_send(school=school_a, now=past).to_send == (parent_a.pk,)
    assert reminders_send(school=school_a).to_send == (parent_a.pk,)
    assert reminders_send(school=school_a).to_send == ()


def test_it_does_not_remind_a_parent_who_answered_everything(parent_a, pupil_a, school_a):
    for info_purpose in [
        "schoolgids",
        "website",
        "nieuwsbrief",
        "ouderapp",
        "sociale-media",
        "pers",
    ]:
        for media in ["photo", "video", "audio"]:
            decide(pupil_a, parent_a, info_purpose, media, False)
    assert reminders_send(school=school_a).to_send == ()


def test_it_queues_reminders_from_the_coverage_page(
    eager_tasks, login, django_capture_on_commit_callbacks, director_a, parent_a, pupil_a, school_a
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(director_a).post(reverse("consent:remind", args=[school_a.code]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[parent_a.email]]


def test_reminders_with_a_hanging_broker_are_saved_and_sent_later(
    eager_tasks,
    login,
    monkeypatch,
    hanging_broker,
    django_capture_on_commit_callbacks,
    director_a,
    parent_a,
    second_parent,
    pupil_a,
    school_a,
):
    """Each publish to a Redis that hangs waits for the socket timeout (5 s): one per parent
    ran a school's reminders past gunicorn's timeout, after they were saved."""
    publishes = hanging_broker
    with django_capture_on_commit_callbacks(execute=True):
        response = login(director_a).post(reverse("consent:remind", args=[school_a.code]))
    assert response.status_code == 302 and len(publishes) == 1
    assert Duty.objects.filter(status=Duty.Status.PENDING).count() == 2

    monkeypatch.undo()
    Duty.objects.update(next_attempt_at=timezone.now())
    duties_sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([parent_a.email, second_parent.email])


def test_it_hides_reminders_from_the_privacy_officer(login, privacy_officer, school_a):
    response = login(privacy_officer).post(reverse("consent:remind", args=[school_a.code]))
    assert response.status_code == 404


def test_it_opens_one_review_round_per_year_and_emails_parents(
    eager_tasks, login, django_capture_on_commit_callbacks, director_a, parent_a, pupil_a, school_a
):
    client = login(director_a)
    url = reverse("consent:review_round", args=[school_a.code])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)
    review_round = ReviewRound.objects.get()
    assert len(mail.outbox) == 1
    assert review_round_fan_out(round_id=review_round.pk) == 1  # same key: nothing new
    assert duties_sweep() == 0
    assert len(mail.outbox) == 1


def test_it_records_unchanged_as_a_confirmation_not_an_event(
    login, director_a, parent_a, pupil_a, school_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    login(director_a).post(reverse("consent:review_round", args=[school_a.code]))
    client = login(parent_a)
    page = client.get(reverse("consent:child", args=[pupil_a.pk])).content.decode()
    assert reverse("consent:review_unchanged", args=[pupil_a.pk]) in page
    client.post(reverse("consent:review_unchanged", args=[pupil_a.pk]))
    client.post(reverse("consent:review_unchanged", args=[pupil_a.pk]))
    assert ReviewConfirmation.objects.filter(user=parent_a, pupil=pupil_a).count() == 1
    assert ConsentEvent.objects.count() == 1
    page = client.get(reverse("consent:child", args=[pupil_a.pk])).content.decode()
    assert reverse("consent:review_unchanged", args=[pupil_a.pk]) not in page


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("director_a", 200),
        ("board", 200),
        ("director_b", 404),
        ("teacher_a", 404),
        ("parent_a", 404),
    ],
)
def test_it_lets_school_leaders_record_paper_decisions(
    request, login, pupil_a, cast_member, status
):
    user = request.getfixturevalue(cast_member)
    assert login(user).get(reverse("consent:record", args=[pupil_a.pk])).status_code == status


def test_it_records_a_phone_decision_naming_the_staff_member(login, director_a, parent_a, pupil_a):
    response = login(director_a).post(
        reverse("consent:record", args=[pupil_a.pk]),
        {
            "guardian": parent_a.pk,
            f"c-{purpose('pers').pk}-video": "yes",
            "method": "phone",
            **shown_version("pers"),
        },
    )
    assert response.status_code == 302
    event = ConsentEvent.objects.get()
    assert (event.guardian, event.recorded_by, event.method) == (parent_a, director_a, "phone")
    assert state_of(pupil_a, "pers", "video") == State.GRANTED


def test_it_offers_only_gezag_holders_for_paper_decisions(login, director_a, parent_a, pupil_a):
    stepparent = make_user("stief@example.org")
    Guardianship.objects.create(user=stepparent, pupil=pupil_a, has_parental_authority=False)
    response = login(director_a).post(
        reverse("consent:record", args=[pupil_a.pk]),
        {
            "guardian": stepparent.pk,
            f"c-{purpose('pers').pk}-video": "yes",
            "method": "paper",
            **shown_version("pers"),
        },
    )
    assert response.status_code == 400
    assert "Kies een ouder met gezag uit de lijst" in response.content.decode()
    assert ConsentEvent.objects.count() == 0


def test_it_tells_the_directors_when_parents_start_to_disagree(
    eager_tasks, django_capture_on_commit_callbacks, director_a, parent_a, second_parent, pupil_a
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "pers", "photo", True)
        decide(pupil_a, second_parent, "pers", "photo", False)
    assert [m.to for m in mail.outbox] == [[director_a.email]]
    assert "Sem" not in mail.outbox[0].body


def test_a_pending_notice_to_a_director_deactivated_meanwhile_is_not_sent(
    eager_tasks, director_a, parent_a, second_parent, pupil_a
):
    """The notice waited (Redis or SMTP down) while the director left: the e-mail does
    not go to an account that can no longer log in, and the duty does not retry."""
    decide(pupil_a, parent_a, "pers", "photo", True)
    decide(pupil_a, second_parent, "pers", "photo", False)  # not dispatched: no commit
    director_a.is_active = False
    director_a.save()
    Duty.objects.update(next_attempt_at=timezone.now())
    duties_sweep()
    assert mail.outbox == []
    assert Duty.objects.get(key__startswith="conflict-notice:").status == Duty.Status.DONE


def test_it_tells_the_directors_once_per_conflict(
    eager_tasks, django_capture_on_commit_callbacks, director_a, parent_a, second_parent, pupil_a
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "pers", "photo", True)
        decide(pupil_a, second_parent, "pers", "photo", False)
        decide(pupil_a, parent_a, "pers", "photo", True)
    notice = ConflictNotice.objects.get()
    duty = Duty.objects.get(key=f"conflict-notice:{notice.pk}:user:{director_a.pk}")
    assert duty_run(duty_id=duty.pk) is False
    assert len(mail.outbox) == 1


def test_it_sends_one_conflict_notice_per_save(
    eager_tasks, django_capture_on_commit_callbacks, director_a, parent_a, second_parent, pupil_a
):
    from consent.services import Answer, consent_decide

    website = purpose("website").pk
    with django_capture_on_commit_callbacks(execute=True):
        consent_decide(
            pupil=pupil_a,
            guardian=parent_a,
            answers=[Answer(website, m, True) for m in ["photo", "video", "audio"]],
        )
        consent_decide(
            pupil=pupil_a,
            guardian=second_parent,
            answers=[Answer(website, m, False) for m in ["photo", "video", "audio"]],
        )
    assert ConflictNotice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_it_tells_the_board_about_a_conflict_when_the_school_has_no_director(
    eager_tasks, django_capture_on_commit_callbacks, board, parent_b, pupil_b
):
    other = make_user("ouder.b2@example.org", full_name="Ouder B2")
    Guardianship.objects.create(user=other, pupil=pupil_b, has_parental_authority=True)
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_b, parent_b, "pers", "photo", True)
        decide(pupil_b, other, "pers", "photo", False)
    assert [m.to for m in mail.outbox] == [[board.email]]
    assert "Bram" not in mail.outbox[0].body


def test_the_csv_and_the_spreadsheet_agree_on_odd_names_groups_and_no_channels(
    parent_a, pupil_a, pupil_a2
):
    """Pieces written once per group and joined per pupil (coverage_csv) give the text
    csv_text writes: a group name with `;` and quotes, a pupil without a group, a first
    name that looks like a formula; and no line at all when there is no channel."""
    Group.objects.filter(pk=pupil_a.group_id).update(name='Groep "8;a"')
    Pupil.objects.filter(pk=pupil_a2.pk).update(group=None, first_name="+31 6")
    decide(pupil_a, parent_a, "website", "photo", True)
    text = coverage_csv(pupil_a.school)
    assert text == csv_text(*coverage_table(pupil_a.school))
    assert '"Groep ""8;a"""' in text and "'+31 6" in text
    Purpose.objects.update(active=False)
    assert coverage_csv(pupil_a.school) == csv_text(*coverage_table(pupil_a.school))
    assert coverage_csv(pupil_a.school).count("\r\n") == 1  # the header alone


def test_the_csv_writes_never_in_picture_over_earlier_answers(parent_a, pupil_a, pupil_a2):
    """coverage_csv fills in only the answered cells of a pupil; a pupil kept out of the
    picture after its parents answered is "never in picture" in every cell all the same."""
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "audio", False)
    Pupil.objects.filter(pk=pupil_a.pk).update(not_in_picture=True)
    text = coverage_csv(pupil_a.school)
    assert text == csv_text(*coverage_table(pupil_a.school))
    lines = [line for line in text.split("\r\n") if f";{pupil_a.leerlingnummer};" in line]
    assert len(lines) == 18
    assert all(line.split(";")[7] == "nooit in beeld" for line in lines)  # Status


def test_the_conflict_notice_names_the_school_for_a_director_of_two(
    eager_tasks,
    django_capture_on_commit_callbacks,
    director_a,
    school_b,
    parent_b,
    pupil_b,
):
    """A director of two schools (and the board, for every school without one) read
    "een leerling van uw school": which school was only in the link's address."""
    StaffMembership.objects.create(user=director_a, school=school_b, role="director")
    other = make_user("ouder.b2@example.org", full_name="Ouder B2")
    Guardianship.objects.create(user=other, pupil=pupil_b, has_parental_authority=True)
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_b, parent_b, "pers", "photo", True)
        decide(pupil_b, other, "pers", "photo", False)
    [message] = mail.outbox
    assert message.to == [director_a.email]
    assert message.subject.endswith(f"Ouders zijn het oneens over toestemming bij {school_b.name}")
    assert f"De ouders van een leerling van {school_b.name} zijn het oneens" in message.body
    assert "uw school" not in message.body
    assert pupil_b.first_name not in message.body + message.subject
