"""Reach for consent's own objects; out of reach is a 404 (as in schools/access.py).

Consent-specific, so it lives here: schools must not import consent.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from consent.models import PublicationCheck, TakedownTask
from schools.access import directed_schools, sees_all_schools
from schools.models import Guardianship, Pupil


def get_check_for_user(user, pk) -> PublicationCheck:
    """The teacher who made it, directors of its school, board and privacy officer."""
    checks = PublicationCheck.objects.select_related("purpose", "school", "checked_by")
    if not sees_all_schools(user):
        checks = checks.filter(Q(checked_by=user) | Q(school__in=directed_schools(user)))
    return get_object_or_404(checks, pk=pk)


def get_takedown_for_user(user, pk) -> TakedownTask:
    return get_object_or_404(TakedownTask.objects.filter(assigned_to=user), pk=pk)


def get_child_and_holders(user, pk) -> tuple[Pupil, set[int]]:
    """The parent's own child, with school and group, and the ids of its gezag-holders.

    The reach of `schools.access.get_child_for_parent` (a guardianship of this user, with
    or without gezag; otherwise 404), read as one query over the child's guardianships:
    the parent's page needs the gezag-holders anyway (who may decide, the consent rules).
    """
    if not user.is_authenticated:
        raise Http404
    guardianships = list(
        Guardianship.objects.filter(pupil_id=pk).select_related("pupil__school", "pupil__group")
    )
    if not any(g.user_id == user.pk for g in guardianships):
        raise Http404
    holders = {g.user_id for g in guardianships if g.has_parental_authority}
    return guardianships[0].pupil, holders
