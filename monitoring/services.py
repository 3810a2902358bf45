"""Monitoring workflows: dispatch, fetch, store, classify, flag, follow up, forget.

Every function here is keyword-only and runs in one transaction (HTTP happens outside it).
Tasks in tasks.py are thin wrappers that pass ids.
"""

import dataclasses
import datetime
import logging
import random
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Exists, F, JSONField, OuterRef, Q, Value, When
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from monitoring import notifications, sources
from monitoring.models import (
    CASE_CATEGORIES,
    CATEGORY_LABELS,
    LEARNED_PREFIX,
    FetchRun,
    Flag,
    FollowUp,
    ForgottenPost,
    Mention,
    Post,
    PublicReply,
    Source,
    WatchTerm,
    content_hash,
    forgotten_key,
)
from monitoring.similarity import jaccard, normalise, shingles
from monitoring.sources.base import FetchedPost, FetchError, FetchResult, RateLimited
from schools.leaders import acting_pairs, leader_ids, leads_school
from schools.models import School, StaffMembership

log = logging.getLogger(__name__)
Role = StaffMembership.Role

# Signals of bullying, threats or self-harm. A flagged post whose text or matched terms
# contain one of these goes to the top of the list and its school's director is told at once.
URGENT_TERMS = (
    # threats
    "vermoord",
    "vermoorden",
    "dood maken",
    "doodmaken",
    "doodsteken",
    "neersteken",
    "in elkaar slaan",
    "in elkaar trappen",
    "kapot slaan",
    "bedreigd",
    "bedreiging",
    "bedreigen",
    "mes",
    "pistool",
    "wapen",
    # bullying
    "gepest",
    "pesten",
    "pestkop",
    "pesterij",
    "uitgescholden",
    "buitengesloten",
    # self-harm
    "zelfmoord",
    "zelfdoding",
    "suicide",
    "zelfbeschadiging",
    "mezelf iets aandoen",
    "niet meer leven",
    "dood willen",
    "wil dood",
)
# Jaccard similarity of word 3-gram shingles; retold versions of one story score
# around 0.3-0.6, unrelated posts about the same school near 0.
NEAR_DUPLICATE_THRESHOLD = 0.3


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- Dispatch and claim -----------------------------------------------------------


def sources_dispatch(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue one fetch per due source and move its next run on (interval ± 10 % jitter);
    queue again a fetch that was queued but has not started within
    MONITORING_REQUEUE_AFTER_SECONDS (its message lost with the broker, e.g. a Redis
    restarted without AOF), so the source does not wait a whole interval.

    Safe with several beats or a re-run: each source is moved on by a conditional UPDATE,
    so only one dispatcher queues it. A fetch that was only late, not lost, then finds its
    mark superseded by the requeue's and does not fetch (source_claim).
    """
    now = now or timezone.now()
    lost_before = now - datetime.timedelta(
        seconds=_setting("MONITORING_REQUEUE_AFTER_SECONDS", 600)
    )
    fetched = Source.objects.filter(active=True).exclude(kind=Source.Kind.MANUAL)
    due = fetched.filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
    lost = fetched.filter(queued_at__lte=lost_before)  # read after `due` was queued
    queued = []
    for source_id, next_run_at, interval in due.values_list(
        "id", "next_run_at", "interval_minutes"
    ):
        jitter = random.uniform(-0.1, 0.1) * interval * 60  # noqa: S311 - not security
        later = now + datetime.timedelta(seconds=interval * 60 + jitter)
        if _queue_fetch(source_id, Q(next_run_at=next_run_at), now, next_run_at=later):
            queued.append(source_id)
    for source_id, queued_at in lost.values_list("id", "queued_at"):
        if _queue_fetch(source_id, Q(queued_at=queued_at), now):
            log.warning(
                "monitoring source %s: a queued fetch never started; queued again", source_id
            )
            queued.append(source_id)
    return queued


def _queue_fetch(source_id: int, unchanged: Q, now: datetime.datetime, **updates) -> bool:
    """Mark the source queued (with `updates`) if it is `unchanged` since it was read, and
    send its fetch once that is committed; False when another dispatcher got there first."""
    from monitoring.tasks import fetch_source

    with transaction.atomic():
        moved = Source.objects.filter(unchanged, pk=source_id).update(queued_at=now, **updates)
        if moved:
            # The mark goes with the message: of several messages for one source (piled
            # up while no worker ran, or a late one and its requeue) only one fetches.
            transaction.on_commit(partial(fetch_source.delay, source_id, now.isoformat()))
    return bool(moved)


def _lease_seconds() -> int:
    return _setting("CELERY_TASK_TIME_LIMIT", 300) + 60


def source_claim(
    *,
    source_id: int,
    token: str,
    now: datetime.datetime,
    queued_at: datetime.datetime | None = None,
) -> Source | None:
    """Take the source's lock for one run, or None when another run holds it.

    A conditional UPDATE on the row (works on SQLite and PostgreSQL). The same token may
    take it again: Celery redelivers a task killed mid-run with the same id. With
    `queued_at` (the dispatcher's mark this message was sent for), only while that mark is
    still the source's: a message superseded by a later one, or sent for a fetch that
    already ran, finds nothing to do.
    """
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now) | Q(claim_token=token)
    if queued_at is not None:
        free &= Q(queued_at=queued_at) | Q(claim_token=token)
    taken = Source.objects.filter(free, pk=source_id, active=True).update(
        claim_token=token,
        claimed_until=now + datetime.timedelta(seconds=_lease_seconds()),
        queued_at=None,  # what was queued has started
    )
    return Source.objects.get(pk=source_id) if taken else None


def source_release(*, source_id: int, token: str) -> None:
    Source.objects.filter(pk=source_id, claim_token=token).update(
        claim_token="", claimed_until=None
    )


# --- One fetch ---------------------------------------------------------------------


def source_poll(
    *,
    source_id: int,
    token: str = "",
    now: datetime.datetime | None = None,
    classifier=None,
    queued_at: datetime.datetime | None = None,
) -> FetchRun | None:
    """Fetch one source once and ingest what it returned.

    Returns the FetchRun, or None when another run holds the source (or, with `queued_at`,
    when that queued fetch was superseded or already done: source_claim). A failed fetch is
    recorded as a failed run and re-raised (FetchError) so the caller can decide to retry.
    """
    token = token or f"poll-{uuid.uuid4()}"
    # `now` (a test's or the demo's time) goes on to the ingest; without it, the run's end
    # and its posts take the clock after the fetch, which can take a while
    started = now or timezone.now()
    source = source_claim(source_id=source_id, token=token, now=started, queued_at=queued_at)
    if source is None:
        log.info("monitoring source %s: fetched elsewhere or nothing queued; skipped", source_id)
        return None
    try:
        FetchRun.objects.filter(source=source, status=FetchRun.Status.RUNNING).update(
            status=FetchRun.Status.FAILED, finished_at=started, error="interrupted"
        )
        run = FetchRun.objects.create(source=source, started_at=started, status="running")
        try:
            result = sources.fetch(source)
        except FetchError as exc:
            fetch_failed(source=source, run=run, error=exc, now=now)
            raise
        except Exception as exc:  # a bug in a parser must not stop the other sources
            log.exception("monitoring source %s: unexpected error", source_id)
            error = FetchError(f"unexpected error: {exc.__class__.__name__}")
            error.retryable = False
            fetch_failed(source=source, run=run, error=error, now=now)
            raise error from exc
        source_ingest(source=source, result=result, run=run, classifier=classifier, now=now)
        return run
    finally:
        source_release(source_id=source_id, token=token)


def fetch_failed(
    *, source: Source, run: FetchRun, error: FetchError, now: datetime.datetime | None = None
) -> None:
    """Record a failed run; 401/403 marks the source; N failures in a row tell the board once."""
    from monitoring.notifications import source_failing_queue

    now = now or timezone.now()
    with transaction.atomic():
        run.status = FetchRun.Status.FAILED
        run.finished_at = now
        run.error = str(error)[:2000]
        run.save(update_fields=["status", "finished_at", "error"])
        updates: dict[str, Any] = {"consecutive_failures": F("consecutive_failures") + 1}
        if not error.retryable and not isinstance(error, RateLimited):
            updates["needs_attention"] = isinstance(error, sources.base.AuthError)
        if isinstance(error, RateLimited) and error.retry_after:
            updates["next_run_at"] = now + datetime.timedelta(seconds=error.retry_after)
        Source.objects.filter(pk=source.pk).update(**updates)
        source.refresh_from_db()
        threshold = _setting("MONITORING_FAILURE_NOTIFY_AFTER", 5)
        if source.consecutive_failures >= threshold and source.failure_notified_at is None:
            Source.objects.filter(pk=source.pk).update(failure_notified_at=now)
            source_failing_queue(source_id=source.pk, since=now)
    log.warning("monitoring source %s failed: %s", source.pk, error)


def retry_countdown(*, error: FetchError, retries: int) -> int | None:
    """Seconds until the next attempt, or None when the task should not retry.

    Honours Retry-After; never longer than the broker's visibility timeout (a longer
    countdown would make Redis deliver the task twice).
    """
    if not error.retryable:
        return None
    cap = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] - 30
    if isinstance(error, RateLimited) and error.retry_after is not None:
        wait = error.retry_after
    else:
        wait = 30 * 2**retries + random.randint(0, 15)  # noqa: S311 - not security
    if wait > cap:
        return None  # the dispatcher picks the source up again at next_run_at
    return max(1, wait)


@transaction.atomic
def source_ingest(
    *,
    source: Source,
    result: FetchResult,
    run: FetchRun | None = None,
    classifier=None,
    now: datetime.datetime | None = None,
) -> FetchRun:
    """Store what a fetch returned, classify new and edited posts, and close the run."""
    now = now or timezone.now()
    if run is None:
        run = FetchRun.objects.create(source=source, started_at=now, status="running")
    if result.not_modified:
        run.status = FetchRun.Status.NOT_MODIFIED
    else:
        items = result.posts + result.recent
        new, changed, duplicates = posts_store(
            source=source, items=items, now=now, classifier=classifier
        )
        posts_classify(posts=new + changed, now=now, classifier=classifier)
        run.status = FetchRun.Status.SUCCEEDED
        run.new_count, run.updated_count = len(new), len(changed)
        run.duplicate_count = duplicates
        run.error = sources.base.unreadable_items_note(result.skipped)
        if result.skipped:  # a count only: what the items held stays out of the log
            log.warning("monitoring source %s: %s", source.pk, run.error)
        run.left_out_count = result.left_out
        run.long_links_count = _long_links_stored(items, new)
        if run.long_links_count:
            log.warning(
                "monitoring source %s: %s post(s) stored without their link (over %s characters)",
                source.pk,
                run.long_links_count,
                sources.base.MAX_LINK_LENGTH,
            )
        if result.left_out:
            log.warning(
                "monitoring source %s: %s older posts left out (at most %s per run)",
                source.pk,
                result.left_out,
                sources.base.MAX_POSTS_PER_RUN,
            )
    run.finished_at = now
    run.save()
    Source.objects.filter(pk=source.pk).update(
        etag=_fits_column("etag", result.etag) or source.etag,
        last_modified=_fits_column("last_modified", result.last_modified) or source.last_modified,
        cursor=result.cursor or source.cursor,
        consecutive_failures=0,
        needs_attention=False,
        failure_notified_at=None,
    )
    return run


def _fits_column(name: str, value: str) -> str:
    """`value`, or "" when it is longer than the Source column `name`: a feed's ETag or
    Last-Modified that long failed the run on PostgreSQL, and every later run of the feed
    (each left "running", so the board was never told); a validator cut short never
    matches, so it is not kept at all."""
    column = Source._meta.get_field(name)
    limit = column.max_length if isinstance(column, CharField) else None
    return value if limit is None or len(value) <= limit else ""


def _long_links_stored(items: list[FetchedPost], new: list[Post]) -> int:
    """The posts this run stored without their link (too long). A post stored by an earlier
    run, or an item in both of a fetch's lists, is not counted again: the count and its
    warning were repeated on every run for as long as the feed carried the item."""
    stored = {post.external_id for post in new}
    return len({i.external_id for i in items if i.link_too_long and i.external_id in stored})


def _not_after(published_at: datetime.datetime | None, now: datetime.datetime):
    """A post's own time, but never later than the run that fetched it: anyone can date a
    post 2099 (an RSS entry, a Mastodon status from another server), and it then sat at
    the top of every list of mentions, ordered newest first, until 2099."""
    return min(published_at, now) if published_at is not None else None


def posts_store(
    *, source: Source, items: list[FetchedPost], now: datetime.datetime, classifier=None
) -> tuple[list[Post], list[Post], int]:
    """(new posts, edited posts, unchanged duplicates); one row per (source, external id).

    New rows go in with one INSERT that ignores conflicts on (source, external id), so a
    repeated or overlapping run never makes a second row. A post retention deleted is not
    stored again (ForgottenPost) unless it was edited since and now names a school.
    """
    by_id = {item.external_id: item for item in items if item.external_id}
    existing = {p.external_id: p for p in Post.objects.filter(source=source, external_id__in=by_id)}
    unknown = {i: item for i, item in by_id.items() if i not in existing}
    forgotten = _forgotten(source, unknown, now, classifier)
    for external_id in forgotten:
        del by_id[external_id]
    fresh = [
        Post(
            source=source,
            external_id=external_id,
            url=item.url,
            author_handle=item.author_handle,
            text=item.text,
            has_media=item.has_media,
            published_at=_not_after(item.published_at, now),
            content_hash=content_hash(item.text, item.has_media),
            fetched_at=now,
        )
        for external_id, item in by_id.items()
        if external_id not in existing
    ]
    Post.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    new = list(
        Post.objects.filter(
            source=source, external_id__in=[p.external_id for p in fresh], classified_at=None
        )
    )
    changed, duplicates = [], 0
    for external_id, post in existing.items():
        item = by_id[external_id]
        digest = content_hash(item.text, item.has_media)
        if post.content_hash == digest:
            duplicates += 1
            continue
        post.text, post.has_media, post.content_hash = item.text, item.has_media, digest
        post.edited_at = now
        post.save(update_fields=["text", "has_media", "content_hash", "edited_at"])
        changed.append(post)
    for post in new + changed:
        post.source = source  # no query per post for its source later
    return new, changed, duplicates + len(forgotten)


def _forgotten(
    source: Source, items: dict[str, FetchedPost], now: datetime.datetime, classifier=None
) -> list[str]:
    """Those of these ids (not stored) whose posts retention deleted (ForgottenPost),
    marked as still seen now: they are not stored again. One query for the ids, one more
    when any was deleted.

    An item edited since (another content hash) that now names a school is a post again,
    as an edit of a stored post is read again: its mark goes and it is stored as new. An
    edit that names no school stays forgotten, its version remembered, so it is read once.
    """
    if not items:
        return []
    keys = {forgotten_key(external_id): external_id for external_id in items}
    marks = list(ForgottenPost.objects.filter(source=source, key__in=keys))
    if not marks:
        return []
    versions = {m.pk: _version(items[keys[m.key]]) for m in marks}
    edited = [m for m in marks if m.content_hash and m.content_hash != versions[m.pk]]
    back = _named_again(source, [items[keys[m.key]] for m in edited], classifier)
    revived = {m.pk for m in edited if keys[m.key] in back}
    ForgottenPost.objects.filter(pk__in=revived).delete()
    kept = [m for m in marks if m.pk not in revived]
    ForgottenPost.objects.filter(pk__in=[m.pk for m in kept]).update(seen_at=now)
    other = [m for m in kept if m.content_hash != versions[m.pk]]
    for mark in other:
        mark.content_hash = versions[mark.pk]
    ForgottenPost.objects.bulk_update(other, ["content_hash"])
    return [keys[m.key] for m in kept]


def _version(item: FetchedPost) -> str:
    return content_hash(item.text, item.has_media)


def _named_again(source: Source, edited: list[FetchedPost], classifier) -> set[str]:
    """The ids of these edited items that name a school (all, for a school's own source:
    posts_classify reads each of its posts as about that school)."""
    if not edited or source.school_id is not None:
        return {item.external_id for item in edited}
    classifier = classifier or build_classifier()
    return {
        item.external_id
        for item in edited
        if classifier.classify(item.text, has_media=item.has_media).schools
    }


# --- Classification, flags and cases -------------------------------------------------------


def build_classifier():
    """The classifier for one run: schools, their aliases plus the board's watch terms, and
    the pupil register (held in memory only)."""
    from monitoring.classify import Classifier, context_from_database

    context = context_from_database()
    terms: dict[str, list[str]] = {}
    for code, term in WatchTerm.objects.values_list("school__code", "term"):
        if not WatchTerm.is_too_short(term):  # "ab" would name the school in every post
            terms.setdefault(code, []).append(term)
    schools = tuple(
        dataclasses.replace(s, aliases=(*s.aliases, *terms.get(s.code, ())))
        for s in context.schools
    )
    from monitoring.learning import current_layer

    return Classifier(dataclasses.replace(context, schools=schools), learned=current_layer())


@transaction.atomic
def posts_classify(
    *,
    posts: list[Post],
    now: datetime.datetime,
    classifier=None,
    about: School | None = None,
    by=None,
) -> list[Flag]:
    """Classify posts and record flags; flagged stories open or join a follow-up case.

    A post that names no school is read as about `about` (a staff report), else about its
    source's school, if either is given. `by`: the staff member who reported the posts,
    who is not e-mailed about an urgent case their report made (they know).

    Case opening is serialised per school (CaseFinder.lock_schools): two workers ingesting
    the same story at once find each other's case instead of opening two.
    """
    if not posts:
        return []
    classifier = classifier or build_classifier()
    school_ids = dict(School.objects.values_list("code", "id"))
    known = {
        (f.post_id, f.school_id, f.category): f
        for f in Flag.objects.filter(post__in=[p.pk for p in posts])
    }
    cases = CaseFinder(now=now, by_id=by.pk if by is not None else None)
    classified = []
    for post in posts:
        result = classifier.classify(post.text, has_media=post.has_media)
        school = about or post.source.school
        if not result.schools and school is not None:
            # A school's own source (its hashtag, a staff report for it) concerns that
            # school even when the post does not name it.
            result = classifier.classify(f"{school.name}\n{post.text}", has_media=post.has_media)
        named = {school_ids[c]: result.flags_for(c) for c in result.schools if c in school_ids}
        classified.append((post, result, named))
    cases.lock_schools(
        {
            sid
            for _post, _result, named in classified
            for sid, school_flags in named.items()
            if _opens_case(school_flags)
        }
    )
    flags, mentions = [], []
    for post, result, named in classified:
        for school_id, school_flags in named.items():
            mentions.append(Mention(post=post, school_id=school_id, created_at=now))
            flags += _flag_post(post, school_id, result, school_flags, now, known, cases)
    Mention.objects.bulk_create(mentions, ignore_conflicts=True, batch_size=500)
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(classified_at=now)
    for post in posts:  # the callers' rows as stored (CaseFinder.own reads it)
        post.classified_at = now
    followups_unassigned_reach(case_ids=cases.opened)
    return flags


def is_urgent(text: str, matched_terms) -> bool:
    haystack = " " + normalise(" ".join([text, *matched_terms])) + " "
    return any(f" {normalise(term)} " in haystack for term in URGENT_TERMS)


def _opens_case(school_flags) -> bool:
    return any(fr.category in CASE_CATEGORIES for fr in school_flags)


def _flag_post(
    post: Post, school_id: int, result, school_flags, now, known: dict, cases
) -> list[Flag]:
    """The post's flags for one school (in a post naming two, what it says of this one)."""
    all_matched = [m for fr in school_flags for m in fr.matched]
    urgent = is_urgent(post.text, all_matched) and _opens_case(school_flags)
    flags, raised_again, fresh = [], [], []
    for fr in school_flags:
        values = {
            "score": fr.score,
            "matched": list(fr.matched),
            "rule_version": result.rule_version,
            "urgent": urgent and fr.category in CASE_CATEGORIES,
        }
        flag = known.get((post.pk, school_id, fr.category))
        if flag is None:
            flag = Flag.objects.create(
                post=post,
                school_id=school_id,
                category=fr.category,
                created_at=now,
                raised_at=now,
                **values,
            )
        else:
            if fr.category in CASE_CATEGORIES and not set(fr.matched) <= set(flag.matched):
                fresh.append(flag)
            if _new_evidence(flag, fr.matched):
                values.update(dismissed_as_false_positive=False, dismissed_by=None)
                values.update(dismissed_at=None, raised_at=now)  # recent again; created_at stays
                raised_again.append(flag)
            Flag.objects.filter(pk=flag.pk).update(**values)
        flags.append(flag)
    unlinked = [
        f.pk
        for f in flags
        if f.category in CASE_CATEGORIES
        and (f.followup_id is None or f in raised_again or f in fresh)
    ]
    # An edited post whose flags all belong to a case joins it while it is open (it may
    # become urgent). Once that case is finished, an edit that brings new terms reopens it
    # (CaseFinder.reopen); one without new terms changes nothing: it used to open an empty
    # case, without a flag or post, that nobody could follow up.
    if unlinked or (
        any(f.category in CASE_CATEGORIES for f in flags) and cases.own(school_id, post)
    ):
        case = cases.open_or_join(school_id=school_id, post=post, urgent=urgent, reopen=True)
        if unlinked:
            Flag.objects.filter(pk__in=unlinked).update(followup=case)
        for flag in raised_again:
            if flag.followup is not None and flag.followup != case:
                _assignee_back(case, flag.followup)
    return flags


def _new_evidence(flag: Flag, matched) -> bool:
    """Whether an edited post brings a dismissed flag terms it did not have when it was
    dismissed ("puinhoop" dismissed, "gepest" added): the dismissal was about the old text,
    so the flag is raised again. A post edited without new terms keeps the dismissal."""
    return flag.dismissed_as_false_positive and not set(matched) <= set(flag.matched)


# Where an edit with new terms reopens a finished case (FollowUp.TRANSITIONS allows both).
REOPENED_AT: dict[str, str] = {
    FollowUp.Status.CLOSED: FollowUp.Status.CONVERSATION_HELD,
    FollowUp.Status.NO_ACTION: FollowUp.Status.NEW,
}


class CaseFinder:
    """Open cases per school for one run, loaded once, so a run over many posts does not
    reload every candidate case for every post."""

    def __init__(self, *, now: datetime.datetime, by_id: int | None = None):
        self.now = now
        self.by_id = by_id  # who reported the posts of this run: not told of their urgency
        self.by_school: dict[int, list[FollowUp]] = {}
        self.opened: list[int] = []  # the cases this run opened

    def lock_schools(self, school_ids) -> None:
        """Hold these schools' rows until the transaction ends, in id order (no deadlock).

        Call before the first candidates() of a school, inside a transaction: the open cases
        are then read after any concurrent run for the same school has committed.
        """
        if school_ids:
            ids = School.objects.select_for_update().filter(pk__in=school_ids).order_by("pk")
            list(ids.values_list("pk", flat=True))

    def candidates(self, school_id: int) -> list[FollowUp]:
        if school_id not in self.by_school:
            days = _setting("MONITORING_NEAR_DUPLICATE_DAYS", 14)
            self.by_school[school_id] = list(
                FollowUp.objects.filter(
                    school_id=school_id,
                    status__in=FollowUp.OPEN_STATUSES,
                    opened_at__gte=self.now - datetime.timedelta(days=days),
                ).only(
                    "id",
                    "school_id",
                    "shingles",
                    "status",
                    "priority",
                    "urgent_notified_at",
                    "assigned_to",
                )
            )
        return self.by_school[school_id]

    def open_or_join(
        self, *, school_id: int, post: Post, urgent: bool, reopen: bool = False, by=None
    ) -> FollowUp:
        """The open case this story belongs to: the post's own, a near-duplicate's, or new.
        With `reopen` (an edit brought new terms; with `by`, a staff member marked the post),
        the post's own finished case is reopened before a near-duplicate's is joined or a
        new one opened."""
        from monitoring.notifications import urgent_case_queue

        case = self.own(school_id, post)
        reopened = False
        if case is None and reopen:
            case = self.reopen(school_id, post, by=by)
            reopened = case is not None
        case = case or self._near_duplicate(school_id, post)
        # who marked or reported the post is not told of what they did themselves
        by_id = by.pk if by is not None else self.by_id
        if case is None:
            case = FollowUp.objects.create(
                school_id=school_id, opened_at=self.now, shingles=shingles(post.text)
            )
            self.candidates(school_id).append(case)
            self.opened.append(case.pk)
            if not urgent:  # its directors are told now, not at their next visit
                notifications.new_case_queue(case=case, excluding=by_id)
        if urgent and case.priority != FollowUp.Priority.URGENT:
            case.priority = FollowUp.Priority.URGENT
            FollowUp.objects.filter(pk=case.pk).update(priority=case.priority)
        if urgent and case.urgent_notified_at is None:
            held = not reopened and case.status == FollowUp.Status.CONVERSATION_HELD
            if held:
                # its conversation was held before this urgent post came in: nobody has acted
                # on the post yet, so it waits as a reopened case does (the urgent sweep)
                FollowUp.objects.filter(pk=case.pk, reopened_at__isnull=True).update(
                    reopened_at=self.now
                )
            # made urgent by what reopened it: the notice says the case was reopened
            edited = reopened and by is None
            if urgent_case_queue(
                case=case, again=reopened, excluding=by_id, edited=edited, held=held
            ):
                case.urgent_notified_at = self.now
        elif urgent and not reopened and case.status == FollowUp.Status.CONVERSATION_HELD:
            # its notice went, and a conversation was held since: this post is news nobody
            # has acted on, told as a first one at "conversation held" is (once: the claim)
            if urgent_case_queue(case=case, excluding=by_id, after_conversation=True):
                case.urgent_notified_at = self.now
        return case

    def own(self, school_id: int, post: Post) -> FollowUp | None:
        """The open case of the school the post is part of, if any."""
        if post.classified_at is None:  # a new post has no case yet
            return None
        own = FollowUp.objects.filter(
            flags__post=post, school_id=school_id, status__in=FollowUp.OPEN_STATUSES
        )
        return own.order_by("-opened_at").first()

    def reopen(self, school_id: int, post: Post, *, by=None) -> FollowUp | None:
        """The post's latest finished case at this school, reopened where it stood (closed
        → conversation held, no action → new; followup_update's reopen path: who closed it
        cleared, the assignee told). Nobody assigned: the school's leaders' first gets it.
        `by`: the staff member whose mark reopens it; None: the writer's edit did."""
        if post.classified_at is None:
            return None
        case = (
            FollowUp.objects.filter(
                flags__post=post, school_id=school_id, status__in=FollowUp.FINISHED_STATUSES
            )
            .order_by("-opened_at")
            .first()
        )
        if case is None:
            return None
        from accounts.models import User

        assignee_id = case.assigned_to_id or next(iter(leader_ids(school_id)), None)
        assignee = User.objects.filter(pk=assignee_id).first() if assignee_id else None
        try:
            followup_update(
                case=case,
                status=REOPENED_AT[case.status],
                assigned_to=assignee,
                notes=case.notes,
                user=by,
                now=self.now,
                edited=by is None,
            )
        except ValidationError:  # dates the form would refuse: a new case, not a failed run
            log.warning("monitoring case %s could not be reopened", case.pk)
            return None
        self.candidates(school_id).append(case)
        return case

    def _near_duplicate(self, school_id: int, post: Post) -> FollowUp | None:
        mine = shingles(post.text)
        best, best_score = None, NEAR_DUPLICATE_THRESHOLD
        for case in self.candidates(school_id):
            score = jaccard(mine, case.shingles)
            if score >= best_score:
                best, best_score = case, score
        return best


def followup_open_or_join(
    *, school_id: int, post: Post, urgent: bool, now: datetime.datetime
) -> FollowUp:
    """The open case a flagged post belongs to (see CaseFinder), for a single post."""
    with transaction.atomic():
        finder = CaseFinder(now=now)
        finder.lock_schools({school_id})
        case = finder.open_or_join(school_id=school_id, post=post, urgent=urgent)
        followups_unassigned_reach(case_ids=finder.opened)
        return case


# --- Manual reports ---------------------------------------------------------------------


def manual_source_for(*, school: School) -> Source:
    source, _created = Source.objects.get_or_create(
        kind=Source.Kind.MANUAL,
        school=school,
        defaults={"name": _("Manual reports: %(school)s") % {"school": school.name}},
    )
    return source


@dataclass(frozen=True)
class Reported:
    """What a staff report became: the post, and whether it was there before (reported or
    fetched earlier: then no second post was made)."""

    post: Post
    earlier: bool


def post_report(
    *,
    school: School,
    url: str,
    text: str,
    has_media: bool,
    user,
    category: str = "",
    now: datetime.datetime | None = None,
) -> Reported:
    """Staff paste a post they saw; it is stored and classified like any fetched post.

    A post at the same address that is already stored (reported before, or fetched from a
    source) is not stored again: the school gets its mention of that post, the second
    reporter's category is recorded on it, and "it shows photos or video" classifies it
    again. With a `category` the reporter's judgement counts
    as a staff mark (post_mark): a case category opens or joins a case even when the
    classifier reads nothing in the post. `now`: the report's time (the demo's day)."""
    with transaction.atomic():
        source = manual_source_for(school=school)
        # one report at a time per school, so two people pasting the same link make one post
        Source.objects.select_for_update().filter(pk=source.pk).exists()
        now = now or timezone.now()
        post = post_at_address(url=url, school=school)
        earlier = post is not None
        if post is None:
            post = Post.objects.create(
                source=source,
                external_id=f"manual-{uuid.uuid4()}",
                url=url,
                text=text,
                has_media=has_media,
                content_hash=content_hash(text, has_media),
                fetched_at=now,
                published_at=None,
                reported_by=user,
            )
            posts_classify(posts=[post], now=now, by=user)
        elif (has_media and not post.has_media) or not post.mentions.exists():
            # Read again: with the photos or video this reporter saw (a privacy matter may
            # only show now; the content hash stays the source's), or, when it names no
            # school, as about this one, as a fresh report would be.
            post.has_media = post.has_media or has_media
            post.save(update_fields=["has_media"])
            posts_classify(posts=[post], now=now, about=school, by=user)
        # The reporter says it concerns this school, also when it names only another one
        # (that school's mention comes from the classifier): on its Vermeldingen, markable.
        Mention.objects.get_or_create(post=post, school=school, defaults={"created_at": now})
        if category:
            post_mark(post=post, school=school, category=category, user=user, now=now)
    return Reported(post, earlier)


def _same_address(url: str) -> list[str]:
    """The forms of a post's address that name the same post: without a fragment
    ("#reacties"), with or without a trailing slash."""
    bare = url.split("#", 1)[0].rstrip("/")
    return list(dict.fromkeys([url, bare, bare + "/"]))


def post_at_address(*, url: str, school: School) -> Post | None:
    """The stored post at this address: one among the school's mentions first, else any.

    The posts at an address are a handful, read by the address index and ordered here: an
    ORDER BY id LIMIT 1 let PostgreSQL walk the primary key instead, the whole table when
    no post has the address (the usual case)."""
    if not url:
        return None
    posts = sorted(Post.objects.filter(url__in=_same_address(url)), key=lambda post: post.pk)
    if not posts:
        return None
    at_school = set(
        Mention.objects.filter(school=school, post__in=posts).values_list("post_id", flat=True)
    )
    return next((post for post in posts if post.pk in at_school), posts[0])


def post_has_open_case(*, post: Post, school: School) -> bool:
    """Whether the post is part of an open follow-up case of the school."""
    return FollowUp.objects.filter(
        flags__post=post, school=school, status__in=FollowUp.OPEN_STATUSES
    ).exists()


# --- Flags and cases -----------------------------------------------------------------


class FlagChangedMeanwhile(ValidationError):
    """A dismiss button from a page read before the flag was marked by hand or raised
    again: dismissing it would silently undo a colleague's "dit is een klacht"."""


@transaction.atomic
def flag_dismiss(*, flag: Flag, user, seen: str = "") -> bool:
    """One click: this flag was a false positive. Counted in reports; its case may close.
    True when this call dismissed it; False when it was dismissed already (a second click,
    a colleague first: the flag then says by whom). `seen`: the flag's version_token when
    the button was shown; FlagChangedMeanwhile, and nothing changed, when it differs."""
    now = timezone.now()
    # the case's row first: a dismissal of its other last flag at the same moment waits,
    # then sees this one dismissed (each used to see the other's flag still live)
    case = (
        FollowUp.objects.select_for_update().get(pk=flag.followup_id) if flag.followup_id else None
    )
    current = Flag.objects.select_for_update(of=("self",)).get(pk=flag.pk)
    if current.dismissed_as_false_positive:
        _copy_dismissal(current, flag)
        return False
    if seen and seen != current.version_token():
        raise FlagChangedMeanwhile(_changed_meanwhile(current))
    flag.dismissed_as_false_positive, flag.dismissed_by, flag.dismissed_at = True, user, now
    flag.save(update_fields=["dismissed_as_false_positive", "dismissed_by", "dismissed_at"])
    if (
        case is not None
        and case.status == FollowUp.Status.NEW
        and not case.flags.filter(dismissed_as_false_positive=False).exists()
    ):
        case.status, case.closed_at, case.closed_by = FollowUp.Status.NO_ACTION, now, user
        case.save(update_fields=["status", "closed_at", "closed_by"])
        notifications.case_closed_announce(case=case, by_id=user.pk)
    return True


def _copy_dismissal(source: Flag, flag: Flag) -> None:
    flag.dismissed_as_false_positive = True
    flag.dismissed_by_id, flag.dismissed_at = source.dismissed_by_id, source.dismissed_at


def _changed_meanwhile(flag: Flag) -> str:
    if flag.marked_by_id is not None and flag.marked_at is not None:
        return _(
            "%(who)s marked this post as “%(category)s” on %(when)s, after this page was "
            "opened. Nothing was changed; look at the post again."
        ) % {
            "who": flag.marked_by,
            "category": flag.category_label,
            "when": date_format(timezone.localtime(flag.marked_at), "j F Y H:i"),
        }
    return _(
        "This signal was raised again on %(when)s, after this page was opened. Nothing was "
        "changed; look at the post again."
    ) % {"when": date_format(timezone.localtime(flag.raised_at), "j F Y H:i")}


STAFF_RULE_VERSION = "staff"


@transaction.atomic
def post_mark(
    *, post: Post, school: School, category: str, user, now: datetime.datetime | None = None
) -> Flag:
    """Staff say a post is a signal of a category for a school ("dit is een klacht").

    Recorded with who and when, as labelled data for the learned layer; a case category
    opens or joins a follow-up case like a flag of the classifier does, and reopens the
    post's finished case as an edit with new terms does. Marking a dismissed flag again
    takes the dismissal back.
    """
    if category not in CATEGORY_LABELS:
        raise ValidationError(_("Choose a category."))
    if not Mention.objects.filter(post=post, school=school).exists():
        raise ValidationError(_("This post does not mention this school."))
    now = now or timezone.now()
    finder = CaseFinder(now=now)
    # case opening is serialised per school, as in a classification run: a second mark
    # of the post at the same moment waits here, then joins the first one's case
    finder.lock_schools([school.pk])
    flag, _created = Flag.objects.get_or_create(
        post=post,
        school=school,
        category=category,
        defaults={
            "score": 1.0,
            "matched": [STAFF_RULE_VERSION],
            "rule_version": STAFF_RULE_VERSION,
            "created_at": now,
            "raised_at": now,
        },
    )
    flag.marked_by, flag.marked_at = user, now
    dismissed_case = flag.followup if flag.dismissed_as_false_positive else None
    if flag.dismissed_as_false_positive:
        flag.raised_at = now  # raised again by hand: recent again; created_at stays
    flag.dismissed_as_false_positive, flag.dismissed_by, flag.dismissed_at = False, None, None
    if category in CASE_CATEGORIES and (flag.followup is None or not flag.followup.is_open):
        urgent = is_urgent(post.text, flag.matched)
        flag.urgent = urgent
        # as an edit does: the post's finished case is reopened (who closed it cleared, its
        # assignee told), not left behind for a second case about the same post
        flag.followup = finder.open_or_join(
            school_id=school.pk, post=post, urgent=urgent, reopen=True, by=user
        )
        if dismissed_case is not None:
            _assignee_back(flag.followup, dismissed_case)
        followups_unassigned_reach(case_ids=[flag.followup.pk])
    flag.save()
    return flag


def _assignee_back(case: FollowUp, dismissed: FollowUp) -> None:
    """A dismissal taken back: the story's case goes again to whoever had the case the
    dismissal closed ("no action"), with the assignment e-mail, while they still teach or
    direct at the school or are on the board (as followups_hand_over keeps cases). A case
    the story joined that has its own assignee keeps them."""
    previous_id = dismissed.assigned_to_id
    if (
        case.assigned_to_id is not None
        or previous_id is None
        or dismissed.status != FollowUp.Status.NO_ACTION
        or not acting_pairs([previous_id], [case.school_id], board_everywhere=True)
    ):
        return
    FollowUp.objects.filter(pk=case.pk).update(assigned_to_id=previous_id)
    case.assigned_to_id = previous_id
    notifications.case_assignment_announce(case_id=case.pk, assignee_id=previous_id)


def assignable_staff(school: School):
    from accounts.models import User

    # an inactive account cannot log in: a case assigned to it would reach nobody
    return User.objects.filter(
        is_active=True,
        memberships__school=school,
        memberships__role__in=[Role.TEACHER, Role.DIRECTOR],
    ).distinct()


def assignee_choices(case: FollowUp):
    """Whom the case form offers: assignable_staff, and the case's own assignee, who may
    have left since (a closed case keeps whoever held the conversation)."""
    from accounts.models import User

    staff = assignable_staff(case.school).values("pk")
    return User.objects.filter(Q(pk__in=staff) | Q(pk=case.assigned_to_id))


@transaction.atomic
def followup_update(
    *,
    case: FollowUp,
    status: str,
    assigned_to=None,
    notes: str = "",
    planned_for: datetime.date | None = None,
    held_on: datetime.date | None = None,
    user=None,
    now: datetime.datetime | None = None,
    edited: bool = False,
    seen: str = "",
    no_action_reason: str = "",
) -> FollowUp:
    """Move a case along new → planned → held → closed (or no action), with its dates; or
    reopen a finished one. `user` is who does it: a closing records them, and the
    assignee is told when it was someone else (so is a reopening). `edited`: the portal
    reopens it because an edit of one of its posts brought new terms (the e-mail says so).
    `seen`: the case's version_token when its form was read; refused when it changed
    since (another director saved it meanwhile). `no_action_reason`: why the case needs
    no action; required when someone who does not answer for the school (its assignee, a
    teacher) closes it so, and then its director is told (a complaint is seen by someone
    who answers for it). It is kept, with who gave it and when, in the case's
    no_action_reasons, which no form changes and the case page shows."""
    now = now or timezone.now()
    previous_id = _stored_assignee_id(case)
    if seen and seen != case.version_token():
        asked = {"status": status, "assigned_to": assigned_to, "notes": notes}
        asked |= {"planned_for": planned_for, "held_on": held_on}
        if _saved_already(case, **asked):
            return case  # a double tap or Back and send again: nothing to change or tell
        raise ValidationError(
            _(
                "This case was changed meanwhile by someone else; the page now shows it as "
                "it is. Check the status, dates and notes, and save again if needed."
            ),
            code="stale",
        )
    newly_assigned = assigned_to is not None and assigned_to.pk != previous_id
    if newly_assigned and not assignable_staff(case.school).filter(pk=assigned_to.pk).exists():
        raise ValidationError(_("Assign the case to a staff member of this school."))
    if status != case.status and not case.can_move_to(status):
        raise ValidationError(
            _("A case cannot move from “%(old)s” to “%(new)s”.")
            % {"old": case.get_status_display(), "new": FollowUp.Status(status).label}
        )
    unseen = _no_action_unseen(case, status, user)
    if unseen and not no_action_reason.strip():
        raise ValidationError(
            {
                "no_action_reason": _(
                    "Give a short reason why the case needs no action: the director reads it."
                )
            },
            code="reason",
        )
    again = (case.status, status) == (
        FollowUp.Status.CONVERSATION_HELD,
        FollowUp.Status.CONVERSATION_PLANNED,
    )
    if again:  # a second conversation: its own dates; the first is kept as earlier
        earlier, held_on = _second_conversation(case, planned_for), None
    if no_action_reason.strip() and status == FollowUp.Status.NO_ACTION != case.status:
        given = _no_action_given(user, no_action_reason, school_date(now))
        case.no_action_reasons = [*case.no_action_reasons, given]
    if status == FollowUp.Status.CONVERSATION_PLANNED and not (planned_for or case.planned_for):
        raise ValidationError(_("Give the date of the planned conversation."))
    if status in (FollowUp.Status.CONVERSATION_HELD, FollowUp.Status.CLOSED) and not (
        held_on or case.held_on
    ):
        raise ValidationError(_("Give the date the conversation was held."))
    today = school_date(now)
    _check_planned_for(case, status, planned_for, today=today)
    _check_held_on(
        None if again else held_on or case.held_on,
        planned_for or case.planned_for,
        today=today,
    )
    if not again:  # another conversation's plan: _second_conversation and from today on
        _check_after_what_came_first(case, planned_for=planned_for, held_on=held_on)
    was_finished = case.status in FollowUp.FINISHED_STATUSES
    previous_status, previous_held_on = case.status, case.held_on
    finishing = status in FollowUp.FINISHED_STATUSES and not was_finished
    reopening = was_finished and status not in FollowUp.FINISHED_STATUSES
    if reopening and assigned_to is not None and not newly_assigned:
        assigned_to = _reopened_assignee(case, assigned_to)
        newly_assigned = assigned_to is not None and assigned_to.pk != previous_id
    case.status = status
    case.assigned_to = assigned_to
    case.notes = notes
    case.planned_for = planned_for or case.planned_for
    case.held_on = None if again else held_on or case.held_on
    if again:
        case.earlier_conversations = [*case.earlier_conversations, earlier]
    # read from the conversations as they now stand, as the reports read them (also a
    # correction a process of the previous release made); the kept day once retention
    # emptied the earlier ones
    case.first_held_on = case.first_held_read()
    if finishing:
        case.closed_at, case.closed_by = now, user
    if reopening:  # an urgent case reopened is told the directors again (below)
        case.closed_at = case.closed_by = case.urgent_notified_at = None
        case.no_action_untold = False  # open again: nothing to tell of a "no action"
        case.reopened_at = now  # waits as a "new" case, until moved on (urgent sweep)
    elif status != previous_status or case.held_on != previous_held_on:
        case.reopened_at = None  # moved on, or a conversation recorded: acted on
    case.save()
    by_id = user.pk if user is not None else None
    if newly_assigned and not (finishing or assigned_to.pk == by_id):
        notifications.case_assignment_announce(case_id=case.pk, assignee_id=assigned_to.pk)
    if previous_id is not None and previous_id != case.assigned_to_id:
        notifications.case_reassignment_announce(case=case, previous_id=previous_id)
    if finishing:
        notifications.case_closed_announce(case=case, by_id=by_id, no_action_told=unseen)
    if unseen:
        notifications.case_no_action_queue(case=case)
    if reopening and not newly_assigned:
        notifications.case_reopened_announce(case=case, by_id=by_id, edited=edited)
    if case.is_open and case.assigned_to_id is None:
        # reopened, or taken from its assignee: at a school without a director the case
        # goes to a board member now (it waited for any membership change anywhere)
        followups_unassigned_reach(case_ids=[case.pk], by=by_id)
    urgent = case.priority == FollowUp.Priority.URGENT
    if reopening and urgent and _urgent_again(case, by_id, edited=edited):
        case.urgent_notified_at = now
    elif reopening and not urgent and not (by_id is not None and by_id == case.assigned_to_id):
        # as the urgent notice: the directors are told once per reopening, not who did it;
        # nothing when whoever has the case reopened it (nobody is told of what they did
        # themselves): it is theirs and seen, and the directors see it open on their pages
        reopened = "edited" if edited else "by_hand"
        notifications.new_case_queue(case=case, excluding=by_id, reopened=reopened)
    return case


def _urgent_again(case: FollowUp, by_id: int | None, *, edited: bool) -> bool:
    """An urgent case reopened: its directors are told again, once for this reopening
    (the claim was cleared with it), that it was reopened and why, except whoever
    reopened it."""
    return notifications.urgent_case_queue(case=case, again=True, excluding=by_id, edited=edited)


def _saved_already(case: FollowUp, *, status, assigned_to, notes, planned_for, held_on) -> bool:
    """Whether a form read before the case last changed asks for the case as it is now:
    the same form sent again after it was saved (a double tap, Back and send again), or
    the very change someone else made meanwhile. Not a change by "someone else" to warn
    about. A second conversation planned twice (its earlier held date moved out of
    held_on) is not recognised and stays refused as stale."""
    same = (status, getattr(assigned_to, "pk", None)) == (case.status, case.assigned_to_id)
    same = same and planned_for in (None, case.planned_for) and held_on in (None, case.held_on)
    return same and case.notes == notes


def _no_action_unseen(case: FollowUp, status: str, user) -> bool:
    """Whether this move closes the case as "no action" by someone who does not answer for
    the school (schools.access.acts_for_school: not its director, not on the board), so
    that a complaint about the school would go unseen by its leaders."""
    from schools.access import acts_for_school

    return (
        status == FollowUp.Status.NO_ACTION != case.status
        and user is not None
        and not acts_for_school(user, case.school_id)
    )


def _no_action_given(user, reason: str, today: datetime.date) -> dict:
    """An entry of FollowUp.no_action_reasons: who gave the reason, when, and what. Stored
    as data, not as a sentence: the case page words it in the reader's language (it was
    a Dutch line, also added to the notes, until 2026-12-07)."""
    return {
        "name": user.get_full_name() if user is not None else "?",
        "day": today.isoformat(),
        "reason": " ".join(reason.split()),
    }


def _second_conversation(case: FollowUp, planned_for) -> dict:
    """The entry of FollowUp.earlier_conversations for a case that plans another
    conversation after one was held (a case has one planned and one held date). Stored as
    data: the case page words it in the reader's language (it was a Dutch line added to the
    notes until 2026-12-07). The new date is required and not before the earlier
    conversation."""
    if planned_for is None or planned_for == case.planned_for:  # the form shows the old one
        raise ValidationError(_("Give the date of the new conversation."))
    if case.held_on is not None and planned_for < case.held_on:
        raise ValidationError(
            _("The new conversation cannot be planned before the earlier one was held.")
        )
    return {
        "held": case.held_on.isoformat() if case.held_on else None,
        "planned": case.planned_for.isoformat() if case.planned_for else None,
    }


def _reopened_assignee(case: FollowUp, assignee):
    """Who has a case that is reopened: whoever had it, while they still teach or direct at
    the school or are on the board; else the school's leaders' first (a closed case keeps
    whoever held the conversation, also after they left), or nobody."""
    from accounts.models import User

    if acting_pairs([assignee.pk], [case.school_id], board_everywhere=True):
        return assignee
    leader = next(iter(leader_ids(case.school_id)), None)
    return User.objects.get(pk=leader) if leader is not None else None


def _stored_assignee_id(case: FollowUp) -> int | None:
    """The case's assignee as stored now, its row locked until the transaction ends and
    `case` read again: a form read before another request (or a hand-over) changed the
    case is compared with what is there, so each assignment is announced once, a case
    handed over meanwhile is not quietly given back to someone who left, and a close
    committed meanwhile is not saved over (undoing it is a reopening, told as one)."""
    FollowUp.objects.select_for_update().filter(pk=case.pk).values_list("pk").get()
    case.refresh_from_db()
    return case.assigned_to_id


@transaction.atomic
def followups_hand_over(*, user_id: int, leaving: bool = False) -> list[FollowUp]:
    """This staff member's open cases at schools where they no longer teach or direct, and
    are not on the board (a membership ended, the account was deactivated; with `leaving`,
    at every school: the account is being deleted), go to the school's leaders' first
    (schools.leaders: its director, or a board member when it has none), who is e-mailed
    as for any assignment and finds the case under "Mijn zaken". Only when the school has
    neither is the case left unassigned."""
    cases = list(FollowUp.objects.filter(assigned_to_id=user_id, status__in=FollowUp.OPEN_STATUSES))
    schools = {c.school_id for c in cases}
    acting = set() if leaving else acting_pairs([user_id], schools, board_everywhere=True)
    moved = [case for case in cases if (user_id, case.school_id) not in acting]
    leaders = {
        school_id: leader_ids(school_id, excluding=user_id)
        for school_id in {case.school_id for case in moved}
    }
    for case in moved:
        case.assigned_to_id = next(iter(leaders[case.school_id]), None)
        case.save(update_fields=["assigned_to"])
        if case.assigned_to_id is not None:
            notifications.case_assignment_announce(case_id=case.pk, assignee_id=case.assigned_to_id)
    return moved


@transaction.atomic
def followups_unassigned_reach(
    *, case_ids: list[int] | None = None, excluding: int | None = None, by: int | None = None
) -> list[int]:
    """Open cases nobody has at a school without a director go to the school's leaders'
    first (schools.leaders: a board member, the first by id, as a hand-over and a takedown
    do), who is e-mailed and finds them under "Mijn zaken". At a school with a director
    such a case is the director's to give (their dashboard and home list it); at a school
    without one it was a count on the board's home that no one person was told of.

    `case_ids`: only these (a case just opened); None: all. `excluding`: an account on
    its way out that counts as gone (schools.leaders). `by`: who made the change that left
    the case to nobody; a case that comes to them is not announced to them. Each case is
    taken with a conditional UPDATE, so two callers at once announce it once. The ids
    given."""
    directed = StaffMembership.objects.filter(
        school_id=OuterRef("school_id"), role=Role.DIRECTOR, user__is_active=True
    )
    if excluding is not None:
        directed = directed.exclude(user_id=excluding)
    waiting = FollowUp.objects.filter(
        status__in=FollowUp.OPEN_STATUSES, assigned_to__isnull=True
    ).exclude(Exists(directed))
    if case_ids is not None:
        if not case_ids:
            return []
        waiting = waiting.filter(pk__in=case_ids)
    given, leaders = [], {}
    for case_id, school_id in waiting.values_list("pk", "school_id"):
        if school_id not in leaders:
            leaders[school_id] = next(iter(leader_ids(school_id, excluding=excluding)), None)
        leader = leaders[school_id]
        if leader is None:
            # DESIGN.md names nobody else who acts on a case: ops.health lists it
            log.warning(
                "monitoring case %s reaches nobody: school %s has no director and the "
                "foundation no board member",
                case_id,
                school_id,
            )
            continue
        taken = FollowUp.objects.filter(
            pk=case_id, assigned_to__isnull=True, status__in=FollowUp.OPEN_STATUSES
        ).update(assigned_to_id=leader)
        if taken:
            if leader != by:
                notifications.case_assignment_announce(case_id=case_id, assignee_id=leader)
            given.append(case_id)
    return given


def followups_urgent_reach() -> list[int]:
    """Open urgent cases whose notice nobody got (opened while the school had no director
    and the foundation no board member): the school's leaders now are told, once
    (urgent_case_queue claims the case). Called when a membership changes, as
    followups_unassigned_reach is. The ids told."""
    from monitoring.notifications import urgent_case_queue

    waiting = FollowUp.objects.filter(
        status__in=FollowUp.OPEN_STATUSES,
        priority=FollowUp.Priority.URGENT,
        urgent_notified_at__isnull=True,
    ).only("pk", "school_id", "assigned_to")
    return [case.pk for case in waiting if urgent_case_queue(case=case)]


def followups_no_action_reach() -> list[int]:
    """Cases closed as "no action" by someone who does not answer for the school while
    nobody did (no director, no board member; or the only one left before the e-mail
    went): the school's leaders now are told, once (case_no_action_queue claims the case).
    Called when a membership changes or an account is activated again, as
    followups_urgent_reach is. The ids told."""
    waiting = FollowUp.objects.filter(no_action_untold=True, status=FollowUp.Status.NO_ACTION).only(
        "pk", "school_id", "closed_at", "closed_by_id", "no_action_untold"
    )
    return [case.pk for case in waiting if notifications.case_no_action_queue(case=case)]


def school_date(now: datetime.datetime) -> datetime.date:
    """The date at the schools (settings.TIME_ZONE, Europe/Amsterdam), whatever time zone
    is active: a conversation's dates are the school's days."""
    return timezone.localdate(now, timezone.get_default_timezone())


# How far ahead a conversation may be planned: a year typed wrong (2062 for 2026, 9999) made
# a plan that never came due, so the case was never overdue.
PLAN_AHEAD = datetime.timedelta(days=366)


def _check_planned_for(
    case: FollowUp, status: str, planned_for: datetime.date | None, *, today: datetime.date
) -> None:
    """A conversation is planned for today or later, when the case comes to "planned" or
    its date is moved. A plan whose day has since passed keeps taking notes; a conversation
    that was held is recorded as held, with its past dates."""
    if status != FollowUp.Status.CONVERSATION_PLANNED:
        return
    date = planned_for or case.planned_for
    moved = status != case.status or (planned_for is not None and planned_for != case.planned_for)
    if moved and date is not None and date < today:
        raise ValidationError(
            {
                "planned_for": _(
                    "A conversation cannot be planned in the past: give today's date or a "
                    "later one. A conversation that already took place is recorded as "
                    "“conversation held”."
                )
            }
        )
    if moved and date is not None and date > today + PLAN_AHEAD:
        raise ValidationError({"planned_for": _("Plan the conversation within a year from today.")})


def _check_held_on(
    held_on: datetime.date | None, planned_for: datetime.date | None, *, today: datetime.date
) -> None:
    """A conversation cannot have been held in the future, nor before it was planned for."""
    if held_on is None:
        return
    if held_on > today:
        raise ValidationError(_("The conversation cannot have been held in the future."))
    if planned_for is not None and held_on < planned_for:
        raise ValidationError(
            _("The conversation cannot have been held before the date it was planned for.")
        )


def _check_after_what_came_first(
    case: FollowUp, *, planned_for: datetime.date | None, held_on: datetime.date | None
) -> None:
    """A conversation's planned or held date typed anew is not before an earlier
    conversation of the case (the latest one; once retention erased them, the first
    one's day it kept) nor before the day the case was opened (its flag raised): until
    2026-12-07 a later conversation could read as held before the first, which moved the
    case to another month in the school's report. Dates stored before are not checked
    again when the form sends them back unchanged (notes are still taken, a case closed)."""
    earlier = [
        datetime.date.fromisoformat(entry["held"])
        for entry in case.earlier_conversations
        if entry.get("held")
    ]
    if case.earlier_conversations_erased and case.first_held_on is not None:
        earlier.append(case.first_held_on)
    last_earlier = max(earlier, default=None)
    opened = school_date(case.opened_at)
    typed = (("held_on", held_on, case.held_on), ("planned_for", planned_for, case.planned_for))
    for field, day, stored in typed:
        if day is None or day == stored:
            continue
        if last_earlier is not None and day < last_earlier:
            raise ValidationError({field: _before_earlier(field, last_earlier)})
        if day < opened:
            raise ValidationError({field: _before_opened(field, opened)})


def _before_earlier(field: str, day: datetime.date) -> str:
    words = {"day": date_format(day, "j F Y")}
    if field == "held_on":
        return (
            _("This conversation cannot have been held before the earlier conversation of %(day)s.")
            % words
        )
    return (
        _("This conversation cannot have been planned before the earlier conversation of %(day)s.")
        % words
    )


def _before_opened(field: str, day: datetime.date) -> str:
    words = {"day": date_format(day, "j F Y")}
    if field == "held_on":
        return (
            _("This conversation cannot have been held before the case was opened on %(day)s.")
            % words
        )
    return (
        _("This conversation cannot have been planned before the case was opened on %(day)s.")
        % words
    )


def followups_assigned_to(user):
    """Open cases assigned to this user at a school where they still teach or direct."""
    from monitoring.access import cases_assigned_to

    return (
        cases_assigned_to(user)
        .filter(status__in=FollowUp.OPEN_STATUSES)
        .select_related("school")
        .distinct()
        .order_by("priority", "-opened_at")
    )


# --- Public replies: only a director-approved correction ------------------------------


def _require_verify_fact(case: FollowUp) -> None:
    if not case.flags.filter(category="verify_fact", dismissed_as_false_positive=False).exists():
        raise ValidationError(
            _(
                "We do not answer online. A public reply is only possible to correct "
                "a factual inaccuracy."
            )
        )


def is_director_of(user, school: School) -> bool:
    """Directors of the school; board staff when the school has no director."""
    return leads_school(user, school)


@transaction.atomic
def public_reply_draft(*, case: FollowUp, text: str, user) -> PublicReply:
    """A correction for the director to approve (e-mailed to the school's directors, or
    the board when it has none, but not the drafter). The same text again while it waits
    for approval (a double click, Back and send again, a colleague at the same moment) is
    that draft, refused with code "already": decided under the case's row lock."""
    _require_verify_fact(case)
    if not text.strip():
        raise ValidationError(_("Write the correction."))
    FollowUp.objects.select_for_update().filter(pk=case.pk).values_list("pk").get()
    waiting = case.replies.filter(text=text.strip(), approved_at__isnull=True).first()
    if waiting is not None:
        raise _already(
            _("This correction was already drafted by %(name)s on %(when)s."), waiting, "drafted"
        )
    reply = PublicReply.objects.create(
        followup=case, text=text.strip(), drafted_by=user, drafted_at=timezone.now()
    )
    notifications.reply_drafted_queue(reply=reply)
    return reply


def _already(message: str, reply: PublicReply, step: str) -> ValidationError:
    """A step of a public reply someone already took (a second click, a colleague): who
    and when, code "already" (the page says it as information, not as an error)."""
    who = getattr(reply, f"{step}_by")
    when = date_format(timezone.localtime(getattr(reply, f"{step}_at")), "j F Y H:i")
    name = (who.full_name or who.email) if who is not None else "?"
    return ValidationError(message % {"name": name, "when": when}, code="already")


def _lock_reply(reply: PublicReply) -> None:
    """`reply` read again as stored, its row locked: two directors approving at once (or
    two clicks) record the first one, and the second is told so."""
    PublicReply.objects.select_for_update().filter(pk=reply.pk).values_list("pk").get()
    reply.refresh_from_db()


@transaction.atomic
def public_reply_approve(*, reply: PublicReply, user) -> PublicReply:
    _require_verify_fact(reply.followup)
    if not is_director_of(user, reply.followup.school):
        raise ValidationError(
            _(
                "Only the school's director can approve a public reply "
                "(the board, when the school has no director)."
            )
        )
    _lock_reply(reply)
    if reply.is_approved:
        raise _already(
            _("This reply was already approved by %(name)s on %(when)s."), reply, "approved"
        )
    reply.approved_by, reply.approved_at = user, timezone.now()
    reply.save(update_fields=["approved_by", "approved_at"])
    return reply


@transaction.atomic
def public_reply_record_posted(*, reply: PublicReply, user, posted_url: str = "") -> PublicReply:
    _require_verify_fact(reply.followup)  # the claim may have been dismissed since approval
    _lock_reply(reply)
    if not reply.is_approved:
        raise ValidationError(_("A reply can only be posted after the director approved it."))
    if reply.is_posted:
        raise _already(
            _("The posting of this reply was already recorded by %(name)s on %(when)s."),
            reply,
            "posted",
        )
    reply.posted_by, reply.posted_at, reply.posted_url = user, timezone.now(), posted_url
    reply.save(update_fields=["posted_by", "posted_at", "posted_url"])
    return reply


# --- Retention ---------------------------------------------------------------------------


def _remember_deleted(posts, now: datetime.datetime) -> None:
    """ForgottenPost marks for these posts of fetched sources (a staff report is not
    fetched again), so a source that still carries one does not bring it back."""
    fetched = posts.exclude(source__kind=Source.Kind.MANUAL).values_list(
        "source_id", "external_id", "content_hash"
    )
    ForgottenPost.objects.bulk_create(
        (
            ForgottenPost(
                source_id=source_id,
                key=forgotten_key(external_id),
                content_hash=digest,
                seen_at=now,
            )
            for source_id, external_id, digest in fetched.iterator(chunk_size=2000)
        ),
        ignore_conflicts=True,
        batch_size=1000,
    )


@dataclass(frozen=True)
class RetentionResult:
    unflagged_deleted: int
    flagged_deleted: int
    case_notes_erased: int


POST_RETENTION_BATCH_SIZE = 1000  # posts per DELETE: short transactions, no long locks


def _posts_delete_in_batches(posts, now: datetime.datetime) -> int:
    """Delete `posts` (a query, read again per batch) by primary key, a batch per
    transaction, loading ids only (the collector then deletes the mentions and empties the
    flags' link with one statement each). Returns the posts deleted."""
    deleted, last = 0, 0
    while True:
        ids = list(
            posts.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:POST_RETENTION_BATCH_SIZE]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            batch = Post.objects.filter(pk__in=ids)
            _remember_deleted(batch, now)
            _learned_flags_forget_words(ids)
            deleted += batch.only("pk").delete()[1].get("monitoring.Post", 0)
        if len(ids) < POST_RETENTION_BATCH_SIZE:
            return deleted
        last = ids[-1]


def _learned_flags_forget_words(post_ids: list[int]) -> None:
    """A learned flag's matched terms are the words of its own post that weighed most (a
    name the register does not know, say): they go with the post, and the flag keeps only
    which model version raised it. Rule flags keep theirs (the lexicon's terms, and the
    register's token without a name). One query, and one more when a learned flag is
    among them."""
    learned = list(
        Flag.objects.filter(post_id__in=post_ids, matched__0__startswith=LEARNED_PREFIX).only(
            "pk", "matched"
        )
    )
    for flag in learned:
        flag.matched = flag.matched[:1]
    if learned:
        Flag.objects.bulk_update(learned, ["matched"])


def _learned_model_retrain() -> None:
    """Only a flagged post can carry a staff label: the learned model forgets its words now,
    not at the next nightly training (which ran before retention and would keep them a day)."""
    from monitoring.learning import learned_model_retrain_after_deletion

    learned_model_retrain_after_deletion()


# What retention leaves of the earlier conversations of a case whose first was held on a
# day not recorded: one entry without dates (FollowUp.first_held reads no day from it).
FIRST_DAY_UNKNOWN = [{"held": None, "planned": None}]


def posts_apply_retention(*, now: datetime.datetime | None = None) -> RetentionResult:
    """Unflagged posts go after 30 days; flagged ones a set time after their case closed,
    and so do the notes of that case and its reason for no action (they may name a pupil
    or a parent), and its earlier conversations' dates (in the notes until 2026-12-07,
    erased with them).

    Flags and cases stay (without the post and notes) so reports keep their counts. When
    flagged posts went, a stored learned model is retrained from the labelled posts left.
    """
    now = now or timezone.now()
    unflagged_days = _setting("MONITORING_UNFLAGGED_RETENTION_DAYS", 30)
    flagged_days = _setting("MONITORING_FLAGGED_RETENTION_DAYS", 180)
    unflagged = Post.objects.filter(
        fetched_at__lt=now - datetime.timedelta(days=unflagged_days), flags__isnull=True
    )
    unflagged_count = _posts_delete_in_batches(unflagged, now)
    # A flagged post may go once none of its flags still belongs to a case that is open or
    # closed too recently. Flags without a case (positive mentions, or dismissed flags)
    # count from the day they were last raised (an edit with new evidence raises one again:
    # counted from its first day, a post on the dashboard as new went the next night).
    cutoff = now - datetime.timedelta(days=flagged_days)
    keep = Post.objects.filter(
        Q(flags__followup__closed_at__isnull=True, flags__followup__isnull=False)
        | Q(flags__followup__closed_at__gte=cutoff)
        | Q(flags__followup__isnull=True, flags__raised_at__gte=cutoff)
    )
    flagged = Post.objects.filter(Exists(Flag.objects.filter(post=OuterRef("pk")))).exclude(
        pk__in=keep
    )
    flagged_count = _posts_delete_in_batches(flagged, now)
    # a deleted post's mark goes once its source has not returned it for as long as an
    # unflagged post is kept: it left the feed (a later return is a post again)
    ForgottenPost.objects.filter(seen_at__lt=now - datetime.timedelta(days=unflagged_days)).delete()
    # The first conversation's day stays (FollowUp.first_held_on, what the reports count):
    # it is read from the conversations in the same query, before the earlier ones go (an
    # UPDATE's values read the row as it was), so also where a process of the release
    # before it left it empty or a correction of it undone (a rolling deploy). A case whose
    # earlier conversations go is marked so (FollowUp.earlier_conversations_erased): from
    # then on the reports read the kept day, not the held date left, a later
    # conversation's (until 2026-12-07 a case whose later conversation was held, or
    # corrected to, the first one's day read as having one, and a correction of that date
    # after a reopening moved the first conversation's day).
    # A first conversation held on a day not recorded ("?", migration 0027) has no day to
    # keep: its entry stays, without its dates, so the reports go on leaving the case out
    # (until 2026-12-07 they then read the held date, the last conversation's).
    unknown_first = Q(IsNull(FollowUp.first_held(), True)) & ~Q(earlier_conversations=[])
    erased = Q(earlier_conversations=[]) | Q(earlier_conversations=FIRST_DAY_UNKNOWN)
    notes_count = (
        FollowUp.objects.filter(closed_at__lt=cutoff)
        .exclude(Q(notes="", no_action_reasons=[]) & erased)
        .update(
            notes="",
            no_action_reasons=[],
            earlier_conversations=Case(
                When(unknown_first, then=Value(FIRST_DAY_UNKNOWN, JSONField())),
                default=Value([], JSONField()),
            ),
            first_held_on=FollowUp.first_held(),
            earlier_conversations_erased=Case(
                When(
                    unknown_first | Q(earlier_conversations=[]),
                    then=F("earlier_conversations_erased"),
                ),
                default=Value(True),
            ),
        )
    )
    log.info(
        "monitoring retention: %s unflagged, %s flagged posts deleted, %s case notes erased",
        unflagged_count,
        flagged_count,
        notes_count,
    )
    if flagged_count:  # last: a training that fails leaves the erasures above done
        _learned_model_retrain()
    return RetentionResult(unflagged_count, flagged_count, notes_count)
