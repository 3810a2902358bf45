"""Demo data: sample feeds shipped with the portal, run through the real pipeline.

`load()` adds one source per sample file and ingests the file's posts with the same parser
(`monitoring.sources.feeds.parse_feed`, `mastodon.parse_status`) and the same service
(`services.source_ingest`: store idempotently, classify, flag, open cases) that a fetch
uses. Only the HTTP step is skipped: the demo feeds live on fictional hosts, so the demo
sources are created paused and the beat never polls them. Running it twice changes nothing.

So that reports show a trend on first run, each sample file is ingested as if fetched some
days ago, and the oldest complaint has had its conversation and is closed.

Everything is dated relative to the day the demo is loaded for (`today`, by default the
current day): the sample files keep the dates they were recorded with (November 2026), and
their posts are moved by whole days to just before the file's fetch, so a demo loaded on
any day shows the same picture: posts of the last days, cases opened days ago.

So that every home page has something to show, the demo school's director gives another
complaint to a teacher of the school, with a conversation a few days ahead (the teacher's
"Mijn zaken"); the teacher reports a post with photos of children through the report form,
and the director takes that case (the director's "Mijn zaken"); and two Bluesky searches
fail as they do without MONITORING_BLUESKY_APP_PASSWORD (the director's and the board's
"sources failing"). That failure comes before any request is made, so nothing is fetched
from outside; with the app password set the searches are left out, as they would fetch.
Each step is skipped when it was done before (the demo notes, the reported post's address,
the sources' addresses mark it) or when the school lacks the staff it needs.
"""

import contextlib
import dataclasses
import datetime
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from monitoring import services
from monitoring.models import Flag, FollowUp, Post, Source
from monitoring.sources import bluesky, feeds, mastodon
from monitoring.sources.base import FetchedPost, FetchError, FetchResult
from schools.models import School, StaffMembership

DEMO_DIR = Path(__file__).parent

DEMO_SOURCES: list[dict[str, Any]] = [
    {
        "file": "buurtnieuws.rss",
        "kind": Source.Kind.RSS,
        "name": "Buurtnieuws Borger-Odoorn (demo)",
        "url": "https://buurtnieuws.demo.example/feed.rss",
        "school": None,
        "days_ago": 40,
    },
    {
        "file": "dorpsblog.atom",
        "kind": Source.Kind.RSS,
        "name": "Dorpsblog Odoorn (demo)",
        "url": "https://dorpsblog.demo.example/atom.xml",
        "school": None,
        "days_ago": 33,
    },
    {
        "file": "mastodon_esdoorn.json",
        "kind": Source.Kind.MASTODON,
        "name": "#esdoorn op Mastodon (demo)",
        "url": "https://mastodon.demo.example/tags/esdoorn",
        "school": "esdoorn",
        "days_ago": 2,
    },
]

# The demo school whose teacher and director get a case each (schools.demo.TEACHER_GROUP).
STAFF_SCHOOL = "vlindertuin"
# A parent shared the sports day's photos in the village's public group; the teacher saw it.
REPORTED_POST = {
    "url": "https://dorpsgroep.demo.example/posts/sportdag-vlindertuin",
    "text": (
        "Sportdag van De Vlindertuin! Wat een mooie dag, hier alle foto's van de kinderen "
        "van groep 5."
    ),
}
TEACHER_CASE_NOTE = (
    "Demo: de leerkracht was mee op schoolreis en spreekt de ouders bij het ophalen."
)
DIRECTOR_CASE_NOTE = "Demo: de ouder die de foto's plaatste bellen en vragen ze offline te halen."
# Active, so they count as failing; the search fails before any request without the app
# password (monitoring.sources.bluesky._endpoint).
FAILING_SOURCES: list[dict[str, Any]] = [
    {
        "name": "Bluesky: zoeken op De Vlindertuin (demo)",
        "url": "https://bsky.app/search?q=%22De+Vlindertuin%22",
        "school": STAFF_SCHOOL,
    },
    {
        "name": "Bluesky: zoeken op OPO Borger-Odoorn (demo)",
        "url": "https://bsky.app/search?q=%22OPO+Borger-Odoorn%22",
        "school": None,
    },
]
FAILED_RUNS = 3  # below MONITORING_FAILURE_NOTIFY_AFTER: the board is not e-mailed yet
Role = StaffMembership.Role


def _parse(spec: dict, fetched_at: datetime.datetime) -> list[FetchedPost]:
    """The sample file's posts, moved by whole days so that the newest was published on
    the day of `fetched_at` (the day before when its hour is later): each keeps its hour
    and its distance to the others. The file itself keeps its recorded dates."""
    data = (DEMO_DIR / spec["file"]).read_bytes()
    if spec["kind"] == Source.Kind.MASTODON:
        posts = [mastodon.parse_status(status) for status in json.loads(data)]
    else:
        posts = feeds.parse_feed(data)
    times = [post.published_at for post in posts if post.published_at is not None]
    if not times:
        return posts
    newest = max(times)
    shift = datetime.timedelta(
        days=(services.school_date(fetched_at) - services.school_date(newest)).days
    )
    if newest + shift > fetched_at:
        shift -= datetime.timedelta(days=1)
    return [
        dataclasses.replace(post, published_at=post.published_at + shift)
        if post.published_at is not None
        else post
        for post in posts
    ]


def demo_now(today: datetime.date | None) -> datetime.datetime:
    """The demo's "now": this moment, moved to `today` when the demo is loaded for another
    day (a benchmark's day, a test's), so that its times lie around that day."""
    now = timezone.now()
    if today is None:
        return now
    return now + datetime.timedelta(days=(today - services.school_date(now)).days)


def load(*, today: datetime.date | None = None) -> None:
    classifier = services.build_classifier()
    now = demo_now(today)
    first_load = False
    for spec in DEMO_SOURCES:
        school = School.objects.filter(code=spec["school"]).first() if spec["school"] else None
        source, created = Source.objects.get_or_create(
            kind=spec["kind"],
            url=spec["url"],
            defaults={"name": spec["name"], "school": school, "active": False},
        )
        if created:
            fetched_at = now - datetime.timedelta(days=spec["days_ago"])
            services.source_ingest(
                source=source,
                result=FetchResult(posts=_parse(spec, fetched_at)),
                classifier=classifier,
                now=fetched_at,
            )
            first_load = True
    _plan_teacher_conversation(now)
    if first_load:  # once: a second run would close the next complaint
        _hold_oldest_conversation(now)
    _teacher_reports_photos(now)
    _failing_sources(now)


def _complaints():
    """New cases about a negative experience, oldest first (by id among equals)."""
    complaint = Flag.objects.filter(category="negative_experience").values("followup_id")
    return FollowUp.objects.filter(status=FollowUp.Status.NEW, pk__in=complaint).order_by(
        "opened_at", "pk"
    )


def _first_staff(school_id: int, role: str, **extra):
    membership = (
        StaffMembership.objects.filter(
            school_id=school_id, role=role, user__is_active=True, **extra
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _school_day(day: datetime.date) -> datetime.date:
    """The day itself, or the Monday after when it falls in a weekend."""
    return day + datetime.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() > 4 else 0)


def _hold_oldest_conversation(now: datetime.datetime) -> None:
    oldest = _complaints().first()
    if oldest is None or (now - oldest.opened_at).days < 30:
        return
    held = timezone.localdate(oldest.opened_at) + datetime.timedelta(days=4)
    services.followup_update(
        case=oldest,
        status=FollowUp.Status.CONVERSATION_HELD,
        assigned_to=oldest.assigned_to,  # who held it keeps the case
        held_on=held,
        notes="Demo: gesprek met de ouders gevoerd.",
        now=now,
    )
    services.followup_update(
        case=oldest,
        status=FollowUp.Status.CLOSED,
        assigned_to=oldest.assigned_to,
        notes=oldest.notes,
        now=now,
    )


def _plan_teacher_conversation(now: datetime.datetime) -> None:
    """The director gives the demo school's complaint to a teacher, who talks with the
    parents a few school days from now. The teacher is e-mailed, as in real use."""
    if FollowUp.objects.filter(notes=TEACHER_CASE_NOTE).exists():
        return
    case = _complaints().filter(school__code=STAFF_SCHOOL, assigned_to__isnull=True).first()
    if case is None:
        return
    teacher = _first_staff(case.school_id, Role.TEACHER, groups__isnull=False)
    director = _first_staff(case.school_id, Role.DIRECTOR)
    if teacher is None or director is None:
        return
    today = services.school_date(now)
    services.followup_update(
        case=case,
        status=FollowUp.Status.CONVERSATION_PLANNED,
        assigned_to=teacher,
        planned_for=_school_day(today + datetime.timedelta(days=3)),
        notes=TEACHER_CASE_NOTE,
        user=director,
        now=now,
    )


def _teacher_reports_photos(now: datetime.datetime) -> None:
    """The teacher reports a public post with photos of children (the report form's
    service); it opens a privacy case, which the director takes on."""
    school = School.objects.filter(code=STAFF_SCHOOL).first()
    if school is None or Post.objects.filter(url=REPORTED_POST["url"]).exists():
        return
    teacher = _first_staff(school.pk, Role.TEACHER, groups__isnull=False)
    director = _first_staff(school.pk, Role.DIRECTOR)
    if teacher is None or director is None:
        return
    reported = services.post_report(
        school=school,
        url=REPORTED_POST["url"],
        text=REPORTED_POST["text"],
        has_media=True,
        user=teacher,
        now=now,
    )
    case = FollowUp.objects.filter(
        flags__post=reported.post, school=school, status__in=FollowUp.OPEN_STATUSES
    ).first()
    if case is not None:
        services.followup_update(
            case=case,
            status=case.status,
            assigned_to=director,
            notes=DIRECTOR_CASE_NOTE,
            user=director,
            now=now,
        )


def _failing_sources(now: datetime.datetime) -> None:
    """Two active Bluesky searches, fetched FAILED_RUNS times by the real fetch, half an
    hour apart: each run fails before sending anything, for want of the app password."""
    if bluesky.search_enabled():
        return  # the searches would reach Bluesky
    for spec in FAILING_SOURCES:
        school = School.objects.filter(code=spec["school"]).first() if spec["school"] else None
        if spec["school"] and school is None:
            continue
        source, created = Source.objects.get_or_create(
            kind=Source.Kind.BLUESKY,
            url=spec["url"],
            defaults={"name": spec["name"], "school": school, "active": True},
        )
        if not created:
            continue
        for run in reversed(range(FAILED_RUNS)):
            started = now - datetime.timedelta(minutes=run * source.interval_minutes)
            with contextlib.suppress(FetchError):  # recorded as a failed run, as by the task
                services.source_poll(source_id=source.pk, now=started)
