"""A case closed by someone else reaches its assignee: a dismissal ("not relevant") or a
director's "no action" or "closed" e-mails them once (no post text, no pupil names), and
the case page says who closed it and when. Reopened, it is theirs again, and they are told."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import (
    make_case,
    make_flag,
    make_post,
    make_pupil_case,
    make_source,
    my_cases_section,
)
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
SITE = "https://portaal.opo.example"


@pytest.fixture
def case_a(school_a, teacher_a, settings):
    settings.SITE_URL = SITE
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=teacher_a)
    run_due_duties()
    mail.outbox.clear()
    return case


def dismiss_all(case, user):
    for flag in case.flags.all():
        services.flag_dismiss(flag=flag, user=user)
    run_due_duties()
    case.refresh_from_db()


def body_of(message) -> str:
    return message.subject + "\n" + message.body


def assert_no_post_text(body: str) -> None:
    for word in ("Daan", "Visser", "huilend", "Anna", "groep 5"):
        assert word not in body


def test_a_dismissal_that_closes_the_case_tells_the_assignee(case_a, teacher_a, director_a):
    # they kept the case in mind, or went looking for it under "Mijn zaken", where it was gone
    dismiss_all(case_a, director_a)
    assert case_a.status == FollowUp.Status.NO_ACTION
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]
    body = body_of(mail.outbox[0])
    assert f"#{case_a.pk}" in body and case_a.school.name in body
    assert director_a.full_name in body
    assert SITE + reverse("monitoring:case", args=[case_a.pk]) in body
    assert_no_post_text(body)


def test_it_is_told_once_however_often_the_duties_run(case_a, teacher_a, director_a):
    dismiss_all(case_a, director_a)
    services.flag_dismiss(flag=case_a.flags.first(), user=director_a)  # a second click
    run_due_duties()
    assert len(mail.outbox) == 1


def test_the_case_page_says_who_closed_it(login, case_a, teacher_a, director_a):
    dismiss_all(case_a, director_a)
    assert case_a.closed_by == director_a
    page = login(teacher_a).get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert director_a.full_name in page
    assert "Geen actie nodig" in page or "geen actie nodig" in page


def test_the_link_in_the_e_mail_is_a_404_for_anyone_else(
    login, case_a, director_a, other_teacher, director_b, parent_a
):
    dismiss_all(case_a, director_a)
    url = reverse("monitoring:case", args=[case_a.pk])
    for someone in (other_teacher, director_b, parent_a):
        assert login(someone).get(url).status_code == 404


def test_an_assignee_who_closes_their_own_case_is_not_told(school_a, director_a):
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=director_a)
    run_due_duties()
    mail.outbox.clear()
    dismiss_all(case, director_a)
    assert mail.outbox == []
    assert case.closed_by == director_a


def test_a_director_who_sets_no_action_tells_the_assignee(case_a, teacher_a, director_a):
    services.followup_update(
        case=case_a,
        status=FollowUp.Status.NO_ACTION,
        assigned_to=teacher_a,
        notes="Besproken met de ouders van de leerling",
        user=director_a,
    )
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]
    body = body_of(mail.outbox[0])
    assert director_a.full_name in body
    assert "Besproken" not in body  # the notes name people: not in an e-mail
    assert_no_post_text(body)


def test_an_assignee_who_left_before_the_e_mail_went_is_not_told(case_a, teacher_a, director_a):
    for flag in case_a.flags.all():
        services.flag_dismiss(flag=flag, user=director_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    assert mail.outbox == []


def test_two_cases_for_the_same_post_only_the_closed_one_is_told(
    school_a, school_b, teacher_a, director_a, director_b
):
    post = make_post(make_source(), text="Boos op De Vlindertuin en Het Zwanenhof")
    case_a, case_b = make_case(school_a), make_case(school_b)
    make_flag(post, school_a, case=case_a)
    make_flag(post, school_b, case=case_b)
    teacher_b = StaffMembership.objects.create(
        user=teacher_a, school=school_b, role=StaffMembership.Role.TEACHER
    ).user
    services.followup_update(case=case_a, status="new", assigned_to=teacher_a)
    services.followup_update(case=case_b, status="new", assigned_to=teacher_b)
    run_due_duties()
    mail.outbox.clear()
    dismiss_all(case_a, director_a)
    case_b.refresh_from_db()
    assert case_b.status == FollowUp.Status.NEW and case_b.closed_by is None
    assert len(mail.outbox) == 1
    assert f"#{case_a.pk}" in body_of(mail.outbox[0])
    assert f"#{case_b.pk}" not in body_of(mail.outbox[0])


# --- Closing with a note, and reopening --------------------------------------------------


def close(case, user, **extra):
    services.followup_update(
        case=case,
        status="conversation_held",
        assigned_to=case.assigned_to,
        held_on=extra.pop("held_on", None) or timezone.localdate(case.opened_at),
        user=user,
    )
    services.followup_update(
        case=case,
        status="closed",
        assigned_to=case.assigned_to,
        notes="Gesprek gehad met de moeder",
        user=user,
    )
    run_due_duties()
    case.refresh_from_db()


def test_a_closed_case_can_be_reopened_and_keeps_its_note(login, case_a, teacher_a, director_a):
    close(case_a, teacher_a)
    assert (case_a.status, case_a.closed_by) == ("closed", teacher_a)
    assert mail.outbox == []  # closed by the assignee: nobody else to tell
    services.followup_update(
        case=case_a,
        status="conversation_held",
        assigned_to=teacher_a,
        notes=case_a.notes,
        user=director_a,
    )
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.is_open and case_a.closed_at is None and case_a.closed_by is None
    assert case_a.notes == "Gesprek gehad met de moeder"
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]
    body = body_of(mail.outbox[0])
    assert director_a.full_name in body and "moeder" not in body
    assert SITE + reverse("monitoring:case", args=[case_a.pk]) in body
    assert_no_post_text(body)
    page = login(teacher_a).get(reverse("home"), follow=True).content.decode()
    assert reverse("monitoring:case", args=[case_a.pk]) in my_cases_section(page)
    # and closed again, it is closed again
    services.followup_update(case=case_a, status="closed", assigned_to=teacher_a, user=teacher_a)
    case_a.refresh_from_db()
    assert case_a.closed_at is not None and case_a.closed_by == teacher_a


def test_a_case_closed_as_no_action_by_mistake_can_be_reopened(case_a, teacher_a, director_a):
    services.followup_update(
        case=case_a, status="no_action", assigned_to=teacher_a, user=director_a
    )
    services.followup_update(case=case_a, status="new", assigned_to=teacher_a, user=director_a)
    case_a.refresh_from_db()
    assert case_a.status == "new" and case_a.closed_at is None


def test_a_reopened_case_whose_assignee_left_goes_to_the_director(case_a, teacher_a, director_a):
    close(case_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    mail.outbox.clear()
    case_a.refresh_from_db()
    assert case_a.assigned_to == teacher_a  # a closed case keeps who held the conversation
    services.followup_update(
        case=case_a, status="conversation_held", assigned_to=teacher_a, user=director_a
    )
    run_due_duties()
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a
    assert mail.outbox == []  # the director reopened it: it is theirs, and they know


def test_a_reopening_cannot_skip_the_conversation(case_a, teacher_a, director_a):
    close(case_a, teacher_a)
    with pytest.raises(ValidationError):
        services.followup_update(case=case_a, status="new", assigned_to=teacher_a)


# --- A second conversation -----------------------------------------------------------------


def test_a_reopened_case_can_plan_a_second_conversation(login, case_a, teacher_a, director_a):
    # reopened (here by hand; an edit with new terms does the same) it stood at "conversation
    # held" and could only be closed again: no way to plan the talk the new post asks for
    first_held = timezone.localdate(case_a.opened_at)
    close(case_a, teacher_a, held_on=first_held)
    services.followup_update(
        case=case_a, status="conversation_held", assigned_to=teacher_a, notes=case_a.notes
    )
    case_a.refresh_from_db()
    page = login(teacher_a).get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert 'value="conversation_planned"' in page
    second = first_held + datetime.timedelta(days=3)
    response = login(teacher_a).post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {
            "status": "conversation_planned",
            "planned_for": second.isoformat(),
            "held_on": first_held.isoformat(),  # as the form shows it
            "notes": case_a.notes,
        },
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.status, case_a.planned_for, case_a.held_on) == (
        "conversation_planned",
        second,
        None,
    )
    # the earlier conversation stays on record, beside the notes as written
    # (test_case_earlier_conversations.py)
    assert case_a.earlier_conversations == [{"held": first_held.isoformat(), "planned": None}]
    assert case_a.notes == "Gesprek gehad met de moeder"
    # and the second one is held and closed as the first
    services.followup_update(
        case=case_a,
        status="conversation_held",
        held_on=second,
        assigned_to=teacher_a,
        notes=case_a.notes,
        now=timezone.now() + datetime.timedelta(days=3),
    )
    case_a.refresh_from_db()
    assert case_a.held_on == second


def test_a_second_conversation_needs_a_new_date_not_before_the_first(case_a, teacher_a):
    first_held = timezone.localdate(case_a.opened_at)
    close(case_a, teacher_a, held_on=first_held)
    services.followup_update(case=case_a, status="conversation_held", assigned_to=teacher_a)
    case_a.refresh_from_db()
    for planned in (None, first_held - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.followup_update(
                case=case_a,
                status="conversation_planned",
                assigned_to=teacher_a,
                planned_for=planned,
            )
        case_a.refresh_from_db()
        assert (case_a.status, case_a.held_on) == ("conversation_held", first_held)


def _closed_mail(case, teacher, director, status, language, *, closer_gone=False) -> str:
    """The e-mail to the assignee `teacher` once `director` took `case` to `status`."""
    from accounts.languages import language_remember

    language_remember(teacher.pk, language)
    if status == FollowUp.Status.CLOSED:
        held = timezone.localdate()
        services.followup_update(
            case=case, status="conversation_held", assigned_to=teacher, held_on=held
        )
    services.followup_update(case=case, status=status, assigned_to=teacher, user=director)
    if closer_gone:  # the closer's account deleted before the e-mail went
        FollowUp.objects.filter(pk=case.pk).update(closed_by=None)
    run_due_duties()
    [message] = mail.outbox
    return " ".join(message.body.split())


@pytest.mark.parametrize(
    ("status", "language", "sentence"),
    [
        ("closed", "nl", "die aan u was toegewezen, is afgesloten door {name}."),
        ("closed", "en", "assigned to you, was closed by {name}."),
        ("no_action", "nl", "die aan u was toegewezen, is door {name} gesloten als “geen actie"),
        ("no_action", "en", "assigned to you, was closed by {name} as “no action needed”."),
    ],
)
@pytest.mark.parametrize("closer_gone", [False, True])
def test_the_e_mail_says_how_it_was_closed_in_one_sentence(
    case_a, teacher_a, director_a, status, language, sentence, closer_gone
):
    """It said "is gesloten door een collega: afgesloten", saying the closing twice."""
    body = _closed_mail(case_a, teacher_a, director_a, status, language, closer_gone=closer_gone)
    someone = {"nl": "een collega", "en": "a colleague"}[language]
    assert sentence.format(name=someone if closer_gone else director_a.full_name) in body
    assert ": afgesloten" not in body and ": closed" not in body
    assert ": geen actie nodig" not in body and ": no action needed" not in body
