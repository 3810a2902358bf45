"""A case assigned to a staff member reaches them: e-mail, "Mijn zaken", open and update."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import add_teaching
from monitoring import services
from monitoring.models import FollowUp
from monitoring.tests.helpers import (
    make_case,
    make_flag,
    make_pupil_case,
)
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(school_a):
    return make_pupil_case(school_a)


def _opened_two_weeks_ago(case) -> None:
    """Flagged before the conversation dates the test records (not before it was opened)."""
    FollowUp.objects.filter(pk=case.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=14)
    )


def assign(case, teacher, **extra):
    return services.followup_update(case=case, status=case.status, assigned_to=teacher, **extra)


def test_it_emails_the_assignee_once_without_post_text(
    django_capture_on_commit_callbacks, case_a, teacher_a
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(case_a, teacher_a)
    with django_capture_on_commit_callbacks(execute=True):
        assign(case_a, teacher_a, notes="nog steeds van de juf")
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<duty.")
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert reverse("monitoring:case", args=[case_a.pk]) in body
    assert "Daan" not in body and "Visser" not in body and "huilend" not in body


def test_it_sends_nothing_when_the_case_went_to_someone_else_meanwhile(
    case_a, teacher_a, director_a
):
    assign(case_a, teacher_a)
    FollowUp.objects.filter(pk=case_a.pk).update(assigned_to=director_a)
    mail.outbox.clear()
    assert (
        services.notifications.case_assigned_notify(case_id=case_a.pk, assignee_id=teacher_a.pk)
        is False
    )
    assert mail.outbox == []


def test_it_lists_the_case_under_my_cases_on_the_teacher_home_page(login, case_a, teacher_a):
    assign(case_a, teacher_a)
    page = login(teacher_a).get(reverse("accounts:home_teacher")).content.decode()
    assert "Mijn zaken" in page
    assert reverse("monitoring:case", args=[case_a.pk]) in page


def test_it_lists_no_case_of_another_assignee(login, case_a, teacher_a, other_teacher):
    assign(case_a, teacher_a)
    page = login(other_teacher).get(reverse("accounts:home_teacher")).content.decode()
    assert reverse("monitoring:case", args=[case_a.pk]) not in page


def test_it_lists_my_cases_in_a_constant_number_of_queries(
    django_assert_num_queries, school_a, teacher_a
):
    from monitoring.templatetags.monitoring_tags import my_cases

    for _ in range(3):
        assign(make_case(school_a), teacher_a)
    # 1: the open cases assigned to the user, with their school
    with django_assert_num_queries(1):
        three = my_cases(teacher_a)["my_cases"]
    for _ in range(27):
        assign(make_case(school_a), teacher_a)
    with django_assert_num_queries(1):
        thirty = my_cases(teacher_a)["my_cases"]
    assert (len(three), len(thirty)) == (3, 30)


def test_it_lets_the_assigned_teacher_open_and_update_the_case(login, case_a, teacher_a):
    assign(case_a, teacher_a)
    client = login(teacher_a)
    assert client.get(reverse("monitoring:case", args=[case_a.pk])).status_code == 200
    today = timezone.localdate()
    response = client.post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "conversation_held", "held_on": today.isoformat(), "notes": "Gesproken"},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.status, case_a.held_on, case_a.assigned_to) == (
        "conversation_held",
        today,
        teacher_a,
    )


def test_it_does_not_let_the_assignee_hand_the_case_on(login, case_a, teacher_a, other_teacher):
    assign(case_a, teacher_a)
    login(teacher_a).post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "new", "assigned_to": other_teacher.pk},
    )
    case_a.refresh_from_db()
    assert case_a.assigned_to == teacher_a


@pytest.mark.parametrize("url_name", ["monitoring:case", "monitoring:case_update"])
def test_it_keeps_a_case_404_for_a_teacher_it_is_not_assigned_to(
    login, case_a, teacher_a, other_teacher, url_name
):
    assign(case_a, teacher_a)
    client = login(other_teacher)
    url = reverse(url_name, args=[case_a.pk])
    response = client.get(url) if url_name == "monitoring:case" else client.post(url, {})
    assert response.status_code == 404


def test_it_closes_the_door_when_the_assignee_leaves_the_school(login, case_a, teacher_a):
    assign(case_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    assert login(teacher_a).get(reverse("monitoring:case", args=[case_a.pk])).status_code == 404


def test_it_refuses_a_conversation_held_in_the_future(case_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.followup_update(case=case_a, status="conversation_held", held_on=tomorrow)


def test_it_refuses_a_conversation_held_before_the_planned_date(case_a):
    _opened_two_weeks_ago(case_a)
    today = timezone.localdate()
    services.followup_update(  # planned a week ago, for two days ago
        case=case_a,
        status="conversation_planned",
        planned_for=today - datetime.timedelta(days=2),
        now=timezone.now() - datetime.timedelta(days=7),
    )
    with pytest.raises(ValidationError):
        services.followup_update(
            case=case_a, status="conversation_held", held_on=today - datetime.timedelta(days=3)
        )
    case_a.refresh_from_db()
    assert case_a.status == "conversation_planned"


def test_it_shows_a_clear_message_for_a_future_date_and_changes_nothing(login, case_a, director_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "conversation_held", "held_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert "toekomst" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.status == "new"


def test_it_hands_the_case_to_the_director_when_the_assignee_leaves(
    django_capture_on_commit_callbacks, case_a, teacher_a, director_a
):
    assign(case_a, teacher_a)
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a
    assert [m.to for m in mail.outbox] == [[director_a.email]]
    assert "Daan" not in mail.outbox[0].body


def test_it_hands_the_case_over_when_the_assignee_is_deactivated(case_a, teacher_a, director_a):
    assign(case_a, teacher_a)
    teacher_a.is_active = False
    teacher_a.save()
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a


def test_it_hands_the_case_over_when_the_membership_is_given_to_someone_else(
    case_a, teacher_a, director_a, outsider
):
    assign(case_a, teacher_a)
    membership = StaffMembership.objects.get(user=teacher_a)
    membership.user = outsider
    membership.save()
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a


def test_it_hands_the_case_to_the_director_when_the_admin_deletes_the_assignee(
    django_capture_on_commit_callbacks, client, case_a, other_teacher, director_a
):
    from conftest import give_totp, make_user

    assign(case_a, other_teacher)
    mail.outbox.clear()
    client.force_login(give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_delete", args=[other_teacher.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_a
    assert [m.to for m in mail.outbox] == [[director_a.email]]


def test_it_refuses_to_assign_a_case_to_a_deactivated_account(
    django_capture_on_commit_callbacks, login, case_a, teacher_a, director_a
):
    # The account keeps its membership but cannot log in: the case would reach nobody.
    teacher_a.is_active = False
    teacher_a.save()
    client = login(director_a)
    page = client.get(reverse("monitoring:case", args=[case_a.pk]))
    assert teacher_a not in page.context["form"].fields["assigned_to"].queryset
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:case_update", args=[case_a.pk]),
            {"status": "new", "assigned_to": teacher_a.pk},
        )
    assert response.status_code == 400
    case_a.refresh_from_db()
    assert case_a.assigned_to is None
    assert mail.outbox == []
    with pytest.raises(ValidationError):
        assign(case_a, teacher_a)


def test_it_keeps_a_closed_case_with_whoever_held_the_conversation(case_a, teacher_a, director_a):
    today = timezone.localdate()
    assign(case_a, teacher_a)
    for status in (FollowUp.Status.CONVERSATION_HELD, FollowUp.Status.CLOSED):
        services.followup_update(case=case_a, status=status, assigned_to=teacher_a, held_on=today)
    StaffMembership.objects.filter(user=teacher_a).delete()
    case_a.refresh_from_db()
    assert case_a.assigned_to == teacher_a


@pytest.fixture
def director_b_teaching_a(school_a, school_b, group_a1):
    """Directs school B and teaches group A1 at school A: a teacher only at school A."""
    from conftest import add_teaching, make_staff

    user = make_staff("directeur.b.juf.a@example.org", StaffMembership.Role.DIRECTOR, school_b)
    return add_teaching(user, school_a, [group_a1])


def test_it_gives_a_director_elsewhere_only_the_assignee_reach_on_a_case_here(
    login, case_a, director_b_teaching_a, other_teacher
):
    make_flag(case_a.flags.get().post, case_a.school, category="verify_fact", case=case_a)
    assign(case_a, director_b_teaching_a)
    client = login(director_b_teaching_a)
    client.post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "new", "assigned_to": other_teacher.pk},
    )
    case_a.refresh_from_db()
    assert case_a.assigned_to == director_b_teaching_a
    response = client.post(reverse("monitoring:reply_draft", args=[case_a.pk]), {"text": "Onjuist"})
    assert response.status_code == 403
    assert not case_a.replies.exists()
    page = client.get(reverse("monitoring:case", args=[case_a.pk])).content.decode()
    assert 'name="assigned_to"' not in page


def test_it_lists_the_case_on_the_home_page_of_a_privacy_officer_who_teaches(
    login, case_a, school_a, group_a2, privacy_officer
):
    # a privacy officer's home is their own page: "Mijn zaken" was missing there
    add_teaching(privacy_officer, school_a, [group_a2])
    assign(case_a, privacy_officer)
    page = login(privacy_officer).get(reverse("home"), follow=True).content.decode()
    assert "Mijn zaken" in page
    assert reverse("monitoring:case", args=[case_a.pk]) in page


def test_it_keeps_who_held_the_conversation_when_the_director_edits_the_closed_case(
    login, case_a, teacher_a, director_a
):
    # the form offered only current staff: saving the notes emptied "assigned to"
    today = timezone.localdate()
    assign(case_a, teacher_a)
    for status in (FollowUp.Status.CONVERSATION_HELD, FollowUp.Status.CLOSED):
        services.followup_update(case=case_a, status=status, assigned_to=teacher_a, held_on=today)
    StaffMembership.objects.filter(user=teacher_a).delete()
    client = login(director_a)
    page = client.get(reverse("monitoring:case", args=[case_a.pk]))
    form = page.context["form"]
    assert form["assigned_to"].value() == teacher_a.pk
    assert teacher_a in form.fields["assigned_to"].queryset
    response = client.post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "closed", "assigned_to": teacher_a.pk, "notes": "Nagesprek gevoerd"},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.assigned_to, case_a.notes) == (teacher_a, "Nagesprek gevoerd")


def test_it_still_refuses_to_give_a_case_to_someone_who_left(login, case_a, teacher_a, director_a):
    StaffMembership.objects.filter(user=teacher_a).delete()
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "new", "assigned_to": teacher_a.pk},
    )
    assert response.status_code == 400
    case_a.refresh_from_db()
    assert case_a.assigned_to is None


def test_it_refuses_to_move_the_planned_date_after_the_conversation_was_held(
    login, case_a, director_a
):
    # an emptied "held on" field skipped the check against the date already recorded
    _opened_two_weeks_ago(case_a)
    today = timezone.localdate()
    services.followup_update(  # planned a week ago, for three days ago
        case=case_a,
        status="conversation_planned",
        planned_for=today - datetime.timedelta(days=3),
        now=timezone.now() - datetime.timedelta(days=7),
    )
    services.followup_update(
        case=case_a, status="conversation_held", held_on=today - datetime.timedelta(days=2)
    )
    response = login(director_a).post(
        reverse("monitoring:case_update", args=[case_a.pk]),
        {"status": "conversation_held", "planned_for": today.isoformat(), "held_on": ""},
    )
    assert response.status_code == 400
    assert "vóór de datum waarop het gepland was" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.planned_for == today - datetime.timedelta(days=3)
