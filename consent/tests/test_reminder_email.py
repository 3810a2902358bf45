"""The reminder a parent gets: only while a question of their child is open (nobody with
gezag answered it: DESIGN's "unanswered"), naming the school(s) where it is open and no
pupil, saying why it came and how the reminders stop."""

import pytest
from django.core import mail

from conftest import make_pupil, make_user
from consent.services import reminder_plan, reminders_send
from consent.tests.helpers import decide
from consent.tests.test_reminders import ALL
from schools.models import Guardianship, School


@pytest.fixture
def second_parent(pupil_a):
    user = make_user("ouder2.a@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    return user


def send_reminders(django_capture_on_commit_callbacks, school, **scope):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders_send(school=school, **scope)


def test_the_other_parent_is_not_reminded_once_one_parent_answered_everything(
    eager_tasks, django_capture_on_commit_callbacks, school_a, pupil_a, parent_a, second_parent
):
    """Each gezag-holder's answer counts (DESIGN): parent_a's "yes" everywhere leaves no
    question open, so a reminder saying "without your answer the school publishes nothing"
    would be untrue for the second parent."""
    for code, media in ALL:
        decide(pupil_a, parent_a, code, media, True)
    plan = reminder_plan(school=school_a)
    assert (plan.to_send, plan.all_answered) == ((), 2)
    send_reminders(django_capture_on_commit_callbacks, school_a)
    assert mail.outbox == []


def test_both_parents_are_reminded_of_a_question_neither_answered(
    eager_tasks, django_capture_on_commit_callbacks, school_a, pupil_a, parent_a, second_parent
):
    for code, media in ALL[1:]:
        decide(pupil_a, parent_a, code, media, True)
    send_reminders(django_capture_on_commit_callbacks, school_a)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([parent_a.email, second_parent.email])


def test_it_names_the_school_and_no_pupil(
    eager_tasks, django_capture_on_commit_callbacks, school_a, pupil_a, parent_a
):
    send_reminders(django_capture_on_commit_callbacks, school_a)
    [message] = mail.outbox
    assert "- OBS De Vlindertuin\n" in message.body
    assert pupil_a.first_name not in message.body and pupil_a.last_name not in message.body
    assert "ouder met gezag" in message.body  # why it came
    assert "zodra alle vragen beantwoord zijn" in message.body  # how the reminders stop


def test_a_parent_with_children_at_two_schools_reads_where_questions_are_open(
    eager_tasks, django_capture_on_commit_callbacks, school_a, school_b, group_b1, pupil_a,
    parent_a,
):  # fmt: skip
    """One reminder a week per parent (README): it names every school where one of their
    children has an open question, so the second school's own reminder that week is not
    missed."""
    other_child = make_pupil(school_b, group_b1, "9001", "Lotte", "Test")
    Guardianship.objects.create(user=parent_a, pupil=other_child, has_parental_authority=True)
    send_reminders(django_capture_on_commit_callbacks, school_a)
    [message] = mail.outbox
    assert "- OBS De Vlindertuin\n" in message.body
    assert f"- {school_b.name}\n" in message.body


def test_it_names_only_schools_where_a_question_is_still_open(
    eager_tasks, django_capture_on_commit_callbacks, school_a, school_b, group_b1, pupil_a,
    parent_a,
):  # fmt: skip
    other_child = make_pupil(school_b, group_b1, "9001", "Lotte", "Test")
    Guardianship.objects.create(user=parent_a, pupil=other_child, has_parental_authority=True)
    for code, media in ALL:
        decide(other_child, parent_a, code, media, False)
    send_reminders(django_capture_on_commit_callbacks, school_a)
    [message] = mail.outbox
    assert "OBS De Vlindertuin" in message.body
    assert school_b.name not in message.body


def test_it_sends_nothing_when_everything_was_answered_before_it_went_out(
    eager_tasks, django_capture_on_commit_callbacks, school_a, pupil_a, parent_a
):
    """The reminder is queued (an outbox duty); the parent answered before the SMTP
    server was reached (an outage, a retry): a reminder then would be wrong."""
    from consent.duties import reminder_email_send

    for code, media in ALL:
        decide(pupil_a, parent_a, code, media, True)
    reminder_email_send(user_id=parent_a.pk)
    assert mail.outbox == []


def test_a_reply_goes_to_the_schools_contact_address(
    eager_tasks, django_capture_on_commit_callbacks, school_a, pupil_a, parent_a
):
    """A parent who answers "ik wil niet dat mijn kind op Facebook komt" by pressing Reply
    reaches the school (the address it chose), not the portal's unread sender."""
    School.objects.filter(pk=school_a.pk).update(contact_email="info@vlindertuin.nl")
    send_reminders(django_capture_on_commit_callbacks, school_a)
    [message] = mail.outbox
    assert message.reply_to == ["info@vlindertuin.nl"]
    assert "uw antwoord gaat naar OBS De Vlindertuin (info@vlindertuin.nl)" in message.body
    assert "niet gelezen" not in message.body


def test_without_a_contact_address_it_says_replies_are_not_read(
    eager_tasks, django_capture_on_commit_callbacks, school_a, pupil_a, parent_a, director_a
):
    """No Reply-To, and never a staff member's own address in its place."""
    send_reminders(django_capture_on_commit_callbacks, school_a)
    [message] = mail.outbox
    assert message.reply_to == []
    assert director_a.email not in message.body
    body = " ".join(message.body.split())
    assert "Antwoorden op deze e-mail worden niet gelezen. Wilt u OBS De Vlindertuin" in body
    assert "rechtstreeks contact op met de school" in body


def test_a_reminder_about_two_schools_has_no_reply_to_and_names_how_to_reach_each(
    eager_tasks, django_capture_on_commit_callbacks, school_a, school_b, group_b1, pupil_a,
    parent_a,
):  # fmt: skip
    """A reply would reach one school with what the parent meant for the other: none, and
    each school with its address, or the advice to contact it directly."""
    School.objects.filter(pk=school_a.pk).update(contact_email="info@vlindertuin.nl")
    other_child = make_pupil(school_b, group_b1, "9001", "Lotte", "Test")
    Guardianship.objects.create(user=parent_a, pupil=other_child, has_parental_authority=True)
    send_reminders(django_capture_on_commit_callbacks, school_a)
    [message] = mail.outbox
    assert message.reply_to == []
    assert "Antwoorden op deze e-mail worden niet gelezen. U bereikt de scholen zo:" in message.body
    assert "- OBS De Vlindertuin: info@vlindertuin.nl\n" in message.body
    assert "- OBS Het Zwanenhof: neem rechtstreeks contact op met de school\n" in message.body
