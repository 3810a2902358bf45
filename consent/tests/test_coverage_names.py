"""Coverage with names: per group who has not answered which channel, who is in conflict,
who is never in the picture; counts per pupil and per cell; answers over time."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import make_pupil, make_user
from consent.charts import coverage_history
from consent.models import (
    MediaType,
    ReminderOptOut,
    ReminderSent,
    ReviewConfirmation,
    ReviewRound,
)
from consent.rules import State, consent_table, effective_state, purpose_infos
from consent.services import current_school_year
from consent.tests.helpers import decide
from schools.models import Guardianship, Pupil


def coverage_html(client, school="vlindertuin"):
    return client.get(reverse("consent:coverage", args=[school])).content.decode()


def test_it_names_who_has_not_answered_which_channel(login, director_a, parent_a, pupil_a):
    for media in ("photo", "video", "audio"):
        decide(pupil_a, parent_a, "schoolgids", media, True)
    decide(pupil_a, parent_a, "website", "photo", True)
    html = coverage_html(login(director_a))
    assert "Sem Bakker" in html
    assert "Website van de school (film, geluid)" in html
    assert "Schoolgids" not in html.split("Sem Bakker</strong>:")[1].split("</li>")[0]


def test_it_counts_per_pupil_and_offers_a_reminder_per_family_and_group(
    login, director_a, parent_a, pupil_a, pupil_a2
):
    html = coverage_html(login(director_a))
    assert "0 van 1 leerling volledig beantwoord" in html
    remind = reverse("consent:remind", args=["vlindertuin"])
    assert f"{remind}?ouder={parent_a.pk}" in html
    assert f"{remind}?groep={pupil_a.group_id}" in html


def test_it_says_pupil_for_one_and_pupils_for_more_in_both_languages(
    login, director_a, school_a, group_a1, pupil_a
):
    client = login(director_a)
    one = coverage_html(client)
    assert "0 van 1 leerling volledig beantwoord · 1 met open vragen" in one
    make_pupil(school_a, group_a1, "1009", "Ada", "Smit")
    two = coverage_html(client)
    assert "0 van 2 leerlingen volledig beantwoord · 2 met open vragen" in two
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = coverage_html(client)
    assert "0 of 2 pupils fully answered · 2 with open questions" in english
    Pupil.objects.filter(first_name="Ada").delete()
    assert "0 of 1 pupil fully answered · 1 with open questions" in coverage_html(client)


def _reminded(parent, days_ago: int, **fields) -> ReminderSent:
    sent = timezone.now() - datetime.timedelta(days=days_ago)
    week = "{}-W{:02d}".format(*sent.isocalendar()[:2])
    return ReminderSent.objects.create(user=parent, week=week, sent_at=sent, **fields)


def test_it_says_when_a_family_was_reminded_in_the_last_7_days_instead_of_a_link(
    login, director_a, parent_a, pupil_a
):
    reminder = _reminded(parent_a, 2, delivered_at=timezone.now())
    day = f"{timezone.localdate(reminder.delivered_at).day} "
    html = coverage_html(login(director_a))
    line = html.split("Sem Bakker</strong>:")[1].split("</li>")[0]
    assert f"Ouder A herinnerd op {day}" in line
    assert "?ouder=" not in line  # the 7-day pause: the reminder page would skip them


def test_it_says_a_reminder_is_still_queued(login, director_a, parent_a, pupil_a):
    _reminded(parent_a, 0)
    html = coverage_html(login(director_a))
    line = html.split("Sem Bakker</strong>:")[1].split("</li>")[0]
    assert "Ouder A: herinnering klaargezet op" in line and "nog niet bezorgd" in line


def test_it_says_a_reminder_could_not_be_delivered_and_offers_a_new_one(
    login, director_a, parent_a, pupil_a
):
    _reminded(parent_a, 1, failed_at=timezone.now())
    html = coverage_html(login(director_a))
    line = html.split("Sem Bakker</strong>:")[1].split("</li>")[0]
    assert "Ouder A: de herinnering van" in line and "kon niet worden bezorgd" in line
    assert f"?ouder={parent_a.pk}" in line


def test_it_offers_the_link_again_after_7_days(login, director_a, parent_a, pupil_a):
    _reminded(parent_a, 8, delivered_at=timezone.now() - datetime.timedelta(days=8))
    html = coverage_html(login(director_a))
    line = html.split("Sem Bakker</strong>:")[1].split("</li>")[0]
    assert "herinnerd op" not in line
    assert f"?ouder={parent_a.pk}" in line


def test_it_names_conflicts_and_pupils_never_in_the_picture(
    login, director_a, parent_a, pupil_a, pupil_a2
):
    second = make_user("twee@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "pers", "photo", True)
    decide(pupil_a, second, "pers", "photo", False)
    pupil_a2.not_in_picture = True
    pupil_a2.save()
    html = coverage_html(login(director_a))
    assert "1 met ouders die het oneens zijn" in html
    assert "Nooit in beeld: Roos Vries" in html


def test_it_says_a_parent_whose_account_is_deactivated_is_reached_on_paper(
    login, director_a, parent_a, pupil_a
):
    """No reminder e-mail reaches a deactivated account: instead of a link that would send
    nothing, the line says so; the paper form is still there."""
    parent_a.is_active = False
    parent_a.save()
    html = coverage_html(login(director_a))
    assert "Ouder A: account uitgeschakeld — neem contact op via papier" in html
    assert f"?ouder={parent_a.pk}" not in html
    assert reverse("consent:record", args=[pupil_a.pk]) in html


def test_it_says_a_parent_who_stopped_reminders_is_reached_on_paper(
    login, director_a, parent_a, pupil_a
):
    """A parent who stopped reminder e-mails gets none: the list says so beside their
    name instead of a reminder link, while the other parent keeps theirs; the paper form
    is still there."""
    second = make_user("twee@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    ReminderOptOut.objects.create(user=parent_a)
    html = coverage_html(login(director_a))
    line = html.split("Sem Bakker</strong>:")[1].split("</li>")[0]
    assert "Ouder A: wil geen herinneringen (zelf gestopt) — neem contact op via papier" in line
    assert f"?ouder={parent_a.pk}" not in html
    assert f"?ouder={second.pk}" in line and "Ouder Twee herinneren" in line
    assert reverse("consent:record", args=[pupil_a.pk]) in line


def test_it_hides_reminder_links_from_the_privacy_officer(login, privacy_officer, parent_a):
    html = coverage_html(login(privacy_officer))
    assert "Sem Bakker" in html
    assert reverse("consent:remind", args=["vlindertuin"]) not in html


def test_it_marks_pupil_pages_not_cacheable(login, director_a, pupil_a):
    response = login(director_a).get(reverse("consent:coverage", args=["vlindertuin"]))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_it_charts_the_answered_share_growing_after_a_reminder(parent_a, pupil_a, school_a):
    today = timezone.localdate()
    reminder = ReminderSent.objects.create(
        user=parent_a, week="2026-W01", delivered_at=timezone.now()
    )
    reminder.schools.add(school_a)
    for media in ("photo", "video", "audio"):
        decide(pupil_a, parent_a, "website", media, True)
    history = coverage_history(school_a, today=today)
    [group] = history.groups
    assert group.shares[-1] == round(100 * 3 / 18)
    assert group.shares[0] == 0  # seven weeks ago nothing was answered yet
    assert history.reminders[-1] == 1
    assert group.chart["bars"][-1]["reminded"]


def test_it_renders_the_chart_accessibly_with_a_table(login, director_a, parent_a, pupil_a):
    html = coverage_html(login(director_a))
    assert '<svg class="cov-chart"' in html and 'role="img"' in html
    assert '<title id="cov-title-1">' in html and '<desc id="cov-desc-1">' in html
    assert '<caption id="history-caption">' in html


def test_it_counts_the_review_rounds_confirmations_in_the_same_queries(
    login, director_a, parent_a, pupil_a, school_a, django_assert_num_queries
):
    year = current_school_year(timezone.localdate())
    review = ReviewRound.objects.create(school=school_a, school_year=year, opened_by=director_a)
    ReviewConfirmation.objects.create(review_round=review, user=parent_a, pupil=pupil_a)
    client = login(director_a)
    url = reverse("consent:coverage", args=[school_a.code])
    client.get(url)
    # the same 11 as without a round (consent/tests/test_query_counts.py): the count of
    # confirmations comes with the round, not as a query of its own
    with django_assert_num_queries(11):
        html = client.get(url).content.decode()
    assert "1 bevestiging" in html


def test_it_charts_the_same_shares_as_replaying_the_rules_week_by_week(
    parent_a, pupil_a, pupil_a2, school_a
):
    """The chart takes each cell's first qualifying answer; replaying `effective_state`
    with the decisions up to each week's end must give the same shares."""
    today = timezone.localdate()
    second_parent = make_user("tweede@example.org")
    Guardianship.objects.create(user=second_parent, pupil=pupil_a, has_parental_authority=True)
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    outsider = make_user("geen-gezag@example.org")
    Guardianship.objects.create(user=outsider, pupil=pupil_a2, has_parental_authority=False)
    steps = [
        (40, pupil_a, parent_a, "website", "photo", True),
        (30, pupil_a, second_parent, "website", "photo", False),
        (20, pupil_a, parent_a, "pers", "video", False),
        (9, pupil_a, parent_a, "website", "photo", False),
        (3, pupil_a2, parent_a, "schoolgids", "audio", True),
    ]
    for days, pupil, guardian, code, media, granted in steps:
        with time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=False):
            decide(pupil, guardian, code, media, granted)
    # a decision of someone who is no longer a gezag-holder does not count
    Guardianship.objects.filter(user=outsider).update(has_parental_authority=True)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=15), tick=False):
        decide(pupil_a2, outsider, "website", "video", True)
    Guardianship.objects.filter(user=outsider).update(has_parental_authority=False)

    history = coverage_history(school_a, today=today)
    infos = purpose_infos()
    pupils = list(Pupil.objects.filter(school=school_a).select_related("group"))
    table = consent_table(pupils, infos)
    for series in history.groups:
        members = [p for p in pupils if p.group.name == series.name]
        expected = []
        for week in history.weeks:
            end = timezone.make_aware(datetime.datetime.combine(week, datetime.time.max))
            answered = sum(
                effective_state(
                    gezag_holders=table.holders.get(p.pk, set()),
                    decisions=[
                        d
                        for d in table.decisions.get((p.pk, info.purpose.pk, media), ())
                        if d.at <= end
                    ],
                    baseline=info.baseline,
                    not_in_picture=False,
                )
                != State.UNANSWERED
                for p in members
                for info in infos
                for media in MediaType.values
            )
            expected.append(round(100 * answered / (len(members) * len(infos) * 3)))
        assert series.shares == expected
    # the weeks differ: the data exercises the replay, not only "all zero"
    assert any(len(set(series.shares)) > 1 for series in history.groups)
