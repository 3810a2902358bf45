"""The social media protocol: numbered versions of sections and articles, and who read which.

A version is a draft until board staff publish it; from then on it never changes. The
services refuse, the admin is read-only, and database triggers (migration 0002) reject any
UPDATE of a published version or of its sections and articles.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedVersionIsFrozen(Exception):
    """Raised when something tries to change a published protocol version."""


class ProtocolVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ProtocolVersion.Status.PUBLISHED)

    def drafts(self):
        return self.filter(status=ProtocolVersion.Status.DRAFT)

    def current(self) -> "ProtocolVersion | None":
        """The published version with the highest number, or None before the first one."""
        return self.published().order_by("-number").first()

    def with_confirmation_of(self, user):
        """Annotate `confirmed`: whether `user` confirmed having read each version."""
        return self.annotate(
            confirmed=Exists(Acknowledgement.objects.filter(version=OuterRef("pk"), user=user))
        )


class ProtocolVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    number = models.PositiveIntegerField(_("version number"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(
        _("summary of changes"),
        blank=True,
        help_text=_("What changed compared with the previous version; shown to readers."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = ProtocolVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("protocol version")
        verbose_name_plural = _("protocol versions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="published_versions_have_a_date",
            ),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="draft"), name="one_draft_at_a_time"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_numbers_start_at_1"),
        ]

    def __str__(self) -> str:
        return _("version %(number)s") % {"number": self.number}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_correction(self) -> bool:
        """Published as a correction of spelling. Load with select_related("release"):
        version 1 and drafts have no release."""
        release = getattr(self, "release", None)
        return release is not None and release.kind == Release.Kind.CORRECTION

    def check_editable(self) -> None:
        if self.is_published:
            raise PublishedVersionIsFrozen(f"protocol version {self.number} is published")


class Section(models.Model):
    class Kind(models.TextChoices):
        INTRO = "intro", _("introduction")
        LIST = "list", _("list of points")
        TEXT = "text", _("paragraphs")
        FUNCTION = "function", _("function (numbered articles)")

    version = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    slug = models.SlugField(
        _("anchor name"), max_length=60, help_text=_("Articles are cited as <name>-<number>.")
    )
    heading = models.CharField(_("heading"), max_length=200)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="unique_section_position_per_version"
            ),
            models.UniqueConstraint(
                fields=["version", "slug"], name="unique_section_slug_per_version"
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def name(self) -> str:
        """How people write the section in a sentence: "Communiceren" for the heading in
        capitals "COMMUNICEREN"; any other heading as written ("YouTube", "OPO" stay)."""
        return self.heading.capitalize() if self.heading.isupper() else self.heading

    @property
    def shows_numbers(self) -> bool:
        """Numbered lists show their numbers; paragraphs in running text do not."""
        return self.kind in (self.Kind.LIST, self.Kind.FUNCTION)

    def anchor_for(self, number: int) -> str:
        return f"{self.slug}-{number}"


class Article(models.Model):
    """One numbered article (or paragraph) of a section, cited by its anchor."""

    version = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.CASCADE,
        related_name="articles",
        verbose_name=_("version"),
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="articles", verbose_name=_("section")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    anchor = models.SlugField(_("anchor"), max_length=80)
    text = models.TextField(
        _("text"), help_text=_("Separate paragraphs with an empty line; no other line breaks.")
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["section__position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "number"], name="unique_article_number_per_section"
            ),
            models.UniqueConstraint(
                fields=["version", "anchor"], name="unique_article_anchor_per_version"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="article_numbers_start_at_1"),
        ]

    def __str__(self) -> str:
        return self.anchor

    @property
    def label(self) -> str:
        """How people name the article: "Communiceren 2", not the anchor "communiceren-2";
        a paragraph of running text, which the protocol and the diff do not number
        (Section.shows_numbers), by its place in its section ("Inleiding, alinea 2"): the
        drafting buttons of a section's paragraphs would otherwise all read the same."""
        if not self.section.shows_numbers:
            return _("%(section)s, paragraph %(number)s") % {
                "section": self.section.name,
                "number": self.number,
            }
        return f"{self.section.name} {self.number}"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


class Acknowledgement(models.Model):
    """A user confirmed having read one published version. Per version: a new one asks again."""

    version = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        verbose_name=_("version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="protocol_confirmations",
        verbose_name=_("user"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    carried_from = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed as version"),
        help_text=_("Set when the confirmation was kept for a correction of that version."),
    )

    class Meta:
        verbose_name = _("confirmation of reading")
        verbose_name_plural = _("confirmations of reading")
        ordering = ["-confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="one_confirmation_per_user_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · v{self.version_id}"


class Release(models.Model):
    """How a version was published: a revision (everyone reads again, staff are e-mailed
    once) or a correction of spelling (earlier confirmations are kept, nobody is e-mailed).

    A separate row, because a published ProtocolVersion never changes (database triggers).
    """

    class Kind(models.TextChoices):
        REVISION = "revision", _("new version: everyone reads it again")
        CORRECTION = "correction", _("correction of spelling: confirmations stay valid")

    version = models.OneToOneField(
        ProtocolVersion, on_delete=models.PROTECT, related_name="release", verbose_name=_("version")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Set when one duty per staff member was queued, not on delivery (as
    # consent.PurposeVersion.parents_emailed_at)
    staff_emailed_at = models.DateTimeField(
        _("e-mails to staff queued at"),
        null=True,
        blank=True,
        help_text=_(
            "When one e-mail per staff member was queued in the outbox, not when they were "
            "delivered: each is sent, retried or given up by its own duty."
        ),
    )

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.version_id} {self.kind}"
