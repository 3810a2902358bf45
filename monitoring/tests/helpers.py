"""Small builders for monitoring tests."""

import datetime

from django.utils import timezone

from monitoring.models import Flag, FollowUp, Post, Source, content_hash

NOW = datetime.datetime(2026, 11, 10, 12, 0, tzinfo=datetime.UTC)


def make_source(url="https://feeds.example/feed.rss", kind=Source.Kind.RSS, **extra) -> Source:
    return Source.objects.create(kind=kind, name=f"source {url}", url=url, **extra)


def make_post(source, external_id="1", text="Een bericht", fetched_at=None, **extra) -> Post:
    return Post.objects.create(
        source=source,
        external_id=external_id,
        text=text,
        content_hash=content_hash(text, False),
        fetched_at=fetched_at or timezone.now(),
        **extra,
    )


# a post that names a pupil: what no e-mail about its case may carry
PUPIL_TEXT = "Juf Anna liet Daan Visser uit groep 5 huilend op de gang staan bij De Vlindertuin"


def make_pupil_case(school) -> FollowUp:
    """A case at `school` about a post that names a pupil."""
    case = make_case(school)
    make_flag(make_post(make_source(), text=PUPIL_TEXT), school, case=case)
    return case


def make_case(school, opened_at=None, **extra) -> FollowUp:
    """A case as stored; its first conversation's day (first_held_on, which the reports
    read) as services.followup_update records it, unless given: the oldest earlier
    conversation's, else the held date."""
    if "first_held_on" not in extra:
        earlier = extra.get("earlier_conversations") or [{"held": extra.get("held_on")}]
        held = earlier[0]["held"]
        extra["first_held_on"] = (
            datetime.date.fromisoformat(held) if isinstance(held, str) else held
        )
    return FollowUp.objects.create(school=school, opened_at=opened_at or timezone.now(), **extra)


def make_flag(post, school, category="negative_experience", case=None, created_at=None, **extra):
    created_at = created_at or timezone.now()
    return Flag.objects.create(
        post=post,
        school=school,
        category=category,
        score=0.8,
        matched=["boos"],
        rule_version="test",
        created_at=created_at,
        raised_at=extra.pop("raised_at", created_at),
        followup=case,
        **extra,
    )


def my_cases_section(page: str) -> str:
    """The "Mijn zaken" section of a home page ("" when it shows none)."""
    start = page.find('<section aria-labelledby="my-cases-title">')
    return page[start : page.index("</section>", start)] if start >= 0 else ""
