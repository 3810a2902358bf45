"""Answers over time: a ▲ under a week marks reminders that went to parents with gezag of
the group's pupils and named the school. A `ReminderSent` is one per parent per ISO week
and records the schools its e-mail named (`schools`); the chart finds the school's parents
through today's gezag-holders of its current pupils, as the rest of the chart does;
another school's parents, a parent without gezag, the parent of a pupil who left and a
reminder that did not name the school are not this group's reminders."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_pupil, make_user
from consent.charts import coverage_history
from consent.models import ReminderSent
from schools.models import Guardianship, Pupil


def _remind(user, school):
    # delivered: the chart marks a reminder once the SMTP server accepted it, on the
    # charts of the schools its e-mail named
    reminder = ReminderSent.objects.create(user=user, week="2026-W01", delivered_at=timezone.now())
    reminder.schools.add(school)
    return reminder


def _marks(history) -> dict[str, bool]:
    """Per group name, whether this week (the chart's last) carries a ▲."""
    return {group.name: group.chart["bars"][-1]["reminded"] for group in history.groups}


def test_it_marks_only_the_group_whose_parent_was_reminded(
    school_a, parent_a, parent_a2, pupil_a, pupil_a2
):
    _remind(parent_a, school_a)
    history = coverage_history(school_a, today=timezone.localdate())
    assert _marks(history) == {"groep 5": True, "groep 7": False}
    assert history.reminders[-1] == 1


def test_it_leaves_out_a_reminder_to_another_schools_parent_without_gezag_here(
    school_a, school_b, pupil_a, pupil_b, parent_a, parent_b
):
    """Parent B has gezag at Het Zwanenhof and is only a guardian without gezag of Sem:
    the reminder B's school sent is none of De Vlindertuin's."""
    Guardianship.objects.create(user=parent_b, pupil=pupil_a, has_parental_authority=False)
    _remind(parent_b, school_b)
    history = coverage_history(school_a, today=timezone.localdate())
    assert _marks(history) == {"groep 5": False}
    assert history.reminders[-1] == 0


def test_it_leaves_out_a_reminder_to_the_parent_of_a_pupil_who_left(
    school_a, school_b, group_a1, group_b1, pupil_a, parent_a
):
    """A parent whose child left De Vlindertuin and now goes to Het Zwanenhof, reminded
    for that child: nothing on De Vlindertuin's chart."""
    left = make_pupil(school_a, group_a1, "1009", "Daan", "Smit")
    Pupil.objects.filter(pk=left.pk).update(left_on=datetime.date(2026, 7, 10))
    now_at_b = make_pupil(school_b, group_b1, "2009", "Daan", "Smit")
    parent = make_user("ouder.daan@example.org")
    for pupil in (left, now_at_b):
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
    _remind(parent, school_b)
    history = coverage_history(school_a, today=timezone.localdate())
    assert _marks(history) == {"groep 5": False}
    assert history.reminders[-1] == 0
    assert _marks(coverage_history(school_b, today=timezone.localdate())) == {"groep 5": True}


def test_it_leaves_out_a_reminder_about_no_pupil_of_the_group(
    school_a, group_a2, pupil_a, pupil_a2, parent_a
):
    """Reminders never ask about a pupil kept out of the picture (consent.services.
    _waiting_holders): Ouder A's reminder was about Sem (groep 5), not about their other
    child in groep 7, who is never in the picture."""
    Pupil.objects.filter(pk=pupil_a2.pk).update(not_in_picture=True)
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    _remind(parent_a, school_a)
    history = coverage_history(school_a, today=timezone.localdate())
    assert _marks(history) == {"groep 5": True, "groep 7": False}


def test_it_says_on_the_page_which_groups_parents_were_reminded(
    login,
    director_a,
    school_a,
    school_b,
    parent_a,
    parent_a2,
    pupil_a,
    pupil_a2,
    parent_b,
    pupil_b,
):
    _remind(parent_a, school_a)
    _remind(parent_b, school_b)  # Het Zwanenhof's parent: not on this page
    html = login(director_a).get(reverse("consent:coverage", args=[school_a.code])).text
    charts = [part.split("</svg>")[0] for part in html.split('<svg class="cov-chart"')[1:]]
    assert [chart.count("▲") for chart in charts] == [1, 0]  # groep 5, groep 7
    table = html.split('id="history-caption"')[1].split("</table>")[0]
    last_week = table.split("<tr>")[-1]
    assert "<td>1</td>" in last_week  # one parent of the school reminded
    assert last_week.count("herinnering verstuurd aan ouders van deze groep") == 1


def test_one_reminder_about_children_at_two_schools_marks_both_schools_charts(
    eager_tasks, django_capture_on_commit_callbacks, school_a, school_b, group_b1, pupil_a,
    parent_a,
):  # fmt: skip
    """A reminder belongs to the parent, not to the school that sent it: whichever school
    sends it, the e-mail names every school where a child of theirs has an open question
    (read when it is sent, consent.duties.reminder_email_send), and it is the parent's one
    reminder of the week for both schools, so the other school's director cannot send one
    that week (its preview counts the parent as reminded). So both charts carry the ▲."""
    from consent.services import reminder_plan, reminders_send

    other_child = make_pupil(school_b, group_b1, "9001", "Lotte", "Test")
    Guardianship.objects.create(user=parent_a, pupil=other_child, has_parental_authority=True)
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_send(school=school_a)  # De Vlindertuin's director sends
    assert sent.to_send == (parent_a.pk,)
    [message] = mail.outbox
    assert f"- {school_a.name}\n" in message.body and f"- {school_b.name}\n" in message.body
    at_b = reminder_plan(school=school_b)
    assert (at_b.to_send, at_b.recently_reminded) == ((), 1)
    today = timezone.localdate()
    assert _marks(coverage_history(school_a, today=today)) == {"groep 5": True}
    history_b = coverage_history(school_b, today=today)
    assert _marks(history_b) == {"groep 5": True}
    assert history_b.reminders[-1] == 1


def test_a_reminder_that_did_not_name_the_school_is_not_marked_on_its_chart(
    hanging_broker,
    django_capture_on_commit_callbacks,
    school_a,
    school_b,
    group_b1,
    pupil_a,
    parent_a,
):
    """Ouder A answered everything for Sem at De Vlindertuin; their child at Het
    Zwanenhof has open questions. Het Zwanenhof's reminder names only Het Zwanenhof, so
    only its chart carries the ▲. Before, De Vlindertuin's chart marked it too, as it
    read every reminder of its gezag-holders."""
    from consent.services import reminders_send
    from consent.tests.helpers import decide
    from outbox.tests.helpers import run_due_duties

    for code in ("schoolgids", "website", "nieuwsbrief", "ouderapp", "sociale-media", "pers"):
        for media in ("photo", "video", "audio"):
            decide(pupil_a, parent_a, code, media, True)
    other_child = make_pupil(school_b, group_b1, "9001", "Lotte", "Test")
    Guardianship.objects.create(user=parent_a, pupil=other_child, has_parental_authority=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(school=school_b).to_send == (parent_a.pk,)
    run_due_duties()
    [message] = mail.outbox
    assert f"- {school_b.name}\n" in message.body and school_a.name not in message.body
    today = timezone.localdate()
    assert _marks(coverage_history(school_b, today=today)) == {"groep 5": True}
    history_a = coverage_history(school_a, today=today)
    assert _marks(history_a) == {"groep 5": False}
    assert history_a.reminders[-1] == 0
