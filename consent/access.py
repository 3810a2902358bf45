"""Reach for consent's own objects; out of reach is a 404 (as in schools/access.py).

Consent-specific, so it lives here: schools must not import consent.
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from consent.models import ConsentEvent, PublicationCheck, PurposeVersion, TakedownTask
from consent.rules import State, answers_state, consent_table, is_allowed, purpose_infos
from opo_portal.sql import prepared
from schools.access import (
    GROUP_FIELDS,
    PUPIL_FIELDS,
    SCHOOL_FIELDS,
    directed_schools,
    fetch_rows,
    own_directed_school_ids,
    school_from_row,
    school_ids_for_staff,
    sees_all_schools,
    takedown_school_ids,
)
from schools.models import Group, Guardianship, Pupil, StaffMembership


def get_check_for_user(user, pk) -> PublicationCheck:
    """The teacher who made it while they teach or direct at its school, directors of its
    school, board and privacy officer. A teacher who left the school (or is now only a
    parent there) no longer reads its pupils' names in their old checks; their open
    takedowns moved to someone who is still there."""
    checks = PublicationCheck.objects.select_related("purpose", "school", "checked_by")
    if not sees_all_schools(user):
        working_at = school_ids_for_staff(user, *StaffMembership.SCHOOL_ROLES) or []
        checks = checks.filter(
            Q(checked_by=user, school_id__in=working_at) | Q(school__in=directed_schools(user))
        )
    return get_object_or_404(checks, pk=pk)


def own_takedowns(user):
    """The tasks given to the user at schools where they still take down what is
    published: where they teach or direct, or any while on the board. A task that waits
    with a maker who left the school (nobody else could take it: no director, no board
    member) is not theirs to read or mark: its pupils are out of their reach. No query
    (the memberships are read with the user)."""
    tasks = TakedownTask.objects.filter(assigned_to=user)
    schools = takedown_school_ids(user)
    if schools is not None:
        tasks = tasks.filter(publication_check__school_id__in=schools)
    return tasks


def assignee_acts() -> Exists:
    """For a TakedownTask query: whether its assignee takes down at the picture's school
    now, a teacher or director there or board staff (as own_takedowns, for any task)."""
    memberships = StaffMembership.objects.filter(user_id=OuterRef("assigned_to_id"))
    acting = Q(
        school_id=OuterRef("publication_check__school_id"),
        role__in=StaffMembership.SCHOOL_ROLES,
    ) | Q(role=StaffMembership.Role.BOARD)
    return Exists(memberships.filter(acting))


def waits_for_a_leader() -> ExpressionWrapper:
    """For a TakedownTask query: whether it is open and nobody can act on it, its assignee
    a placeholder (switched off, or a maker who no longer takes down at the school) until a
    director or board member is named (consent.services.takedowns_tell_waiting). Pages
    say so instead of naming the placeholder. Part of the task's own query."""
    acts = Q(assigned_to__is_active=True) & assignee_acts()
    return ExpressionWrapper(Q(done_at__isnull=True) & ~acts, output_field=BooleanField())


def takedowns_in_reach(user):
    """The user's own tasks (own_takedowns), and every task of a school the user directs:
    a director can see a picture taken down when the teacher it was given to is away.
    Directors by membership only: the board's and the privacy officer's reach of every
    school does not make every school's tasks theirs."""
    own = Q(assigned_to=user)
    schools = takedown_school_ids(user)
    if schools is not None:
        own &= Q(publication_check__school_id__in=schools)
    return TakedownTask.objects.filter(
        own | Q(publication_check__school_id__in=own_directed_school_ids(user))
    )


def get_takedown_for_user(user, pk) -> TakedownTask:
    return get_object_or_404(takedowns_in_reach(user), pk=pk)


def by_picture(tasks) -> list[list[TakedownTask]]:
    """Tasks grouped per publication (check), open and done apart (and the done ones by
    how they were closed), in the order of each group's first task: one card, and one
    "taken down", per picture however many pupils it lost. The first task of each group
    carries the group's latest hand-over (`handed_over`: that task, or None) for the
    card to say who had the picture before."""
    groups: dict[tuple[int, bool, str], list[TakedownTask]] = {}
    for task in tasks:
        key = (task.publication_check_id, task.is_open, task.closed_reason)
        groups.setdefault(key, []).append(task)
    for group in groups.values():
        handed = {task.handed_over_at: task for task in group if task.handed_over_at is not None}
        # an attribute for the page, as the views set theirs (`allowed_again`)
        group[0].handed_over = handed[max(handed)] if handed else None  # type: ignore[attr-defined]
    return list(groups.values())


def allowed_again(tasks: Sequence[TakedownTask]) -> set[int]:
    """The ids of the open tasks whose pupil may appear on its channel and medium again
    now (the parents said yes again, or answered the changed text, before the picture
    came down). The task stays open for the teacher to close; the page says taking it
    down is no longer needed. 3 queries, none without an open task."""
    open_tasks = [task for task in tasks if task.is_open]
    if not open_tasks:
        return set()
    pupils = list({task.pupil_id: task.pupil for task in open_tasks}.values())
    table = consent_table(pupils, purpose_infos(retired=True))
    again = set()
    for task in open_tasks:
        check = task.publication_check
        if check.purpose_id in table.purposes and is_allowed(
            table.state(task.pupil_id, check.purpose_id, check.media_type)
        ):
            again.add(task.pk)
    return again


def with_consent_answers(tasks):
    """`tasks` annotated with what `allowed_again` reads through the consent rules, in
    their own query (the home page's box, which may not add one): whether a current
    gezag-holder's latest answer that still counts (since the channel's last change of
    meaning, `meaning_baseline`) for the task's pupil, channel and medium is a yes
    (`holder_yes`) or a no (`holder_no`), and the safeguarding flag. `consent_back`
    applies the rules to them; tests compare it with `allowed_again`."""
    baseline = (
        PurposeVersion.objects.filter(purpose_id=OuterRef("publication_check__purpose_id"))
        .filter(Q(number=1) | Q(kind=PurposeVersion.Kind.CHANGE_OF_MEANING))
        .order_by("-number")
        .values("number")[:1]
    )
    latest = (
        ConsentEvent.objects.filter(
            pupil_id=OuterRef(OuterRef("pupil_id")),
            purpose_id=OuterRef(OuterRef("publication_check__purpose_id")),
            media_type=OuterRef(OuterRef("publication_check__media_type")),
            guardian_id=OuterRef("user_id"),
            purpose_version__number__gte=OuterRef(OuterRef("meaning_baseline")),
        )
        .order_by("-created_at", "-id")
        .values("granted")[:1]
    )
    holders = Guardianship.objects.filter(
        pupil_id=OuterRef("pupil_id"), has_parental_authority=True
    ).annotate(latest=Subquery(latest))
    return tasks.annotate(meaning_baseline=Subquery(baseline)).annotate(
        holder_yes=Exists(holders.filter(latest=True)),
        holder_no=Exists(holders.filter(latest=False)),
        pupil_not_in_picture=F("pupil__not_in_picture"),
    )


def consent_back(task) -> bool:
    """Whether the pupil of an open task from `with_consent_answers` may appear on its
    channel and medium again now, as `allowed_again` decides it."""
    if task.pupil_not_in_picture:
        state = State.NOT_IN_PICTURE
    else:
        answers = {True} if task.holder_yes else set()
        state = answers_state(answers | ({False} if task.holder_no else set()))
    return task.is_open and is_allowed(state)


def takedowns_of_colleagues(user):
    """Open tasks of the schools the user directs that are given to someone else."""
    return (
        TakedownTask.objects.filter(
            publication_check__school_id__in=own_directed_school_ids(user),
            done_at__isnull=True,
        )
        .exclude(assigned_to=user)
        .select_related("publication_check__purpose", "publication_check__school", "pupil")
        .select_related("assigned_to", "publication_check__replaces")
        .order_by("created_at", "id")
    )


# Guardianship.objects.filter(pupil_id=pk).select_related("pupil__school", "pupil__group"),
# written out: every request of the parent's page runs it, and building it through the
# ORM cost more CPU than running it (tests compare the two for the whole cast).
CHILD_SQL = prepared(
    "SELECT g.user_id, g.has_parental_authority,"  # noqa: S608
    f" {', '.join('p.' + f for f in PUPIL_FIELDS)},"
    f" {', '.join('s.' + f for f in SCHOOL_FIELDS)},"
    f" {', '.join('gr.' + f for f in GROUP_FIELDS)}"
    " FROM schools_guardianship g JOIN schools_pupil p ON p.id = g.pupil_id"
    " JOIN schools_school s ON s.id = p.school_id"
    " LEFT JOIN schools_group gr ON gr.id = p.group_id"
    " WHERE g.pupil_id = %s"
)


def get_child_and_holders(user, pk) -> tuple[Pupil, set[int]]:
    """The parent's own child, with school and group, and the ids of its gezag-holders.

    The reach of `schools.access.get_child_for_parent` (a guardianship of this user, with
    or without gezag; otherwise 404), read as one query over the child's guardianships:
    the parent's page needs the gezag-holders anyway (who may decide, the consent rules).
    """
    if not user.is_authenticated:
        raise Http404
    rows = fetch_rows(CHILD_SQL, [int(pk)])
    if not any(row[0] == user.pk for row in rows):
        raise Http404
    holders = {row[0] for row in rows if row[1]}
    return _pupil_with_school_and_group(rows[0][2:]), holders


def _pupil_with_school_and_group(row) -> Pupil:
    at_school, at_group = len(PUPIL_FIELDS), len(PUPIL_FIELDS) + len(SCHOOL_FIELDS)
    pupil = Pupil.from_db(connection.alias, PUPIL_FIELDS, row[:at_school])
    pupil.school = school_from_row(row[at_school:at_group])
    group = row[at_group:]
    pupil.group = None if group[0] is None else Group.from_db(connection.alias, GROUP_FIELDS, group)
    return pupil
