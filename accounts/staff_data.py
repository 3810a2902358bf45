"""What the portal keeps about a person as staff, for "Mijn gegevens" (AVG right of access).

A staff member is a data subject too: their roles and when they held them, the checks
before posting they made (the photo page's included), the takedown tasks given to them,
the monitoring cases they have or closed, their protocol confirmations, the review rounds
they opened and the decisions they recorded for parents.

Only the person's own traces, and never a pupil's or parent's name: a check says how many
pupils it held, not who (that is the pupils' data). Nor a case's post text or notes, which
colleagues write about others. The one colleague named is the one a takedown task was
handed over from, as the task itself shows.

In `accounts`, which reads every app for the home pages too: the cases are `monitoring`'s,
and no `consent` module reads `monitoring` itself; consent's "Mijn gegevens" views call this.

A fixed number of queries, whatever the rows: one to ask whether a person without a
current membership has any staff trace at all (none for a staff member: their memberships
come with the session), then eight: roles now, roles ended, checks, takedowns, cases,
protocol confirmations, review rounds opened, recorded decisions.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from consent.models import (
    Appearance,
    ConsentEvent,
    MediaType,
    PublicationCheck,
    ReviewRound,
    TakedownTask,
)
from consent.reports import _iso  # moments on the schools' clock, as the parent's part
from monitoring.models import FollowUp
from policy.models import Acknowledgement
from schools.access import is_staff_member
from schools.models import MembershipChange, StaffMembership

MEDIA = dict(MediaType.choices)


def _sources(user) -> dict[str, QuerySet]:
    """Each kind of staff trace of `user`, unread; `staff_traces` asks whether any exists
    and the readers below read each: one list, so the two never disagree."""
    return {
        "memberships": StaffMembership.objects.filter(user=user),
        "ended": MembershipChange.objects.filter(user=user, change=MembershipChange.Change.ENDED),
        "checks": PublicationCheck.objects.filter(checked_by=user),
        "takedowns": TakedownTask.objects.filter(assigned_to=user),
        "cases": FollowUp.objects.filter(Q(assigned_to=user) | Q(closed_by=user)),
        "confirmations": Acknowledgement.objects.filter(user=user),
        "review_rounds": ReviewRound.objects.filter(opened_by=user),
        "recorded": ConsentEvent.objects.filter(recorded_by=user),
    }


def staff_traces(user) -> dict[str, QuerySet] | None:
    """The user's staff traces to read, or None when they have none (a parent who never
    worked at a school): then one query, and none for someone with a current membership."""
    sources = _sources(user)
    if not is_staff_member(user):
        anything = reduce(or_, (Q(Exists(qs)) for qs in sources.values()))
        if not get_user_model().objects.filter(pk=user.pk).filter(anything).exists():
            return None
    return sources


def _since(membership_id) -> Subquery:
    """When the membership began, as the access log recorded it (None from before it)."""
    added = MembershipChange.objects.filter(
        membership_id=membership_id, change=MembershipChange.Change.ADDED
    ).order_by("-at", "-id")
    return Subquery(added.values("at")[:1])


def _roles(sources) -> list[dict]:
    """Every role held: current ones (until None) first, by school, then ended ones,
    newest first. Board and privacy officer have no school: "all schools"."""
    current = (
        sources["memberships"]
        .annotate(since=_since(OuterRef("pk")))
        .order_by("school__name", "role", "id")
        .values_list("role", "school__name", "since")
    )
    ended = (
        sources["ended"]
        .annotate(since=_since(OuterRef("membership_id")))
        .order_by("-at", "-id")
        .values_list("role", "school_name", "since", "at")
    )
    labels = dict(StaffMembership.Role.choices)
    return [
        {"role": role, "role_label": labels.get(role, role), "school": school or None}
        | {"since": since, "until": until}
        for role, school, since, until in [(*row, None) for row in current] + list(ended)
    ]


# a check: how many pupils it held and how many of them appear, never who
CHECK_KEYS = (
    "at",
    "school",
    "channel",
    "channel_code",
    "media_type",
    "allowed",
    "pupils",
    "appearing",
)


def _checks(sources) -> list[dict]:
    counted = Q(checked_pupils__appearance=Appearance.APPEARS)
    rows = (
        sources["checks"]
        .annotate(
            appearing=Count("checked_pupils", filter=counted),
            pupil_count=Count("checked_pupils"),
        )
        .order_by("-created_at", "-id")
        .values_list(
            *("created_at", "school__name", "purpose__name", "purpose__code"),
            *("media_type", "allowed", "pupil_count", "appearing"),
        )
    )
    return [dict(zip(CHECK_KEYS, row, strict=True), media_label=MEDIA[row[4]]) for row in rows]


def _takedowns(sources) -> list[dict]:
    rows = (
        sources["takedowns"]
        .order_by("-created_at", "-id")
        .values_list(
            *("created_at", "publication_check__school__name", "publication_check__purpose__name"),
            *("publication_check__media_type", "done_at", "closed_reason"),
            *("handed_over_at", "handed_over_from_name"),
        )
    )
    return [
        {
            "at": at,
            "school": school,
            "channel": channel,
            "media_type": media,
            "media_label": MEDIA[media],
            # "open", "taken_down" or "not_needed" (consent came back before it came down)
            "status": closed or ("open" if done_at is None else "taken_down"),
            "closed_at": done_at,
            "handed_over_at": handed_at,
            "handed_over_from": handed_from or None,
        }
        for at, school, channel, media, done_at, closed, handed_at, handed_from in rows
    ]


def _cases(sources, user) -> list[dict]:
    rows = (
        sources["cases"]
        .order_by("-opened_at", "-id")
        .values_list(
            "id",
            "school__name",
            "status",
            "opened_at",
            "closed_at",
            "assigned_to_id",
            "closed_by_id",
        )
    )
    labels = dict(FollowUp.Status.choices)
    return [
        {
            "case": pk,
            "school": school,
            "status": status,
            "status_label": labels.get(status, status),
            "opened_at": opened,
            "closed_at": closed,
            "assigned_to_you": assigned == user.pk,
            "closed_by_you": closer == user.pk,
        }
        for pk, school, status, opened, closed, assigned, closer in rows
    ]


def _confirmations(sources) -> list[dict]:
    rows = (
        sources["confirmations"]
        .order_by("-confirmed_at", "-id")
        .values_list("version__number", "carried_from__number", "confirmed_at")
    )
    return [
        {"protocol_version": number, "confirmed_as_version": carried, "at": at}
        for number, carried, at in rows
    ]


def _review_rounds(sources) -> list[dict]:
    rows = (
        sources["review_rounds"]
        .order_by("-opened_at", "-id")
        .values_list("opened_at", "school__name", "school_year")
    )
    return [{"at": at, "school": school, "school_year": year} for at, school, year in rows]


def _recorded(sources) -> list[dict]:
    """Decisions the person recorded for parents (on paper, by phone): how many, per
    school and method, not whose."""
    rows = (
        sources["recorded"]
        .values_list("pupil__school__name", "method")
        .annotate(n=Count("id"))
        .order_by("pupil__school__name", "method")
    )
    labels = dict(ConsentEvent.Method.choices)
    return [
        {"school": school, "method": method, "method_label": labels.get(method, method), "count": n}
        for school, method, n in rows
    ]


def staff_data(user) -> dict | None:
    """The person's staff part of "Mijn gegevens", or None without any staff trace.
    Moments as stored (aware datetimes); `staff_data_json` writes them for the file."""
    sources = staff_traces(user)
    if sources is None:
        return None
    return {
        "roles": _roles(sources),
        "publication_checks": _checks(sources),
        "takedown_tasks": _takedowns(sources),
        "monitoring_cases": _cases(sources, user),
        "protocol_confirmations": _confirmations(sources),
        "review_rounds_opened": _review_rounds(sources),
        "decisions_recorded": _recorded(sources),
    }


LABELS = {"role_label", "status_label", "method_label", "media_label"}


def staff_data_json(user) -> dict | None:
    """`staff_data` for the download: codes rather than the page's labels, ISO moments."""
    data = staff_data(user)
    if data is None:
        return None
    return {
        part: [
            {key: _iso(value) if key in MOMENTS else value for key, value in row.items()}
            for row in [{k: v for k, v in row.items() if k not in LABELS} for row in rows]
        ]
        for part, rows in data.items()
    }


MOMENTS = {"at", "since", "until", "closed_at", "handed_over_at", "opened_at"}
