"""The dashboard's lists, written so that PostgreSQL answers them from partial indexes
(monitoring.models: flag_open_recent, flag_open_recent_school, followup_open_order) and
their cost does not grow with the number of posts and flags kept."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from monitoring import access
from monitoring.models import OPEN_FLAG, Flag, FollowUp


def open_cases(user, *, limit: int):
    """Open cases, most urgent and newest first; the flag count per shown case only."""
    flag_count = (
        Flag.objects.filter(followup=OuterRef("pk"), dismissed_as_false_positive=False)
        .order_by()
        .values("followup")
        .annotate(n=Count("*"))
        .values("n")
    )
    cases = FollowUp.objects.filter(status__in=FollowUp.OPEN_STATUSES)
    return (
        access.in_monitored_schools(cases, user)
        .select_related("school", "assigned_to")
        .annotate(flag_count=Coalesce(Subquery(flag_count), 0))
        .order_by("priority", "-opened_at")[:limit]
    )


# Who marked a flag is read in a second query, and only when a shown flag was marked by
# staff: joined in, the two user tables took PostgreSQL's planner 4-10 ms per request
# (EXPLAIN at the bench's sizes; 0.65 ms without them), more than running the query.
FLAG_PEOPLE = ("marked_by", "dismissed_by")


def recent_flags(user, *, limit: int):
    """Open, non-positive flags, urgent and newest first. Open flags were never dismissed,
    so who dismissed one is not read; of the case only its number is shown (followup_id),
    so the case is not joined."""
    flags = Flag.objects.filter(OPEN_FLAG)
    return (
        access.in_monitored_schools(flags, user)
        .select_related("school", "post__source")
        .prefetch_related("marked_by")
        .order_by("-urgent", "-created_at")[:limit]
    )
