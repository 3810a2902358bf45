"""Workflows on the protocol: drafting, publishing and confirming having read it.

Every function runs in one transaction and locks the version row it changes, so an edit
cannot slip in while the same draft is being published.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from opo_portal.text import without_direction_controls
from policy.citations import cited_anchors
from policy.models import (
    Acknowledgement,
    Article,
    ProtocolVersion,
    PublishedVersionIsFrozen,
    Release,
    Section,
)
from policy.text import normalise_article_text


def _locked_draft(version: ProtocolVersion) -> ProtocolVersion:
    locked = ProtocolVersion.objects.select_for_update().get(pk=version.pk)
    locked.check_editable()
    return locked


@transaction.atomic
def version_draft_start(*, by: User) -> ProtocolVersion:
    """A new draft: a copy of the current version (same sections, articles and anchors)."""
    if ProtocolVersion.objects.drafts().exists():
        raise ValidationError(_("There is already a draft; publish or discard it first."))
    current = ProtocolVersion.objects.current()
    highest = ProtocolVersion.objects.aggregate(highest=Max("number"))["highest"] or 0
    try:
        with transaction.atomic():
            draft = ProtocolVersion.objects.create(
                number=highest + 1, based_on=current, created_by=by, summary=""
            )
    except IntegrityError as exc:  # someone else started a draft at the same moment
        raise ValidationError(_("There is already a draft; publish or discard it first.")) from exc
    if current is None:
        return draft
    for section in current.sections.prefetch_related("articles"):
        copy = Section.objects.create(
            version=draft,
            position=section.position,
            kind=section.kind,
            slug=section.slug,
            heading=section.heading,
        )
        Article.objects.bulk_create(
            Article(
                version=draft,
                section=copy,
                number=article.number,
                anchor=article.anchor,
                text=article.text,
            )
            for article in section.articles.all()
        )
    return draft


def text_digest(text: str) -> str:
    """What an edit form carries of the text it showed (an article's text, a section's
    heading, a draft's summary), so a save over text changed since can be refused."""
    return hashlib.sha256(text.encode()).hexdigest()


def _refuse_if_changed(*, stored: str, shown: str | None, new: str) -> None:
    """Two tabs, or two board members, editing the same text: the second save would
    overwrite the first unseen. Refused with code "changed" when the stored text is no
    longer the text the form showed (`shown`, its text_digest; "" matches nothing), unless
    the save changes nothing (an identical double submit, or a colleague who typed the
    same). `shown` None: no check (a caller that read the text in the same transaction)."""
    if shown is None or new == stored or shown == text_digest(stored):
        return
    raise ValidationError(
        _(
            "This text was changed after you opened this page (by a colleague, or by you in "
            "another tab), so nothing was saved. The text as it is now is shown below; what "
            "you typed is still in the form. Save again to replace it with yours."
        ),
        code="changed",
    )


@transaction.atomic
def version_update_summary(
    *, version: ProtocolVersion, summary: str, shown: str | None = None
) -> ProtocolVersion:
    """`shown`: the text_digest of the summary as the form showed it (_refuse_if_changed)."""
    draft = _locked_draft(version)
    summary = without_direction_controls(summary).strip()  # as headings and texts
    _refuse_if_changed(stored=draft.summary, shown=shown, new=summary)
    draft.summary = summary
    draft.save(update_fields=["summary"])
    return draft


@transaction.atomic
def version_publish(
    *,
    version: ProtocolVersion,
    by: User,
    kind: str = Release.Kind.REVISION,
    previewed: str | None = None,
) -> ProtocolVersion:
    """Publish a draft: it becomes the current version.

    A revision asks everyone to read it, and staff are e-mailed once after commit. A
    correction (spelling) keeps the confirmations of the version it corrects.
    `previewed`, when given, is the draft's version_fingerprint as its preview showed it:
    a draft changed since (a colleague, another tab, a draft discarded and started again
    under the same number) is refused with code "changed", so nobody publishes unseen text.
    """
    if kind not in Release.Kind.values:
        raise ValidationError(_("Choose a new version or a correction."))
    draft = _locked_draft(version)
    if previewed is not None and previewed != version_fingerprint(draft):
        raise ValidationError(
            _(
                "The draft was changed after you opened its preview (by a colleague, or by "
                "you in another tab), so nothing was published. Check the preview below and "
                "publish again."
            ),
            code="changed",
        )
    if not draft.summary.strip():
        raise ValidationError(_("Describe what changed before publishing."))
    if not draft.articles.exists():
        raise ValidationError(_("A version without articles cannot be published."))
    empty = draft.sections.filter(articles__isnull=True).first()
    if empty is not None:  # readers would find a heading with nothing under it
        raise ValidationError(
            _("%(heading)s has no articles yet; add one or remove the section.")
            % {"heading": empty.heading}
        )
    previous = ProtocolVersion.objects.current()
    if previous is not None:
        # Wait for confirmations of the version this one replaces that are being
        # recorded (they hold a share lock on it), so a correction carries them over;
        # one recorded after this commits is refused (acknowledgement_record).
        ProtocolVersion.objects.select_for_update().filter(pk=previous.pk).exists()
    if previous is not None and _text(draft) == _text(previous):
        # Staff would be asked to read (or, as a correction, be told of) nothing new.
        raise ValidationError(
            _(
                "This draft has the same text as the current version %(number)s, so nothing "
                "was published. Change an article or a section first, or discard the draft."
            )
            % {"number": previous.number}
        )
    if kind == Release.Kind.CORRECTION:
        _refuse_as_correction(draft, previous)
    draft.status = ProtocolVersion.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = by
    draft.save(update_fields=["status", "published_at", "published_by"])
    release = Release.objects.create(version=draft, kind=kind)
    if kind != Release.Kind.CORRECTION:
        _staff_emails_queue(release=release)
    elif previous is not None:  # always, for a correction (checked above)
        _carry_confirmations(previous=previous, correction=draft)
    return draft


def _refuse_as_correction(draft: ProtocolVersion, previous: ProtocolVersion | None) -> None:
    """A correction improves the wording of the current version's articles, and carries
    every confirmation over: never the first version, never other articles or sections."""
    if previous is None:
        raise ValidationError(_("The first version cannot be a correction."))
    if _anchors(draft) != _anchors(previous):
        raise ValidationError(
            _(
                "A correction only improves the spelling of existing articles; this draft "
                "adds or removes articles or sections. Publish it as a new version."
            )
        )


def _text(version: ProtocolVersion) -> tuple[list[tuple], list[tuple]]:
    """What readers see of a version, without its summary: its sections and articles in
    order. Two queries."""
    sections = version.sections.order_by("position").values_list(
        "position", "kind", "slug", "heading"
    )
    articles = version.articles.order_by("section__position", "number").values_list(
        "section__slug", "number", "anchor", "text"
    )
    return list(sections), list(articles)


def version_fingerprint(version: ProtocolVersion) -> str:
    """A digest of everything publishing a draft makes public (its summary, sections and
    articles) and of which draft it is: what the preview's publish form sends back, so
    what is published is what was previewed. Two queries."""
    sections, articles = _text(version)
    content = json.dumps([version.pk, version.summary, sections, articles], ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def _anchors(version: ProtocolVersion) -> set[str]:
    """The version's articles and sections by anchor: what a correction may not change."""
    articles = version.articles.values_list("anchor", flat=True)
    return set(articles) | {
        f"section:{slug}" for slug in version.sections.values_list("slug", flat=True)
    }


def _staff_emails_queue(*, release: Release) -> None:
    """One duty per staff member, keyed by release and user: a retry queues nothing twice."""
    from outbox.services import duties_enqueue_many
    from policy.duties import staff_ids

    handler = "policy.duties.protocol_published_email_send"
    duties_enqueue_many(
        duties=[
            (
                f"protocol-published:{release.pk}:user:{uid}",
                handler,
                {"release_id": release.pk, "user_id": uid},
            )
            for uid in staff_ids()
        ]
    )
    Release.objects.filter(pk=release.pk).update(staff_emailed_at=timezone.now())


def _carry_confirmations(*, previous: ProtocolVersion, correction: ProtocolVersion) -> None:
    """Who confirmed the corrected version keeps that confirmation for the correction,
    marked with the version they actually read."""
    Acknowledgement.objects.bulk_create(
        Acknowledgement(
            version=correction,
            user_id=ack.user_id,
            confirmed_at=ack.confirmed_at,
            carried_from_id=ack.carried_from_id or previous.pk,
        )
        for ack in Acknowledgement.objects.filter(version=previous)
    )


@transaction.atomic
def version_discard(*, version: ProtocolVersion) -> None:
    draft = _locked_draft(version)
    draft.delete()


@transaction.atomic
def section_add(*, version: ProtocolVersion, heading: str, slug: str, kind: str) -> Section:
    draft = _locked_draft(version)
    if draft.sections.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("Another section of this version already uses this anchor name.")}
        )
    position = (draft.sections.aggregate(highest=Max("position"))["highest"] or 0) + 1
    return Section.objects.create(
        version=draft,
        position=position,
        heading=without_direction_controls(heading).strip(),
        slug=slug,
        kind=kind,
    )


@transaction.atomic
def section_update(*, section: Section, heading: str, shown: str | None = None) -> Section:
    """`shown`: the text_digest of the heading as the form showed it (_refuse_if_changed)."""
    _locked_draft(section.version)
    heading = without_direction_controls(heading).strip()
    # read again under the draft's lock: every edit of the draft takes it
    stored = Section.objects.values_list("heading", flat=True).get(pk=section.pk)
    _refuse_if_changed(stored=stored, shown=shown, new=heading)
    section.heading = heading
    section.save(update_fields=["heading"])
    return section


@transaction.atomic
def section_remove(*, section: Section) -> None:
    """Only an empty section goes: removing articles is a separate, visible step."""
    _locked_draft(section.version)
    if section.articles.exists():
        raise ValidationError(_("Remove the articles of this section first."))
    _refuse_if_cited(section.slug, section.name)
    section.delete()


@transaction.atomic
def article_add(*, section: Section, text: str) -> Article:
    """Append an article; its anchor follows from the section and its number.

    The same text as the section's last article is that article again: a double click on
    "Add" adds one article (the lock on the draft puts the second click after the first).
    """
    draft = _locked_draft(section.version)
    text = _checked_text(text)
    last = section.articles.order_by("-number").first()
    if last is not None and last.text == text:
        return last
    number = _next_article_number(section, last)
    anchor = section.anchor_for(number)
    if draft.articles.filter(anchor=anchor).exists():
        raise ValidationError(_("Another article of this version already uses this anchor."))
    return Article.objects.create(
        version=draft,
        section=section,
        number=number,
        anchor=anchor,
        text=text,
    )


def _next_article_number(section: Section, last: Article | None) -> int:
    """One past the section's last article and past every number a published version gave
    an article of this section (by anchor name): an anchor a later version removed never
    comes back on other text, so an old link or a printed "Communiceren 5" never lands on
    another article. One query."""
    published = Article.objects.filter(
        version__status=ProtocolVersion.Status.PUBLISHED, section__slug=section.slug
    ).aggregate(highest=Max("number"))["highest"]
    return max(last.number if last else 0, published or 0) + 1


@transaction.atomic
def article_update(*, article: Article, text: str, shown: str | None = None) -> Article:
    """`shown`: the text_digest of the text as the form showed it (_refuse_if_changed)."""
    _locked_draft(article.version)
    text = _checked_text(text)
    # read again under the draft's lock: every edit of the draft takes it
    stored = Article.objects.values_list("text", flat=True).get(pk=article.pk)
    _refuse_if_changed(stored=stored, shown=shown, new=text)
    article.text = text
    article.save(update_fields=["text"])
    return article


@transaction.atomic
def article_remove(*, article: Article) -> None:
    """Only the last article of a section, so the anchors of the others stay the same."""
    _locked_draft(article.version)
    if article.section.articles.filter(number__gt=article.number).exists():
        raise ValidationError(
            _("Only the last article of a section can be removed, so other anchors stay valid.")
        )
    _refuse_if_cited(article.anchor, article.label)
    article.delete()


def _refuse_if_cited(anchor: str, label: str) -> None:
    """A page that cites the anchor would link to nothing once this version is published."""
    if anchor in cited_anchors():
        raise ValidationError(
            _(
                "Other pages of the portal cite %(label)s, so it cannot be removed; "
                "change its text instead."
            )
            % {"label": label}
        )


@transaction.atomic
def acknowledgement_record(*, user: User, version: ProtocolVersion) -> Acknowledgement:
    """Record that `user` read `version`; confirming twice keeps the first confirmation.

    The version is checked to be the current one under a share lock on it, which
    publishing the next version waits for (version_publish locks the version it
    replaces): a correction published meanwhile either carries this confirmation over or
    makes it refused, never leaves it behind on a version nobody is asked about."""
    _share_lock(version)
    current = ProtocolVersion.objects.current()
    if current is None or current.pk != version.pk:
        raise ValidationError(
            _("Only the current version of the protocol can be confirmed."), code="not_current"
        )
    acknowledgement, _created = Acknowledgement.objects.get_or_create(user=user, version=current)
    return acknowledgement


REMINDER_HANDLER = "policy.duties.protocol_reminder_email_send"


@transaction.atomic
def staff_reminders_send(*, school, version: ProtocolVersion) -> tuple[int, int]:
    """E-mail the school's active teachers and directors who have not confirmed `version`:
    one duty each, keyed by version, school, day and person, so pressing the button again
    that day sends nothing. Returns (reminded now, reminded earlier today)."""
    from outbox.models import Duty
    from outbox.services import duties_for_users, emailed_users
    from schools.models import StaffMembership

    confirmed = Acknowledgement.objects.filter(version=version, user=OuterRef("user_id"))
    user_ids = set(
        StaffMembership.objects.filter(
            school=school,
            role__in=StaffMembership.SCHOOL_ROLES,
            user__in=emailed_users(),
        )
        .exclude(Exists(confirmed))
        .values_list("user_id", flat=True)
    )
    key = f"protocol-reminder:{version.pk}:{school.pk}:{timezone.localdate().isoformat()}"
    earlier = set(
        Duty.objects.filter(key__in=[f"{key}:user:{uid}" for uid in user_ids]).values_list(
            "key", flat=True
        )
    )
    new = [uid for uid in sorted(user_ids) if f"{key}:user:{uid}" not in earlier]
    duties_for_users(
        key=key, handler=REMINDER_HANDLER, payload={"version_id": version.pk}, user_ids=new
    )
    return len(new), len(earlier)


def _share_lock(version: ProtocolVersion) -> None:
    """FOR KEY SHARE: confirmations do not wait for each other, only for a publication.
    (SQLite has no row locks; it runs one writing transaction at a time.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM policy_protocolversion WHERE id = %s FOR KEY SHARE", [version.pk]
            )


def _checked_text(text: str) -> str:
    normalised = normalise_article_text(text)
    if not normalised:
        raise ValidationError({"text": _("An article needs text.")})
    return normalised


__all__ = [
    "PublishedVersionIsFrozen",
    "acknowledgement_record",
    "article_add",
    "article_remove",
    "article_update",
    "section_add",
    "section_remove",
    "section_update",
    "staff_reminders_send",
    "text_digest",
    "version_discard",
    "version_draft_start",
    "version_publish",
    "version_fingerprint",
    "version_update_summary",
]
