"""What the portal keeps about a person as staff, for "Mijn gegevens" (AVG right of access).

A staff member is a data subject too: their roles and when they held them, the checks
before posting they made (the photo page's included), the takedown tasks given to them or
closed by them, the monitoring cases they have or closed, what else they did in monitoring
(flags marked or dismissed, posts reported, public replies drafted, approved or posted),
the texts they published (a channel's text for parents, the protocol's drafts and
releases), their protocol confirmations, the review rounds they opened, the reminders they
sent parents, the decisions they recorded for parents and the changes they made to others'
roles and gezag.

Only the person's own traces, and never a pupil's or parent's name: a check says how many
pupils it held, not who (that is the pupils' data). Nor a case's post text or notes, which
colleagues write about others, nor a reply's or a published text's words (the reply is
about others; a text is the foundation's, readable where it is published). Changes to
others' roles and gezag, and reminders sent, are counted per school, without whose. The
one colleague named is the one a takedown task was handed over from, as the task itself
shows.

In `accounts`, which reads every app for the home pages too: the cases are `monitoring`'s,
and no `consent` module reads `monitoring` itself; consent's "Mijn gegevens" views call this.

A fixed number of queries, whatever the rows: one to ask whether a person without a
current membership has any staff trace at all (none for a staff member: their memberships
come with the session), then ten: roles now, roles ended, checks, takedowns, cases,
protocol confirmations, review rounds opened, recorded decisions, one UNION of their
actions in monitoring and texts published, and one UNION of the changes they made for
others and the reminders they sent, counted per school.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from consent.models import (
    Appearance,
    ConsentEvent,
    MediaType,
    PublicationCheck,
    PurposeVersion,
    ReminderSent,
    ReviewRound,
    TakedownTask,
)
from consent.reports import _iso  # moments on the schools' clock, as the parent's part
from monitoring.models import CATEGORY_LABELS, Flag, FollowUp, Post, PublicReply
from policy.models import Acknowledgement, ProtocolVersion, Release
from schools.access import is_staff_member
from schools.models import GezagChange, MembershipChange, StaffMembership

MEDIA = dict(MediaType.choices)


def _sources(user) -> dict[str, QuerySet]:
    """Each kind of staff trace of `user`, unread; `staff_traces` asks whether any exists
    and the readers below read each: one list, so the two never disagree."""
    return {
        "memberships": StaffMembership.objects.filter(user=user),
        "ended": MembershipChange.objects.filter(user=user, change=MembershipChange.Change.ENDED),
        "checks": PublicationCheck.objects.filter(checked_by=user),
        "takedowns": TakedownTask.objects.filter(Q(assigned_to=user) | Q(done_by=user)),
        "cases": FollowUp.objects.filter(Q(assigned_to=user) | Q(closed_by=user)),
        "confirmations": Acknowledgement.objects.filter(user=user),
        "review_rounds": ReviewRound.objects.filter(opened_by=user),
        "recorded": ConsentEvent.objects.filter(recorded_by=user),
        # read together, in one UNION (_actions)
        "flags_marked": Flag.objects.filter(marked_by=user),
        "flags_dismissed": Flag.objects.filter(dismissed_by=user),
        "posts_reported": Post.objects.filter(reported_by=user),
        "replies_drafted": PublicReply.objects.filter(drafted_by=user),
        "replies_approved": PublicReply.objects.filter(approved_by=user),
        "replies_posted": PublicReply.objects.filter(posted_by=user),
        "channel_texts": PurposeVersion.objects.filter(created_by=user),
        "protocol_drafts": ProtocolVersion.objects.filter(created_by=user),
        "protocol_releases": ProtocolVersion.objects.filter(published_by=user),
        # read together, in one UNION (_counted_per_school)
        "memberships_changed": MembershipChange.objects.filter(by=user),
        "gezag_changed": GezagChange.objects.filter(by=user),
        "reminders_sent": ReminderSent.objects.filter(sent_by=user),
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


def _takedowns(sources, user) -> list[dict]:
    """Tasks given to them, and tasks they closed (a director who took a teacher's
    picture offline closes every pupil's task of it)."""
    rows = (
        sources["takedowns"]
        .order_by("-created_at", "-id")
        .values_list(
            *("created_at", "publication_check__school__name", "publication_check__purpose__name"),
            *("publication_check__media_type", "done_at", "closed_reason"),
            *("handed_over_at", "handed_over_from_name", "assigned_to_id", "done_by_id"),
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
            "handed_over_at": handed,
            "handed_over_from": giver or None,
            "assigned_to_you": assignee == user.pk,
            "closed_by_you": closer == user.pk,
        }
        for at, school, channel, media, done_at, closed, handed, giver, assignee, closer in rows
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


def _text(value) -> Value:
    return Value(value, output_field=CharField())


NO_NUMBER = Value(None, output_field=IntegerField())


def _action(qs: QuerySet, what: str, moment: str, place, label, ref, detail) -> QuerySet:
    """One part of the actions' UNION: every part the same six columns, in this order,
    all annotations (so no model field is put before them), without ordering."""
    return (
        qs.order_by()
        .annotate(what=_text(what))
        .annotate(moment=F(moment))
        .annotate(place=place)
        .annotate(label=label)
        .annotate(ref=ref)
        .annotate(detail=detail)
        .values_list("what", "moment", "place", "label", "ref", "detail")
    )


# what a row of _actions is: in monitoring (with the flag's category and the case), or a
# text published (with the channel and the version)
MONITORING = (
    "flag_marked",
    "flag_dismissed",
    "post_reported",
    "reply_drafted",
    "reply_approved",
    "reply_posted",
)
TEXTS = ("channel_text", "protocol_draft", "protocol_published")


def _actions(sources) -> tuple[list[dict], list[dict]]:
    """What they did in monitoring and the texts they published, newest first: one UNION.
    Never a post's, reply's or text's words: the category, the case, the version."""
    none = _text(None)
    flag = (F("school__name"), F("category"), F("followup_id"), none)
    reply = (F("followup__school__name"), none, F("followup_id"), none)
    parts = [
        _action(sources["flags_marked"], "flag_marked", "marked_at", *flag),
        _action(sources["flags_dismissed"], "flag_dismissed", "dismissed_at", *flag),
        _action(
            sources["posts_reported"],
            *("post_reported", "fetched_at", F("source__school__name"), none, NO_NUMBER, none),
        ),
        _action(sources["replies_drafted"], "reply_drafted", "drafted_at", *reply),
        _action(sources["replies_approved"], "reply_approved", "approved_at", *reply),
        _action(sources["replies_posted"], "reply_posted", "posted_at", *reply),
        _action(
            sources["channel_texts"],
            *("channel_text", "published_at", none, F("purpose__name"), F("number"), F("kind")),
        ),
        _action(
            sources["protocol_drafts"],
            *("protocol_draft", "created_at", none, none, F("number"), none),
        ),
        _action(
            sources["protocol_releases"],
            *("protocol_published", "published_at", none, none, F("number"), F("release__kind")),
        ),
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by("-moment", "what")
    monitoring, texts = [], []
    kinds = dict(PurposeVersion.Kind.choices) | dict(Release.Kind.choices)
    for what, moment, place, label, ref, detail in rows:
        if what in MONITORING:
            category = label or None
            monitoring.append(
                {"action": what, "at": moment, "school": place, "category": category}
                | {"category_label": CATEGORY_LABELS.get(category, category) if category else None}
                | {"case": ref}
            )
        else:
            texts.append(
                {"text": what, "at": moment, "channel": label, "version": ref}
                | {"kind": detail or None, "kind_label": kinds.get(detail, detail)}
            )
    return monitoring, texts


def _counted_per_school(sources) -> tuple[list[dict], list[dict]]:
    """Changes they made to who reaches pupil data (staff roles and groups, and parents'
    gezag), and the reminders they sent parents: how many per school, the first and the
    last, never whose (one UNION)."""

    def counted(qs: QuerySet, what, place, moment="at") -> QuerySet:
        return (
            qs.order_by()
            .annotate(what=what, place=place)
            .values("what", "place")
            .annotate(n=Count("id"), first=Min(moment), last=Max(moment))
            .values_list("what", "place", "n", "first", "last")
        )

    role_or_group = Case(
        When(change__in=MembershipChange.GROUP_CHANGES, then=_text("group")),
        default=_text("membership"),
    )
    rows = (
        counted(sources["memberships_changed"], role_or_group, F("school_name"))
        .union(
            counted(sources["gezag_changed"], _text("gezag"), F("pupil__school__name")),
            counted(sources["reminders_sent"], _text("reminders"), F("sent_from__name"), "sent_at"),
        )
        .order_by("place", "what")
    )
    changes, reminders = [], []
    for what, place, n, first, last in rows:
        counts = {"count": n, "first_at": first, "last_at": last}
        if what == "reminders":  # no school: one deleted since
            reminders.append({"school": place or None} | counts)
        else:  # no school: a role of every school
            changes.append({"change": what, "school": place or None} | counts)
    return changes, reminders


def staff_data(user) -> dict | None:
    """The person's staff part of "Mijn gegevens", or None without any staff trace.
    Moments as stored (aware datetimes); `staff_data_json` writes them for the file."""
    sources = staff_traces(user)
    if sources is None:
        return None
    monitoring, texts = _actions(sources)
    changes, reminders = _counted_per_school(sources)
    return {
        "roles": _roles(sources),
        "publication_checks": _checks(sources),
        "takedown_tasks": _takedowns(sources, user),
        "monitoring_cases": _cases(sources, user),
        "monitoring_actions": monitoring,
        "texts": texts,
        "protocol_confirmations": _confirmations(sources),
        "review_rounds_opened": _review_rounds(sources),
        "reminders_sent": reminders,
        "decisions_recorded": _recorded(sources),
        "changes_made": changes,
    }


LABELS = {
    "role_label",
    "status_label",
    "method_label",
    "media_label",
    "category_label",
    "kind_label",
}


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


MOMENTS = {
    *("at", "since", "until", "closed_at", "handed_over_at", "opened_at"),
    *("first_at", "last_at"),
}
