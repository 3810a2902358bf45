"""Monitoring: where public posts come from, what was fetched, what needs a conversation."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Least, Lower
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import School

# Categories a flag can carry; the classifier decides, these label them for people.
CATEGORY_LABELS = {
    "negative_experience": _("negative experience"),
    "insult": _("insult or threat"),
    "privacy": _("privacy of a pupil"),
    "verify_fact": _("factual claim to verify"),
    "positive": _("positive mention"),
}
# A positive mention is counted in reports but never opens a follow-up case.
CASE_CATEGORIES = ("negative_experience", "insult", "privacy", "verify_fact")
# A learned-layer flag's matched terms: "learned:v<version>", then the words that weighed most.
LEARNED_PREFIX = "learned:"
# The classifier's own evidence tokens (monitoring.classify.rules) as people read them;
# "register:pupil:<school code>" is a pupil of the register named (the name never is).
EVIDENCE_WORDS = {
    "media:children": _("photos or video of children"),
    "media:pupil": _("photos or video with a pupil"),
    "link:media": _("a link to photos or video of children"),
    "sarcasm": _("sarcasm"),
}
REGISTER_PUPIL_PREFIX = "register:pupil:"


def evidence_in_words(term) -> str:
    """A matched term as shown on a page: an evidence token in words, a word as it is."""
    term = str(term)
    if term.startswith(REGISTER_PUPIL_PREFIX):
        return str(_("the name of a pupil of the school"))
    words = EVIDENCE_WORDS.get(term)
    return term if words is None else str(words)


# What the dashboard lists as needing attention; partial indexes below use the same test.
OPEN_FLAG = Q(dismissed_as_false_positive=False) & ~Q(category="positive")


# A source a person should look at: active, and failing or marked (the homes' "sources
# failing"). Its partial index keeps that read small however many sources there are.
SOURCE_FAILING = Q(active=True) & (Q(needs_attention=True) | Q(consecutive_failures__gt=0))


class Source(models.Model):
    class Kind(models.TextChoices):
        RSS = "rss", _("RSS or Atom feed")
        MASTODON = "mastodon", _("Mastodon hashtag")
        BLUESKY = "bluesky", _("Bluesky")
        MANUAL = "manual", _("manual reports")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="monitoring_sources",
        help_text=_("Posts of this source concern this school even when they do not name it."),
        verbose_name=_("school"),
    )
    interval_minutes = models.PositiveIntegerField(_("interval in minutes"), default=30)
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True)
    # When the dispatcher queued a fetch that has not started yet: a fetch queued long ago
    # and never started was lost with the broker and is queued again (services.sources_dispatch).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    etag = models.CharField(_("etag"), max_length=500, blank=True)
    last_modified = models.CharField(_("last modified"), max_length=100, blank=True)
    cursor = models.CharField(_("cursor"), max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    failure_notified_at = models.DateTimeField(_("failure notified at"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The claim: one fetch at a time per source (see services.source_claim).
    claim_token = models.CharField(_("claim token"), max_length=200, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "url"], condition=~Q(kind="manual"), name="unique_source_url"
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(kind="manual"), name="one_manual_source_per_school"
            ),
            models.CheckConstraint(
                condition=Q(kind="manual") | ~Q(url=""), name="fetched_sources_have_url"
            ),
        ]
        indexes = [
            models.Index(
                F("consecutive_failures").desc(),
                "name",
                condition=SOURCE_FAILING,
                name="source_failing",
            )
        ]

    def __str__(self) -> str:
        return self.name


def validate_watch_term_length(term: str) -> None:
    """WatchTerm.is_too_short refused, in every form that stores a term (the board's
    watch terms page and the admin, through the model's field)."""
    if WatchTerm.is_too_short(term):
        raise ValidationError(
            _(
                "A term has at least %(n)d characters (without # or @): a shorter one is "
                "part of nearly every post."
            ),
            code="too_short",
            params={"n": WatchTerm.MIN_LENGTH},
        )


class WatchTerm(models.Model):
    """An extra name, hashtag or handle people use for a school (besides School.aliases)."""

    # A term becomes one of the school's names (aliases): "a" or "ob" ties posts that
    # merely contain such a word to the school.
    MIN_LENGTH = 3

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="watch_terms", verbose_name=_("school")
    )
    term = models.CharField(_("term"), max_length=100, validators=[validate_watch_term_length])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch term")
        verbose_name_plural = _("watch terms")
        ordering = ["school__name", "term"]
        constraints = [
            # Case-insensitive, as the form compares: "Feestweek" and "feestweek" added by two
            # colleagues at the same moment are one term.
            models.UniqueConstraint(
                Lower("term"),
                "school",
                name="unique_watch_term_per_school_any_case",
                violation_error_message=_("This school already has this term."),
            )
        ]

    def __str__(self) -> str:
        return self.term

    @classmethod
    def is_too_short(cls, term: str) -> bool:
        """Shorter than MIN_LENGTH without # or @, its spaces as one: the forms refuse
        such a term (validate_watch_term_length; the admin took any until 2026-12-07) and
        monitoring leaves one stored before out (migration 0028 left "ab" of "ab" + U+202E)."""
        return len(" ".join(term.split()).lstrip("#@")) < cls.MIN_LENGTH

    @property
    def too_short(self) -> bool:
        return self.is_too_short(self.term)


class FetchRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        NOT_MODIFIED = "not_modified", _("not modified")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="runs", verbose_name=_("source")
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    new_count = models.PositiveIntegerField(_("new posts"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    updated_count = models.PositiveIntegerField(_("edited posts"), default=0)
    left_out_count = models.PositiveIntegerField(_("older posts left out"), default=0)
    long_links_count = models.PositiveIntegerField(_("links too long, left out"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("fetch run")
        verbose_name_plural = _("fetch runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        started = timezone.localtime(self.started_at, timezone.get_default_timezone())
        return f"{self.source_id} {started:%Y-%m-%d %H:%M} {self.status}"


def content_hash(text: str, has_media: bool) -> str:
    return hashlib.sha256(f"{int(has_media)}:{text}".encode()).hexdigest()


class Post(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="posts", verbose_name=_("source")
    )
    external_id = models.CharField(_("external id"), max_length=500)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    author_handle = models.CharField(_("author"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    has_media = models.BooleanField(_("has photos or video"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    fetched_at = models.DateTimeField(_("fetched at"))
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    # When a fetch last found the text changed (same id, new text: an author's edit). Pages
    # say so: the text shown is the current one, a flag may concern an earlier version.
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-fetched_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="unique_post_per_source")
        ]
        indexes = [models.Index(fields=["fetched_at"])]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_id}"


def forgotten_key(external_id: str) -> str:
    return hashlib.sha256(external_id.encode()).hexdigest()


class ForgottenPost(models.Model):
    """A post retention deleted, known by a hash of its id only: a fetch that still finds
    it in its source (a quiet feed keeps an item for months; Mastodon and Bluesky read
    their newest page again) does not store it again as new, unless its author edited it
    since into a post that names a school (services.posts_store). Kept while the source
    still returns it, and 30 days after (services.posts_apply_retention)."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="+", verbose_name=_("source")
    )
    key = models.CharField(_("hash of the external id"), max_length=64)
    # Post.content_hash of the version last seen ("" for marks made before it was kept: the
    # version the next fetch finds is taken as the one deleted)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    seen_at = models.DateTimeField(_("last seen at"))

    class Meta:
        verbose_name = _("deleted post")
        verbose_name_plural = _("deleted posts")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="unique_forgotten_post")
        ]
        indexes = [models.Index(fields=["seen_at"])]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.key[:12]}"


def _least(*days):
    """The earliest of these dates that are not NULL, NULL when none is: LEAST of each
    rotation's COALESCE, as SQLite's MIN() of several is NULL when one of them is."""
    rotations = [Coalesce(*days[i:], *days[:i]) for i in range(len(days))]
    return Least(*rotations, output_field=models.DateField())


class FollowUp(models.Model):
    """A case: talk about it in real life (protocol PROFILEREN 3)."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        CONVERSATION_PLANNED = "conversation_planned", _("conversation planned")
        CONVERSATION_HELD = "conversation_held", _("conversation held")
        CLOSED = "closed", _("closed")
        NO_ACTION = "no_action", _("no action needed")

    class Priority(models.IntegerChoices):
        URGENT = 0, _("urgent")
        NORMAL = 1, _("normal")

    OPEN_STATUSES = (Status.NEW, Status.CONVERSATION_PLANNED, Status.CONVERSATION_HELD)
    FINISHED_STATUSES = (Status.CLOSED, Status.NO_ACTION)
    # Which status may follow which. A finished case can be reopened where it was: a closed
    # one after its conversation (its dates stand), "no action" before any conversation.
    # After a conversation another can be planned (a reopened case): the earlier dates go
    # into earlier_conversations (services.followup_update).
    # Still waiting for someone to act: "new" (nobody assigned, or no conversation planned
    # or held yet), or at "conversation held" with nothing done since it was reopened from
    # "closed" or an urgent post came in (reopened_at).
    UNTOUCHED = Q(status=Status.NEW) | Q(status=Status.CONVERSATION_HELD, reopened_at__isnull=False)
    TRANSITIONS = {
        Status.NEW: {Status.CONVERSATION_PLANNED, Status.CONVERSATION_HELD, Status.NO_ACTION},
        Status.CONVERSATION_PLANNED: {Status.CONVERSATION_HELD, Status.NO_ACTION},
        Status.CONVERSATION_HELD: {Status.CLOSED, Status.CONVERSATION_PLANNED},
        Status.CLOSED: {Status.CONVERSATION_HELD},
        Status.NO_ACTION: {Status.NEW, Status.CONVERSATION_PLANNED},
    }

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="followups", verbose_name=_("school")
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default="new")
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="monitoring_cases",
        verbose_name=_("assigned to"),
    )
    notes = models.TextField(_("notes"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    planned_for = models.DateField(_("conversation planned for"), null=True, blank=True)
    held_on = models.DateField(_("conversation held on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    urgent_notified_at = models.DateTimeField(_("urgent notified at"), null=True, blank=True)
    # When the board was e-mailed that the urgent case waited MONITORING_URGENT_STALE_DAYS
    # after that notice with nobody acting on it (notifications.urgent_stale_escalate):
    # once per notice, so a case reopened (a new urgent_notified_at) can be told again.
    urgent_escalated_at = models.DateTimeField(
        _("escalated to the board at"), null=True, blank=True, editable=False
    )
    # When the case was last reopened, while nobody has moved it on since: planned a
    # conversation, recorded one held (a held date typed anew), closed it (cleared by
    # services.followup_update). A case reopened from "closed" stands at "conversation
    # held", its earlier conversation's dates kept: without this the urgent sweep could not
    # tell it from one whose conversation was held after the urgent notice (UNTOUCHED).
    # Also set, under the same name (a rename is a migration for no gain), when an urgent
    # post comes into an open case at "conversation held" (services.CaseFinder.open_or_join):
    # its conversation was held before the post, so it waits as a reopened case does; the
    # label says what both mean.
    reopened_at = models.DateTimeField(
        _("waiting for action again since"), null=True, blank=True, editable=False
    )
    # Closed as "no action" by someone who does not answer for the school (a teacher who
    # has the case) while nobody did: its director, or a board member, is told once one is
    # named (services.followups_no_action_reach).
    no_action_untold = models.BooleanField(_("no action not told yet"), default=False)
    # Why it needed no action, one entry per such closing: {"name": who gave the reason,
    # "day": ISO date, "reason": their words} (services.followup_update), worded on the
    # case page in the reader's language. Kept apart from the notes, which their writer
    # edits: the form never changes it, a reopening keeps it. Retention erases it with the
    # notes. {"line": text} is a stored Dutch line migration 0026 could not read.
    no_action_reasons = models.JSONField(
        _("reasons for no action"), default=list, db_default=[], blank=True, editable=False
    )
    # The conversations held before the one of planned_for/held_on, oldest first: {"held":
    # ISO date or None, "planned": ISO date or None} (services.followup_update: a case has
    # one planned and one held date, and another conversation can be planned after one was
    # held), worded on the case page in the reader's language. The form never changes it;
    # retention erases it with the notes (the first conversation's day stays in
    # first_held_on, which the reports read from then on: earlier_conversations_erased).
    earlier_conversations = models.JSONField(
        _("earlier conversations"), default=list, db_default=[], blank=True, editable=False
    )
    # The day the case's first conversation was held, a bare date: the reports count the
    # case in that month, its wait from the flag to that day (reports.school_report). Set
    # from the case's conversations whenever one is recorded, corrected or planned
    # (services.followup_update, FollowUp.first_held_read), and kept through retention,
    # which erases earlier_conversations: a past month's report reads the same after it.
    # None while none was held, and when the first was held on a day not recorded (a "?"
    # read from the notes by migration 0027); also where a process of the release before
    # it recorded the conversation (a rolling deploy): FollowUp.first_held reads those, and
    # retention fills them.
    first_held_on = models.DateField(
        _("first conversation held on"), null=True, blank=True, editable=False
    )
    # Retention emptied the case's earlier conversations (services.posts_apply_retention):
    # its first conversation's day is then the one kept in first_held_on, not read from
    # the conversations left (a reopened case's held date is a later conversation's, also
    # when it was held the same day as the first). Set by migration 0032 for the cases
    # emptied before it.
    earlier_conversations_erased = models.BooleanField(
        _("earlier conversations erased"), default=False, db_default=False, editable=False
    )
    # Hashed word shingles of the first post: near-duplicates join this case without
    # keeping post text on the case.
    shingles = models.JSONField(_("shingles"), default=list, blank=True)

    class Meta:
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        ordering = ["priority", "-opened_at"]
        indexes = [
            models.Index(fields=["school", "status"]),
            # The dashboard's open cases, most urgent and newest first.
            models.Index(
                "priority",
                F("opened_at").desc(),
                name="followup_open_order",
                condition=Q(status__in=["new", "conversation_planned", "conversation_held"]),
            ),
            # The board home's cases that need someone to act, urgent and oldest first: a
            # read that stops after the page's rows (accounts.board.cases_needing_attention).
            models.Index(
                "priority",
                "opened_at",
                "id",
                name="followup_open_oldest",
                condition=Q(status__in=["new", "conversation_planned", "conversation_held"]),
            ),
            # the few cases whose "no action" waits for someone to be told, read on every
            # membership save
            models.Index(
                fields=["id"], condition=Q(no_action_untold=True), name="followup_no_action_untold"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["closed", "no_action"]) | Q(closed_at__isnull=True),
                name="only_finished_cases_have_closed_at",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_urgent(self) -> bool:
        return self.priority == self.Priority.URGENT

    @property
    def untouched(self) -> bool:
        """UNTOUCHED, of this row."""
        if self.status == self.Status.CONVERSATION_HELD:
            return self.reopened_at is not None
        return self.status == self.Status.NEW

    @property
    def escalated(self) -> bool:
        """The board was e-mailed that this urgent case waited for action after its
        (latest) urgent notice, and it still waits (untouched): no conversation planned or
        held (since it was reopened, or an urgent post came into it)."""
        return (
            self.untouched
            and self.urgent_notified_at is not None
            and self.urgent_escalated_at is not None
            and self.urgent_escalated_at >= self.urgent_notified_at
        )

    @staticmethod
    def overdue_on(status: str, planned_for: datetime.date | None, today: datetime.date) -> bool:
        """Still planned for a day before `today`: the conversation was not recorded as
        held (nor the case finished) when its day passed. A day left from an earlier plan
        (a case held, or reopened) is not overdue. For rows that are not a FollowUp (the
        dashboard's selectors.CaseRow) and lists that ask for today once."""
        return (
            status == FollowUp.Status.CONVERSATION_PLANNED
            and planned_for is not None
            and planned_for < today
        )

    @property
    def conversation_overdue(self) -> bool:
        """overdue_on today at the schools (services.school_date: their days, whatever
        time zone is active)."""
        today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
        return self.overdue_on(self.status, self.planned_for, today)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def no_action_reasons_given(self) -> list[dict]:
        """no_action_reasons with each day as a date, for the case page."""
        return [
            {**given, "day": datetime.date.fromisoformat(given["day"])} if "day" in given else given
            for given in self.no_action_reasons
        ]

    @staticmethod
    def first_held() -> Case:
        """The day of the case's first conversation, as an expression of the same query
        (the reports, and retention before it empties earlier_conversations); what
        first_held_read reads of a case in Python. While the conversations are all there,
        the earliest held: the oldest earlier one's, else the held date (a later
        conversation corrected to a day before it counts from that day); the kept
        first_held_on is not read then, so a correction a process of the release before
        it made during a rolling deploy (which changed held_on only) counts, as does a
        conversation such a process recorded without it. None when the first was held on
        a day not recorded ("?"). Once retention emptied the earlier conversations, the
        kept day, unless a conversation recorded since is earlier."""
        earliest = Cast(KT("earlier_conversations__0__held"), models.DateField())
        held = F("held_on")
        kept = _least(F("first_held_on"), earliest, held)
        unknown = ~Q(earlier_conversations=[]) & Q(IsNull(earliest, True))
        return Case(
            When(earlier_conversations_erased=True, then=kept),
            When(unknown, then=Value(None)),
            default=_least(earliest, held),
            output_field=models.DateField(),
        )

    def first_held_read(self) -> datetime.date | None:
        """FollowUp.first_held of this case as it stands (services.followup_update keeps
        first_held_on so)."""
        earlier = self.earlier_conversations[0].get("held") if self.earlier_conversations else None
        earliest = datetime.date.fromisoformat(earlier) if earlier else None
        days: tuple[datetime.date | None, ...]
        if self.earlier_conversations_erased:
            days = (self.first_held_on, earliest, self.held_on)
        elif self.earlier_conversations and earliest is None:
            return None
        else:
            days = (earliest, self.held_on)
        return min((day for day in days if day is not None), default=None)

    def earlier_conversations_held(self) -> list[dict]:
        """earlier_conversations with their days as dates (None where unknown), for the
        case page."""
        return [
            {key: day and datetime.date.fromisoformat(day) for key, day in earlier.items()}
            for earlier in self.earlier_conversations
        ]

    def version_token(self) -> str:
        """What a case form was read with: the token changes with anything the form
        changes, so a form read before someone else saved the case is recognised."""
        state = (
            self.status,
            self.assigned_to_id,
            self.planned_for,
            self.held_on,
            self.notes,
            self.closed_at,
        )
        return hashlib.sha256(repr(state).encode()).hexdigest()[:20]


class Flag(models.Model):
    # A flag outlives its post: retention deletes the post (and its text), the anonymous
    # count stays for reports.
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("post"),
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="flags", verbose_name=_("school")
    )
    category = models.CharField(_("category"), max_length=30)
    score = models.FloatField(_("score"))
    matched = models.JSONField(_("matched terms"), default=list)
    rule_version = models.CharField(_("rule version"), max_length=40)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("flagged at"))
    # When it last became a signal: created_at, or when a dismissed flag was raised again
    # (an edit with new terms, a mark by hand). The dashboard's recent flags go by it, so a
    # flag raised again is recent; created_at keeps the first time (reports count by it).
    raised_at = models.DateTimeField(_("raised at"))
    followup = models.ForeignKey(
        FollowUp,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("follow-up case"),
    )
    dismissed_as_false_positive = models.BooleanField(_("false positive"), default=False)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    # A flag a staff member set by hand ("dit is een klacht"): labelled data for the
    # learned layer, with who and when.
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-urgent", "-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "school", "category"], name="one_flag_per_post_school_category"
            )
        ]
        indexes = [
            models.Index(fields=["school", "created_at"]),
            # The dashboard's recent flags: open (not dismissed), not positive, newest and
            # urgent first; for all schools and per school (see bench/ and test_indexes).
            models.Index(
                F("urgent").desc(),
                F("raised_at").desc(),
                name="flag_open_recent",
                condition=OPEN_FLAG,
            ),
            models.Index(
                "school",
                F("urgent").desc(),
                F("raised_at").desc(),
                name="flag_open_recent_school",
                condition=OPEN_FLAG,
            ),
            # The dashboard's open cases count and name their flags (CASE_ROWS_SQL): one
            # index-only read a case instead of two reads of the table (bench/PASSES.md).
            models.Index(
                "followup",
                name="flag_case_open",
                include=["category"],
                condition=Q(dismissed_as_false_positive=False, followup__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.school_id})"

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))

    def version_token(self) -> str:
        """What a dismiss button was shown with: it changes when the flag is raised again
        (an edit with new terms, a mark by hand after a dismissal) or marked by hand, so a
        button from an older page is recognised (services.flag_dismiss)."""
        marked = self.marked_at.isoformat() if self.marked_at else ""
        return f"{self.raised_at.isoformat()}|{marked}"

    @property
    def raised_again(self) -> bool:
        """Dismissed once and a signal again since (raised_at is then later)."""
        return self.raised_at is not None and self.raised_at > self.created_at

    @property
    def is_learned(self) -> bool:
        """Raised by the learned layer (it resembles earlier labelled posts), not a rule."""
        return bool(self.matched) and str(self.matched[0]).startswith(LEARNED_PREFIX)

    @property
    def learned_words(self) -> list[str]:
        return list(self.matched[1:]) if self.is_learned else []

    @property
    def matched_in_words(self) -> list[str]:
        """The matched terms of a rule as shown to staff (evidence_in_words)."""
        return [evidence_in_words(term) for term in self.matched]


class Mention(models.Model):
    """A post names a school: every such post is on the school's "Vermeldingen" list,
    flagged or not."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("post")
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("school")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["post", "school"], name="one_mention_per_post_school")
        ]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.school_id}"


class LearnedModel(models.Model):
    """One trained version of the classifier's learned layer, with its evaluation.

    `parameters` holds everything needed to predict (vocabulary, weights, thresholds), as
    JSON: nothing is unpickled, nothing is fetched.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained at"))
    training_digest = models.CharField(_("training digest"), max_length=64)
    examples = models.JSONField(_("training examples"), default=dict)
    evaluation = models.JSONField(_("evaluation"), default=dict)
    parameters = models.JSONField(_("parameters"), default=dict)

    class Meta:
        verbose_name = _("learned model")
        verbose_name_plural = _("learned models")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class PublicReply(models.Model):
    """The only online answer the protocol allows: a correction of an inaccuracy."""

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="replies", verbose_name=_("follow-up case")
    )
    text = models.TextField(_("reply text"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    posted_url = models.URLField(_("address of the posted reply"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("public reply")
        verbose_name_plural = _("public replies")
        ordering = ["drafted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(posted_at__isnull=True) | Q(approved_at__isnull=False),
                name="reply_posted_only_after_approval",
            )
        ]

    def __str__(self) -> str:
        return f"reply {self.pk} on case {self.followup_id}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def is_posted(self) -> bool:
        return self.posted_at is not None
