"""The "Vermeldingen" list: every collected post that names a school, one row per post.

Flagged posts come first (urgent, then other open signals), then the rest; newest first
within each. Filters: category (an undismissed flag of it), source, and status.
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Value, When
from django.db.models.functions import Coalesce

from monitoring.models import Flag, Mention

STATUS_FILTERS = ("flagged", "unflagged", "dismissed", "marked")


def mentions_for_school(*, school, category: str = "", source_id: int | None = None, status=""):
    flags = Flag.objects.filter(post=OuterRef("post"), school=school)
    live = flags.filter(dismissed_as_false_positive=False)
    rows = Mention.objects.filter(school=school).annotate(
        flagged=Exists(live),
        urgent=Exists(live.filter(urgent=True)),
        rank=Case(
            When(urgent=True, then=Value(0)),
            When(flagged=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        when=Coalesce("post__published_at", "post__fetched_at"),
    )
    if category:
        rows = rows.filter(Exists(live.filter(category=category)))
    if source_id:
        rows = rows.filter(post__source_id=source_id)
    if status == "flagged":
        rows = rows.filter(flagged=True)
    elif status == "unflagged":
        rows = rows.filter(~Exists(flags))
    elif status == "dismissed":
        rows = rows.filter(flagged=False).filter(Exists(flags))
    elif status == "marked":
        rows = rows.filter(Exists(flags.filter(marked_by__isnull=False)))
    school_flags = Flag.objects.filter(school=school).select_related(
        "marked_by", "dismissed_by", "school"
    )
    return (
        rows.select_related("post__source")
        .prefetch_related(Prefetch("post__flags", queryset=school_flags, to_attr="school_flags"))
        .order_by("rank", "-when", "-pk")
    )
