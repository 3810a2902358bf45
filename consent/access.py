"""Reach for consent's own objects; out of reach is a 404 (as in schools/access.py).

Consent-specific, so it lives here: schools must not import consent.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from consent.models import PublicationCheck, TakedownTask
from schools.access import directed_schools, sees_all_schools


def get_check_for_user(user, pk) -> PublicationCheck:
    """The teacher who made it, directors of its school, board and privacy officer."""
    checks = PublicationCheck.objects.select_related("purpose", "school", "checked_by")
    if not sees_all_schools(user):
        checks = checks.filter(Q(checked_by=user) | Q(school__in=directed_schools(user)))
    return get_object_or_404(checks, pk=pk)


def get_takedown_for_user(user, pk) -> TakedownTask:
    return get_object_or_404(TakedownTask.objects.filter(assigned_to=user), pk=pk)
