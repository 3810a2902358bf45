"""An urgent case reaches the person who is to act on it: its assignee is told of the
urgency, nobody is told of what they did themselves, and a notice that reached nobody
waits for whoever answers for the school next (a leader named, or re-activated)."""

import pytest
from django.core import mail
from django.urls import reverse

from conftest import make_staff
from monitoring import services
from monitoring.models import FollowUp, Mention
from monitoring.sources.base import FetchedPost, FetchResult
from monitoring.tests.helpers import make_post, make_source
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role

COMPLAINT = "Op De Vlindertuin is het een puinhoop, ik ben echt boos en teleurgesteld over de juf"
URGENT = "Mijn zoon wordt elke dag gepest op De Vlindertuin en de juf doet niets, ik ben boos"


def ingest(school, text: str, external_id: str) -> None:
    """A fetched post (nobody's action), stored and classified as a source run does."""
    item = FetchedPost(
        external_id=external_id, url=f"https://buurt.example/{external_id}", text=text
    )
    source = make_source(url=f"https://feeds.example/{external_id}.rss", school=school)
    services.source_ingest(source=source, result=FetchResult(posts=[item]))


def sent_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def urgent_to(user) -> list:
    return [m for m in sent_to(user) if "Dringend" in m.subject]


def assert_no_post_text(message) -> None:
    text = message.subject + message.body
    assert "gepest" not in text and "zoon" not in text and "puinhoop" not in text


# --- 1. The assignee learns of the urgency -------------------------------------------------


def test_an_urgent_post_joining_a_case_assigned_to_a_teacher_tells_the_teacher(
    school_a, director_a, teacher_a
):
    """The directors got the urgent e-mail; the teacher who holds the case, who is to act,
    heard nothing."""
    ingest(school_a, COMPLAINT, "1")
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=director_a)
    run_due_duties()
    mail.outbox.clear()
    ingest(school_a, COMPLAINT + " en mijn zoon wordt gepest", "2")
    case.refresh_from_db()
    assert FollowUp.objects.count() == 1 and case.priority == FollowUp.Priority.URGENT
    run_due_duties()
    assert len(urgent_to(director_a)) == 1
    [message] = urgent_to(teacher_a)
    assert reverse("monitoring:case", args=[case.pk]) in message.body
    assert_no_post_text(message)
    ingest(school_a, COMPLAINT + " en mijn zoon wordt gepest, echt waar", "3")  # once
    run_due_duties()
    assert len(urgent_to(teacher_a)) == 1 and len(mail.outbox) == 2


def test_the_assignment_e_mail_of_an_urgent_case_says_it_is_urgent(school_a, director_a, teacher_a):
    ingest(school_a, URGENT, "1")
    case = FollowUp.objects.get()
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=director_a)
    run_due_duties()
    [message] = sent_to(teacher_a)
    assert "Dringend" in message.subject
    assert "pesten, een bedreiging of zelfbeschadiging" in message.body
    assert reverse("monitoring:case", args=[case.pk]) in message.body
    assert_no_post_text(message)


def test_the_assignment_e_mail_of_a_normal_case_says_nothing_of_urgency(
    school_a, director_a, teacher_a
):
    ingest(school_a, COMPLAINT, "1")
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=director_a)
    run_due_duties()
    [message] = sent_to(teacher_a)
    assert "Dringend" not in message.subject and "pesten" not in message.body


def test_a_board_member_given_an_urgent_case_is_told_the_urgency_once(school_b):
    """At a school without a director the board's first member gets the urgent e-mail and
    the assignment e-mail in one go: the urgency is said in the urgent one only."""
    member = make_staff("bestuur@example.org", Role.BOARD)
    ingest(school_b, URGENT.replace("De Vlindertuin", "Het Zwanenhof"), "1")
    run_due_duties()
    assert FollowUp.objects.get().assigned_to == member
    assert len(urgent_to(member)) == 1 and len(sent_to(member)) == 2


def test_the_assignee_of_an_urgent_case_reopened_reads_in_the_one_e_mail_that_it_is_urgent(
    school_a, director_a, teacher_a
):
    """The directors get the urgent notice of the reopening; the assignee gets the reopen
    e-mail, which said nothing of the urgency."""
    ingest(school_a, URGENT, "1")
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=director_a)
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    services.followup_update(case=case, status="no_action", assigned_to=teacher_a, user=director_a)
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=colleague)
    run_due_duties()
    [message] = sent_to(teacher_a)
    assert "Dringend" in message.subject and "heropend" in message.body
    assert "pesten, een bedreiging of zelfbeschadiging" in message.body
    assert_no_post_text(message)
    assert len(urgent_to(director_a)) == 1 and urgent_to(colleague) == []


# --- 2. Nobody is e-mailed about what they did themselves ----------------------------------


def report(school, user, text, *, category="", url="https://buurt.example/r1"):
    return services.post_report(
        school=school, url=url, text=text, has_media=False, user=user, category=category
    )


def test_a_director_who_reports_an_urgent_post_is_not_told_of_it(school_a, director_a):
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    report(school_a, director_a, URGENT)
    run_due_duties()
    assert FollowUp.objects.get().priority == FollowUp.Priority.URGENT
    assert urgent_to(director_a) == []
    assert len(urgent_to(colleague)) == 1


def test_a_director_who_marks_an_urgent_post_is_not_told_of_it(school_a, director_a):
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    post = make_post(make_source(), text="Mijn zoon wordt gepest op school")
    Mention.objects.create(post=post, school=school_a, created_at=post.fetched_at)
    services.post_mark(post=post, school=school_a, category="negative_experience", user=director_a)
    run_due_duties()
    assert FollowUp.objects.get().priority == FollowUp.Priority.URGENT
    assert urgent_to(director_a) == []
    assert len(urgent_to(colleague)) == 1


def test_the_one_who_reported_is_not_told_when_the_e_mail_is_readdressed(school_a, director_a):
    """The colleague who was to be told left before it went: the notice goes to whoever
    answers for the school then, not back to the one who reported the post."""
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    report(school_a, director_a, URGENT)
    StaffMembership.objects.filter(user=colleague).delete()
    run_due_duties()
    assert urgent_to(director_a) == []


# --- 3. A notice that reached nobody waits for the next leader ------------------------------


def test_an_urgent_notice_whose_only_leader_left_before_it_went_reaches_the_next_one(
    school_a, director_a
):
    ingest(school_a, URGENT, "1")
    StaffMembership.objects.filter(user=director_a).delete()
    run_due_duties()
    assert mail.outbox == []
    case = FollowUp.objects.get()
    assert case.urgent_notified_at is None  # it reached nobody: not counted as sent
    director = make_staff("nieuwe.directeur@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    [message] = urgent_to(director)
    assert reverse("monitoring:case", args=[case.pk]) in message.body
    assert_no_post_text(message)
    StaffMembership.objects.get(user=director).save()  # told once
    run_due_duties()
    assert len(mail.outbox) == 1


def test_an_urgent_notice_that_reached_one_director_counts_as_sent(school_a, director_a):
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    ingest(school_a, URGENT, "1")
    StaffMembership.objects.filter(user=director_a).delete()
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert FollowUp.objects.get().urgent_notified_at is not None
