"""Coverage with names: per group who has not answered which channel, who is in conflict,
who is never in the picture; counts per pupil and per cell; answers over time."""

import datetime

from django.urls import reverse

from conftest import make_user
from consent.charts import coverage_history
from consent.models import ReminderSent
from consent.tests.helpers import decide
from schools.models import Guardianship


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
    assert "0 van 1 leerlingen volledig beantwoord" in html
    remind = reverse("consent:remind", args=["vlindertuin"])
    assert f"{remind}?ouder={parent_a.pk}" in html
    assert f"{remind}?groep={pupil_a.group_id}" in html


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


def test_it_hides_reminder_links_from_the_privacy_officer(login, privacy_officer, parent_a):
    html = coverage_html(login(privacy_officer))
    assert "Sem Bakker" in html
    assert reverse("consent:remind", args=["vlindertuin"]) not in html


def test_it_marks_pupil_pages_not_cacheable(login, director_a, pupil_a):
    response = login(director_a).get(reverse("consent:coverage", args=["vlindertuin"]))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_it_charts_the_answered_share_growing_after_a_reminder(parent_a, pupil_a, school_a):
    today = datetime.date.today()
    ReminderSent.objects.create(user=parent_a, week="2026-W01")
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
