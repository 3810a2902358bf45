"""After `load_demo`, every role's home page has something in each of its monitoring
sections: the teacher's and the director's "Mijn zaken", the director's failing source,
the board's failing sources and cases that need someone to act."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from conftest import give_totp
from consent.models import TakedownTask
from monitoring import demo
from monitoring.models import FetchRun, Flag, FollowUp, Mention, Post, Source
from outbox.models import Duty
from schools.demo import demo_load

TEACHER = "leerkracht@demo.opo.example"
DIRECTOR = "directeur@demo.opo.example"
BOARD = "bestuur@demo.opo.example"


def load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def loaded(db):
    load_demo()


def home_of(client, email: str, name: str) -> str:
    client.force_login(give_totp(User.objects.get(email=email)))
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def case_link(case: FollowUp) -> str:
    return reverse("monitoring:case", args=[case.pk])


def test_it_gives_the_demo_teacher_a_case_with_a_conversation_a_few_days_ahead(loaded, client):
    teacher = User.objects.get(email=TEACHER)
    case = FollowUp.objects.get(assigned_to=teacher)
    assert case.school.code == "vlindertuin"
    assert case.status == FollowUp.Status.CONVERSATION_PLANNED
    days_ahead = (case.planned_for - timezone.localdate()).days
    assert 3 <= days_ahead <= 5  # three days, or the Monday after
    assert case.planned_for.weekday() < 5
    page = home_of(client, TEACHER, "accounts:home_teacher")
    assert "Mijn zaken" in page
    assert case_link(case) in page
    assert formats.date_format(case.planned_for, "j F Y") in page


def test_it_gives_the_demo_director_a_case_a_failing_source_and_the_teachers_case(loaded, client):
    director = User.objects.get(email=DIRECTOR)
    own = FollowUp.objects.get(assigned_to=director)
    assert own.status in FollowUp.OPEN_STATUSES
    assert own.flags.filter(category="privacy").exists()
    teachers = FollowUp.objects.get(assigned_to__email=TEACHER)
    source = Source.objects.get(school__code="vlindertuin", kind=Source.Kind.BLUESKY)
    page = home_of(client, DIRECTOR, "accounts:home_director")
    assert "Mijn zaken" in page
    assert case_link(own) in page
    assert case_link(teachers) in page  # among the school's open cases
    assert "Monitoringbronnen die falen" in page
    assert source.name in page


def test_it_shows_the_board_failing_sources_and_cases_that_need_someone(loaded, client):
    foundation = Source.objects.get(school__isnull=True, kind=Source.Kind.BLUESKY)
    page = home_of(client, BOARD, "accounts:home_board")
    assert "Monitoringbronnen van de stichting die falen" in page
    assert foundation.name in page
    assert "Zaken waarin iemand moet handelen" in page
    urgent = FollowUp.objects.get(priority=FollowUp.Priority.URGENT)
    assert case_link(urgent) in page


def test_it_fails_the_sources_with_the_error_a_fetch_records(loaded):
    for source in Source.objects.filter(kind=Source.Kind.BLUESKY):
        assert source.active
        assert source.consecutive_failures == demo.FAILED_RUNS
        assert source.needs_attention  # an AuthError: a person must look at it
        assert source.failure_notified_at is None  # below the threshold: no e-mail yet
        runs = list(source.runs.all())
        assert [run.status for run in runs] == [FetchRun.Status.FAILED] * demo.FAILED_RUNS
        assert {run.error for run in runs} == {
            "Bluesky search needs MONITORING_BLUESKY_APP_PASSWORD"
        }


def test_it_puts_no_pupil_name_in_what_it_adds(loaded):
    from schools.models import Pupil

    names = set(Pupil.objects.values_list("first_name", flat=True))
    added = [
        *FollowUp.objects.exclude(notes="").values_list("notes", flat=True),
        *Post.objects.filter(url=demo.REPORTED_POST["url"]).values_list("text", flat=True),
        *Source.objects.values_list("name", flat=True),
        *Duty.objects.values_list("payload", flat=True).iterator(),
    ]
    for text in map(str, added):
        assert not [name for name in names if name in text.split()], text


def counts() -> dict:
    models = [Source, FetchRun, Post, Mention, Flag, FollowUp, TakedownTask, Duty]
    return {model.__name__: model.objects.count() for model in models}


def cases() -> list:
    return list(
        FollowUp.objects.order_by("pk").values_list(
            "pk", "status", "assigned_to", "planned_for", "held_on", "notes"
        )
    )


def test_it_adds_and_changes_nothing_when_run_twice(loaded):
    before, cases_before = counts(), cases()
    load_demo()
    assert counts() == before
    assert cases() == cases_before


def test_it_fetches_nothing_from_outside(db, monkeypatch):
    def no_request(*args, **kwargs):
        raise AssertionError("load_demo sent a request")

    monkeypatch.setattr("monitoring.sources.http.request", no_request)
    monkeypatch.setattr("monitoring.sources.http._resolve", no_request)  # nor a DNS lookup
    load_demo()
    assert Source.objects.filter(kind=Source.Kind.BLUESKY, active=True).count() == 2


def test_it_leaves_the_searches_out_when_they_would_reach_bluesky(db, settings, monkeypatch):
    settings.MONITORING_BLUESKY_HANDLE = "opo-monitoring.bsky.social"
    settings.MONITORING_BLUESKY_APP_PASSWORD = "xxxx-xxxx-xxxx-xxxx"  # noqa: S105 - a test

    def no_request(*args, **kwargs):
        raise AssertionError("load_demo sent a request")

    monkeypatch.setattr("monitoring.sources.http.request", no_request)
    load_demo()
    assert not Source.objects.filter(kind=Source.Kind.BLUESKY).exists()
    assert FollowUp.objects.filter(assigned_to__email=TEACHER).exists()


@pytest.mark.parametrize(
    ("day", "school_day"),
    [
        (datetime.date(2026, 12, 9), datetime.date(2026, 12, 9)),  # a Wednesday
        (datetime.date(2026, 12, 11), datetime.date(2026, 12, 11)),  # a Friday
        (datetime.date(2026, 12, 12), datetime.date(2026, 12, 14)),  # Saturday: Monday
        (datetime.date(2026, 12, 13), datetime.date(2026, 12, 14)),  # Sunday: Monday
    ],
)
def test_it_plans_conversations_on_school_days(day, school_day):
    assert demo._school_day(day) == school_day


DAY = datetime.date(2027, 3, 15)  # a Monday, months after the sample files' recorded dates
CLOCK = datetime.date(2026, 11, 20)  # the clock while the demo is loaded for DAY


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def loaded_for_day(db):
    """The demo loaded for DAY while the clock says another day (as a benchmark loads the
    day it measures): its times come from the day, not from the clock."""
    with time_machine.travel(noon(CLOCK), tick=False):
        demo_load(today=DAY)


def test_it_dates_the_demo_by_the_day_it_is_loaded_for(loaded_for_day):
    now = noon(DAY)
    week_before = now - datetime.timedelta(days=7)
    fetched = now - datetime.timedelta(days=2)  # the Mastodon sample, DEMO_SOURCES
    recent = list(Post.objects.filter(source__kind=Source.Kind.MASTODON))
    assert len(recent) == 3
    for post in recent:
        assert post.fetched_at == fetched
        assert week_before < post.published_at < fetched
    # the recorded hours and distances are kept: the newest the evening before the fetch
    newest = max(post.published_at for post in recent)
    assert timezone.localdate(newest) == DAY - datetime.timedelta(days=3)
    urgent = FollowUp.objects.get(priority=FollowUp.Priority.URGENT)
    assert urgent.opened_at == fetched
    reported = FollowUp.objects.get(assigned_to__email=DIRECTOR)
    assert reported.opened_at == now
    planned = FollowUp.objects.get(assigned_to__email=TEACHER)
    assert 3 <= (planned.planned_for - DAY).days <= 5
    closed = FollowUp.objects.get(status=FollowUp.Status.CLOSED)
    assert closed.closed_at == now
    assert (now - closed.opened_at).days == 40
    started = FetchRun.objects.filter(source__kind=Source.Kind.BLUESKY)
    assert {timezone.localdate(run.started_at) for run in started} == {DAY}
    # nothing of the monitoring demo is dated after its day, nor months before it
    times = [
        *Post.objects.values_list("published_at", flat=True),
        *Post.objects.values_list("fetched_at", flat=True),
        *Flag.objects.values_list("created_at", flat=True),
        *Mention.objects.values_list("created_at", flat=True),
        *FollowUp.objects.values_list("opened_at", flat=True),
    ]
    for when in filter(None, times):
        assert now - datetime.timedelta(days=50) < when <= now


def open_for(page: str, case: FollowUp) -> str:
    """The line of the case in the school's list of open cases (its last link on a home)."""
    return page.rsplit(case_link(case), 1)[1].split("</li>", 1)[0]


def test_it_shows_recent_posts_and_cases_on_the_day_it_is_loaded_for(loaded_for_day, client):
    recent = list(Post.objects.filter(source__kind=Source.Kind.MASTODON))
    urgent = FollowUp.objects.get(priority=FollowUp.Priority.URGENT)
    reported = FollowUp.objects.get(assigned_to__email=DIRECTOR)
    with time_machine.travel(noon(DAY) + datetime.timedelta(hours=1), tick=False):
        board = home_of(client, BOARD, "accounts:home_board")
        mentions = client.get(reverse("monitoring:mentions", args=["esdoorn"])).content.decode()
        director = home_of(client, DIRECTOR, "accounts:home_director")
    assert "· al 2\xa0dagen, 1\xa0uur open ·" in open_for(board, urgent)
    assert "· al 1\xa0uur open ·" in open_for(director, reported)
    for post in recent:  # De Esdoorn's Mastodon posts, of the week before the day
        assert noon(DAY) - datetime.timedelta(days=7) < post.published_at < noon(DAY)
        when = formats.date_format(timezone.localtime(post.published_at), "j F Y H:i")
        assert when in mentions
