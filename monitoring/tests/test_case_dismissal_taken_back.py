"""A dismissal taken back (the flag marked again) reopens the case the dismissal closed and
gives it back to whoever had it: e-mailed once, under "Mijn zaken"."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import Flag, FollowUp
from monitoring.tests.helpers import my_cases_section
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
TEXT = "Op De Vlindertuin is het een puinhoop, ik ben echt boos en teleurgesteld over de juf"


@pytest.fixture
def dismissed(school_a, teacher_a, director_a):
    """A reported complaint, its case given to teacher_a, then dismissed by the director."""
    post = services.post_report(
        school=school_a,
        url="https://buurt.example/1",
        text=TEXT,
        has_media=False,
        user=director_a,
        category="negative_experience",
    ).post
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="new", assigned_to=teacher_a)
    for flag in Flag.objects.filter(followup=case):
        services.flag_dismiss(flag=flag, user=director_a)
    run_due_duties()
    mail.outbox.clear()
    return post


def mark_again(post, school, director):
    services.post_mark(post=post, school=school, category="negative_experience", user=director)
    run_due_duties()
    return FollowUp.objects.filter(status="new").get()


def test_it_gives_the_case_back_to_who_had_it(login, dismissed, school_a, teacher_a, director_a):
    # the new case was nobody's: the teacher was neither told nor saw it under Mijn zaken
    case = mark_again(dismissed, school_a, director_a)
    assert case.assigned_to == teacher_a
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]
    page = login(teacher_a).get(reverse("home"), follow=True).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in my_cases_section(page)


def test_it_gives_nothing_back_to_who_left_the_school(dismissed, school_a, teacher_a, director_a):
    StaffMembership.objects.filter(user=teacher_a).delete()
    case = mark_again(dismissed, school_a, director_a)
    # reopened as any case is: the school's leaders' first has it, here who marked it
    assert case.assigned_to == director_a
    assert mail.outbox == []


def test_marking_again_reopens_the_case_the_dismissal_closed(
    dismissed, school_a, teacher_a, director_a
):
    # an edit reopened the post's case, a mark by hand opened a second one beside it
    closed = FollowUp.objects.get()
    case = mark_again(dismissed, school_a, director_a)
    assert case.pk == closed.pk and FollowUp.objects.count() == 1
    assert (case.closed_at, case.closed_by) == (None, None)
    assert Flag.objects.get(post=dismissed).followup_id == case.pk
    [told] = mail.outbox
    assert told.to == [teacher_a.email] and str(director_a) in told.body


def test_marking_a_post_of_a_closed_case_reopens_it(school_a, teacher_a, director_a):
    post = services.post_report(
        school=school_a,
        url="https://buurt.example/2",
        text=TEXT,
        has_media=False,
        user=director_a,
        category="negative_experience",
    ).post
    case = FollowUp.objects.get()
    today = timezone.localdate()
    services.followup_update(
        case=case, status="conversation_held", held_on=today, assigned_to=teacher_a
    )
    services.followup_update(case=case, status="closed", assigned_to=teacher_a, user=director_a)
    services.post_mark(post=post, school=school_a, category="insult", user=director_a)
    case.refresh_from_db()
    assert FollowUp.objects.count() == 1
    assert (case.status, case.held_on) == ("conversation_held", today)
    assert set(case.flags.values_list("category", flat=True)) == {"negative_experience", "insult"}
