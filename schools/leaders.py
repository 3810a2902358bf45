"""Who answers for a school: its directors, or the board when it has none.

Whatever goes to "the directors of the school" (urgent cases, conflict notices, public
replies to approve) goes through here, so nothing waits for someone who does not exist.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from schools.models import School, StaffMembership

Role = StaffMembership.Role


def directed_school_ids(school_ids) -> set[int]:
    """The ids among `school_ids` that have at least one director. One query."""
    return set(
        StaffMembership.objects.filter(
            school_id__in=school_ids, role=Role.DIRECTOR, user__is_active=True
        ).values_list("school_id", flat=True)
    )


def has_director(school: School) -> bool:
    return bool(directed_school_ids([school.pk]))


def leaders_of(school_id: int, *, excluding: int | None = None) -> QuerySet:
    """The school's directors; board staff when the school has no director. `excluding`:
    an account on its way out (deleted while still active) that counts as gone."""
    User = get_user_model()
    active = User.objects.filter(is_active=True)
    if excluding is not None:
        active = active.exclude(pk=excluding)
    directors = active.filter(
        memberships__school_id=school_id, memberships__role=Role.DIRECTOR
    ).distinct()
    if directors.exists():
        return directors
    return active.filter(memberships__role=Role.BOARD).distinct()


def leads_school(user, school: School) -> bool:
    """Directors of the school, or board staff when the school has no director."""
    return leaders_of(school.pk).filter(pk=user.pk).exists()


def leader_ids(school_id: int, *, excluding: int | None = None) -> list[int]:
    """User ids of `leaders_of(school_id)`, sorted (one duty per recipient)."""
    return sorted(leaders_of(school_id, excluding=excluding).values_list("pk", flat=True))


ACTING_ROLES = (Role.TEACHER, Role.DIRECTOR)


def acting_pairs(user_ids, school_ids, *, board_everywhere=False) -> set[tuple[int, int]]:
    """The (user id, school id) pairs among these in which an active account still teaches
    or directs: someone who left a school cannot take down or follow up anything there.
    With `board_everywhere`, an active board member acts at every one of these schools
    (board staff post for any school, and take down what they posted). One query."""
    school_ids = list(school_ids)
    acting = Q(school_id__in=school_ids, role__in=ACTING_ROLES)
    if board_everywhere:
        acting |= Q(role=Role.BOARD)
    rows = StaffMembership.objects.filter(
        acting, user_id__in=list(user_ids), user__is_active=True
    ).values_list("user_id", "school_id", "role")
    pairs: set[tuple[int, int]] = set()
    for user_id, school_id, role in rows:
        schools = school_ids if role == Role.BOARD else [school_id]
        pairs.update((user_id, school) for school in schools)
    return pairs
