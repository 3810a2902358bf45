"""Consent: purposes (channels) with versioned text, append-only decisions, and the
evidence teachers store before publishing.

Effective consent is computed in `consent.rules`, never stored: the events are the truth.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What a fan-out's "queued at" field says (PurposeVersion, ReviewRound; policy.Release too)
QUEUED_HELP = _(
    "When one e-mail per recipient was queued in the outbox, not when they were delivered: "
    "each is sent, retried or given up by its own duty."
)


class MediaType(models.TextChoices):
    PHOTO = "photo", pgettext_lazy("media type", "photo")
    VIDEO = "video", pgettext_lazy("media type", "video")
    AUDIO = "audio", pgettext_lazy("media type", "audio")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Purpose(models.Model):
    """A channel the school publishes on; parents decide per purpose and media type."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name


class PurposeVersion(models.Model):
    """One published text of a purpose. Number 1 is the first text; versions are never edited.

    A correction keeps earlier answers valid; a change of meaning makes them stop counting.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction (answers stay valid)")
        CHANGE_OF_MEANING = "change_of_meaning", _("change of meaning (ask parents again)")

    purpose = models.ForeignKey(
        Purpose, on_delete=models.PROTECT, related_name="versions", verbose_name=_("purpose")
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text shown to parents"))
    text_hash = models.CharField(_("text hash (SHA-256)"), max_length=64, editable=False)
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Set when the fan-out queued one duty per parent, not on delivery: each e-mail is
    # delivered (or not) by its own outbox duty.
    parents_emailed_at = models.DateTimeField(
        _("e-mails to parents queued at"),
        null=True,
        blank=True,
        editable=False,
        help_text=QUEUED_HELP,
    )

    class Meta:
        verbose_name = _("purpose version")
        verbose_name_plural = _("purpose versions")
        ordering = ["purpose", "number"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "number"], name="unique_purpose_version"),
            models.CheckConstraint(condition=Q(number__gte=1), name="purpose_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose_id} v{self.number}"

    def kind_label(self) -> str:
        """What the board reads: version 1 is stored as a change of meaning (answers start
        there) but asked nobody *again*."""
        return str(_("first text")) if self.number == 1 else self.get_kind_display()

    def has_text(self, text: str) -> bool:
        """The same text whatever its line endings: a browser sends a textarea with \r\n,
        and an older version may be stored with them (kept as is: its hash is evidence)."""
        return normalize_newlines(self.text) == normalize_newlines(text)


class ConsentEventQuerySet(models.QuerySet):
    """Events are append-only; bulk changes are refused here as well as in the database."""

    def update(self, **kwargs):
        raise AppendOnlyError(_("Consent events cannot be changed."))

    def delete(self):
        raise AppendOnlyError(_("Consent events cannot be deleted."))


class AppendOnlyError(Exception):
    pass


class ConsentEvent(models.Model):
    """One decision by one guardian (with gezag) for one pupil, purpose and media type.

    Never updated, never deleted: on PostgreSQL a trigger refuses UPDATE and DELETE
    (migration 0003); here the model and the admin refuse too. Foreign keys PROTECT,
    because SET_NULL or CASCADE would be an UPDATE or DELETE of an event.
    """

    class Method(models.TextChoices):
        PORTAL = "portal", _("portal")
        PAPER = "paper", _("paper form")
        PHONE = "phone", _("phone")

    pupil = models.ForeignKey(
        "schools.Pupil",
        on_delete=models.PROTECT,
        related_name="consent_events",
        verbose_name=_("pupil"),
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consent_decisions",
        verbose_name=_("guardian"),
    )
    purpose = models.ForeignKey(
        Purpose, on_delete=models.PROTECT, related_name="events", verbose_name=_("purpose")
    )
    purpose_version = models.ForeignKey(
        PurposeVersion,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("purpose version"),
    )
    text_hash = models.CharField(_("hash of the text shown"), max_length=64)
    media_type = models.CharField(_("media type"), max_length=10, choices=MediaType.choices)
    granted = models.BooleanField(_("granted"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_events_recorded",
        verbose_name=_("recorded by (staff)"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["pupil", "purpose"], name="consent_event_pupil_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(method="portal", recorded_by__isnull=True)
                    | (Q(method__in=["paper", "phone"]) & Q(recorded_by__isnull=False))
                ),
                name="consent_event_staff_names_method",
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("Consent events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("Consent events cannot be deleted."))


class Appearance(models.TextChoices):
    """How a checked pupil is in what gets published. Only appearing pupils count."""

    APPEARS = "appears", _("appears")
    UNRECOGNISABLE = "unrecognisable", _("made unrecognisable")
    LEFT_OUT = "left_out", _("left out")


class PublicationCheck(models.Model):
    """Evidence: a teacher checked these pupils for this channel and media before posting.

    `allowed` is the verdict about the pupils who appear (`CheckedPupil` rows, one per
    pupil). `results` keeps the same per pupil as a list of {"pupil": id, "state": shown
    state, "allowed": bool, "appearance": ...}; the state of a safeguarded pupil is stored
    as "not_allowed", never the reason. A teacher who blurs or leaves out refused pupils
    makes a new check that `replaces` this one: both stay as evidence, and only a check
    that was not replaced counts for takedowns.
    """

    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="publication_checks",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("checked at"), default=timezone.now, db_index=True)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="publication_checks",
        verbose_name=_("school"),
    )
    purpose = models.ForeignKey(
        Purpose, on_delete=models.PROTECT, related_name="checks", verbose_name=_("purpose")
    )
    purpose_version = models.ForeignKey(
        PurposeVersion,
        on_delete=models.PROTECT,
        related_name="checks",
        verbose_name=_("purpose version"),
    )
    media_type = models.CharField(_("media type"), max_length=10, choices=MediaType.choices)
    pupils = models.ManyToManyField(
        "schools.Pupil", related_name="publication_checks", verbose_name=_("pupils in view")
    )
    allowed = models.BooleanField(_("may be published"))
    results = models.JSONField(_("result per pupil"), default=list)
    note = models.CharField(_("what is being published"), max_length=200, blank=True)
    # The teacher's free text may name a pupil: retention empties it (services
    # check_notes_erase_*) and records the day, so pages can say why it is gone.
    note_erased_on = models.DateField(_("note erased on"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces the check"),
    )
    # An adjusted check (it `replaces` another): when the publication was first checked,
    # the time its takedown e-mail and cards name with this one's (an open takedown
    # follows the post here, services._open_takedowns_follow). Empty for a first check.
    first_checked_at = models.DateTimeField(
        _("first checked at"), null=True, blank=True, editable=False
    )
    # The check form's one-time token: the same form sent twice (a double click, Back and
    # send again) is this check, not a second publication (services.publication_check_create)
    form_token = models.CharField(_("form token"), max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("publication check")
        verbose_name_plural = _("publication checks")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Retention's daily look for notes past the term reads only the notes left.
            models.Index(fields=["created_at"], condition=~Q(note=""), name="check_note_kept"),
        ]

    def __str__(self) -> str:
        return f"check {self.pk}"

    @property
    def adjusted_again(self) -> bool:
        """Whether the check it replaces was an adjustment too: the post was adjusted more
        than once, and this check's time is its last adjustment (a takedown e-mail sent in
        between named an earlier one). Reads `replaces`: select it with the check."""
        replaced = self.replaces if self.replaces_id is not None else None
        return replaced is not None and replaced.first_checked_at is not None


class CheckedPupilQuerySet(models.QuerySet):
    def still_published(self):
        """Pupils who appear in a check not replaced by a newer one and have no takedown
        task for it that still stands (`TakedownTaskQuerySet.standing`): what a "no" for
        that channel and media would take down."""
        takedown = TakedownTask.objects.standing().filter(
            publication_check_id=models.OuterRef("publication_check_id"),
            pupil_id=models.OuterRef("pupil_id"),
        )
        return self.filter(
            appearance=Appearance.APPEARS, publication_check__replaced_by__isnull=True
        ).exclude(models.Exists(takedown))


class CheckedPupil(models.Model):
    """One pupil of a publication check: how the pupil is in the publication, and whether
    consent allowed it at the time of the check (the shown state, never a reason)."""

    publication_check = models.ForeignKey(
        PublicationCheck,
        on_delete=models.CASCADE,
        related_name="checked_pupils",
        verbose_name=_("publication check"),
    )
    pupil = models.ForeignKey(
        "schools.Pupil",
        on_delete=models.PROTECT,
        related_name="checked_in",
        verbose_name=_("pupil"),
    )
    appearance = models.CharField(
        _("in the publication"), max_length=20, choices=Appearance.choices
    )
    state = models.CharField(_("consent shown"), max_length=20)
    allowed = models.BooleanField(_("consent allowed it"))

    objects = CheckedPupilQuerySet.as_manager()

    class Meta:
        verbose_name = _("checked pupil")
        verbose_name_plural = _("checked pupils")
        constraints = [
            models.UniqueConstraint(
                fields=["publication_check", "pupil"], name="one_row_per_check_and_pupil"
            ),
            models.CheckConstraint(
                condition=Q(appearance__in=["appears", "unrecognisable", "left_out"]),
                name="checked_pupil_known_appearance",
            ),
        ]
        indexes = [
            models.Index(fields=["pupil", "appearance"], name="checked_pupil_appearance"),
        ]

    def __str__(self) -> str:
        return f"{self.publication_check_id}/{self.pupil_id} {self.appearance}"


class TakedownTaskQuerySet(models.QuerySet):
    def standing(self):
        """The tasks that still answer for their picture, so a "no" makes no new one for
        the same pupil: open ones, and those taken offline without consent allowing the
        pupil on that channel and medium again since (`consent_back_at`: a "yes" that
        allowed it, gezag changed, the safeguarding flag cleared). After that the teacher
        may have put the picture back up, and one closed as no longer needed left it up:
        a later "no" takes it down anew. A "yes" that left the parents disagreeing did not
        allow it, so the picture is still down (until 2026-12-07 any "yes" since counted)."""
        left_up = Q(closed_reason=TakedownTask.ClosedReason.NOT_NEEDED) | Q(
            consent_back_at__isnull=False
        )
        return self.filter(Q(done_at__isnull=True) | ~left_up)


class TakedownTask(models.Model):
    """A pupil who appears in a checked publication lost consent: take it down.

    `caused_by` is the "no" that did it; a change of meaning or a safeguarding flag has no
    event, `reason` says which it was.
    """

    class Reason(models.TextChoices):
        ANSWER = "answer", _("a parent withdrew or refused")
        CHANGE_OF_MEANING = "change_of_meaning", _("the channel's text changed in meaning")
        SAFEGUARDING = "safeguarding", _("the pupil may no longer be shown")
        AUTHORITY = "authority", _("who has parental authority (gezag) changed")
        ERASED = "erased", _("the pupil left and their record was erased")

    class ClosedReason(models.TextChoices):
        TAKEN_DOWN = "taken_down", _("taken offline")
        NOT_NEEDED = "not_needed", _("no longer needed: consent was given again")

    publication_check = models.ForeignKey(
        PublicationCheck,
        on_delete=models.CASCADE,
        related_name="takedowns",
        verbose_name=_("publication check"),
    )
    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.CASCADE, related_name="+", verbose_name=_("pupil")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="takedown_tasks",
        verbose_name=_("assigned to"),
    )
    caused_by = models.ForeignKey(
        ConsentEvent,
        on_delete=models.PROTECT,
        related_name="takedowns",
        null=True,
        blank=True,
        verbose_name=_("caused by"),
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, default=Reason.ANSWER
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    # How it was closed; empty while open. A task closed as not needed left the picture
    # up: a later "no" makes a new task for the same pupil and picture.
    closed_reason = models.CharField(
        _("closed as"), max_length=20, choices=ClosedReason.choices, blank=True, default=""
    )
    # Taken offline, then consent allowed the pupil again (a parent's "yes" that allowed
    # it, a change of gezag, the safeguarding flag cleared; `consent.services
    # .takedowns_consent_back`): the picture may be back up, so the task no longer
    # answers for it and a later "no" takes it down anew (`standing`).
    consent_back_at = models.DateTimeField(_("consent back at"), null=True, blank=True)
    # The last hand-over (`consent.services.takedowns_hand_over`): when, and from whom, so
    # the new assignee and the director read why the task is theirs and who had it. The
    # name as it was then, not a key: the account handed over from is often about to be
    # deleted (its hand-over runs just before), which would empty a SET_NULL key, and the
    # record of who answered for the picture must outlive it.
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_from_name = models.CharField(
        _("handed over from"), max_length=255, blank=True, default=""
    )

    objects = TakedownTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("takedown task")
        verbose_name_plural = _("takedown tasks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication_check", "pupil"],
                condition=models.Q(done_at__isnull=True),
                name="one_open_takedown_per_check_and_pupil",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_reason="") | models.Q(done_at__isnull=False),
                name="takedown_closed_reason_only_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"takedown {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def left_up(self) -> bool:
        """Closed without taking the picture offline: a later "no" takes it down anew."""
        return self.closed_reason == self.ClosedReason.NOT_NEEDED


class ConflictNotice(models.Model):
    """Parents started to disagree: the school's directors are told (once per causing event)."""

    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.CASCADE, related_name="+", verbose_name=_("pupil")
    )
    purpose = models.ForeignKey(
        Purpose, on_delete=models.CASCADE, related_name="+", verbose_name=_("purpose")
    )
    media_type = models.CharField(_("media type"), max_length=10, choices=MediaType.choices)
    caused_by = models.OneToOneField(
        ConsentEvent,
        on_delete=models.PROTECT,
        related_name="conflict_notice",
        verbose_name=_("caused by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conflict notice")
        verbose_name_plural = _("conflict notices")

    def __str__(self) -> str:
        return f"conflict notice {self.pk}"


class ReminderOptOut(models.Model):
    """A parent asked for no more reminder e-mails (the link or the one-click button of a
    reminder, RFC 8058: consent.reminder_stop). It stops reminders only: an open question
    stays open and the school still publishes nothing there (silence is never consent);
    the yearly review round and a changed question are still sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consent_reminder_opt_out",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminders stopped")
        verbose_name_plural = _("reminders stopped")

    def __str__(self) -> str:
        return str(self.user_id)


class ReminderSent(models.Model):
    """A reminder e-mail to a parent who has not answered; `week` is the ISO week claimed.
    The row is the claim, written when the director clicks (`sent_at`); its duty e-mails it
    later (consent.duties.reminder_email_send) and sets `delivered_at` once the SMTP server
    accepted it. Until then (a mail or queue outage) the parent is not told it was sent,
    but it counts for the 7-day pause: no second one while it is queued. A duty that gave
    up (the outbox's `duty_gave_up`) sets `failed_at`: the reminder never went, so it counts
    for nothing, the director is told and may send a new one (in the same week: the claim
    is unique among the rows that did not fail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consent_reminders",
        verbose_name=_("user"),
    )
    week = models.CharField(_("ISO week"), max_length=8, help_text="2026-W48")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("could not be delivered at"), null=True, blank=True)
    # The schools the delivered e-mail named (where a child had an open question when it
    # went): the coverage chart's ▲ is on their charts only.
    schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="+", verbose_name=_("schools named")
    )
    # Who clicked, on which school's page (consent.services.reminders_send): the sender's
    # "Mijn gegevens" counts them per school (accounts.staff_data). Empty on reminders from
    # before 2026-12-07; the row stays when the account or the school goes.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_from = models.ForeignKey(
        "schools.School",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent from school"),
    )

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"],
                condition=models.Q(failed_at__isnull=True),
                name="one_reminder_per_parent_week",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"


class ReviewRound(models.Model):
    """The yearly "review your choices" round of one school."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="review_rounds",
        verbose_name=_("school"),
    )
    school_year = models.CharField(_("school year"), max_length=9, help_text="2026-2027")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    # as PurposeVersion.parents_emailed_at: queued, not delivered
    emailed_at = models.DateTimeField(
        _("e-mails to parents queued at"), null=True, blank=True, help_text=QUEUED_HELP
    )

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="one_review_round_per_school_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.school_year}"


class ReviewConfirmation(models.Model):
    """A parent looked at a child's choices in a review round and left them unchanged.

    Not a consent event: nothing was decided, so the events stay the only evidence of
    decisions. Changing an answer goes through the normal form and does create events.
    """

    review_round = models.ForeignKey(
        ReviewRound,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("review round"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.CASCADE, related_name="+", verbose_name=_("pupil")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("review confirmation")
        verbose_name_plural = _("review confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["review_round", "user", "pupil"], name="one_confirmation_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review_round_id} {self.user_id} {self.pupil_id}"
