"""Read-only views over consent for directors, the board and parents (no workflows here)."""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from consent.models import (
    CheckedPupil,
    ConsentEvent,
    MediaType,
    PublicationCheck,
    ReviewConfirmation,
)
from consent.rules import State, consent_table, purpose_infos
from schools.models import Guardianship, Pupil, School


@dataclass
class GroupCoverage:
    name: str
    pupils: int = 0
    counts: Counter = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        return self.counts[State.GRANTED] + self.counts[State.REFUSED]

    @property
    def unanswered(self) -> int:
        return self.counts[State.UNANSWERED]

    @property
    def conflicts(self) -> int:
        return self.counts[State.CONFLICT]

    @property
    def refused(self) -> int:
        return self.counts[State.REFUSED]

    @property
    def granted(self) -> int:
        return self.counts[State.GRANTED]

    @property
    def not_in_picture(self) -> int:
        return self.counts[State.NOT_IN_PICTURE]


@dataclass
class Conflict:
    pupil: Pupil
    purpose_name: str
    media_label: str
    answers: list[tuple[str, bool]]  # (guardian name, granted)


@dataclass
class SchoolCoverage:
    school: School
    groups: list[GroupCoverage]
    total: GroupCoverage
    conflicts: list[Conflict]

    def conflicts_by_pupil(self) -> list[tuple[Pupil, list[Conflict]]]:
        grouped: dict[int, tuple[Pupil, list[Conflict]]] = {}
        for conflict in self.conflicts:
            grouped.setdefault(conflict.pupil.pk, (conflict.pupil, []))[1].append(conflict)
        return list(grouped.values())


def school_pupils(school: School) -> list[Pupil]:
    return list(
        Pupil.objects.current()
        .filter(school=school)
        .select_related("group")
        .order_by("group__name", "first_name", "last_name")
    )


def school_coverage(school: School) -> SchoolCoverage:
    """Cells (pupil × purpose × media type) per state, per group. 4 queries, +1 with conflicts."""
    pupils = school_pupils(school)
    infos = purpose_infos()
    table = consent_table(pupils, infos)
    groups: dict[str, GroupCoverage] = {}
    total = GroupCoverage(name="")
    conflicts = []
    conflict_guardians: set[int] = set()
    for pupil in pupils:
        name = pupil.group.name if pupil.group else "—"
        group = groups.setdefault(name, GroupCoverage(name=name))
        group.pupils += 1
        total.pupils += 1
        for info in infos:
            for media in MediaType:
                state = table.state(pupil.pk, info.purpose.pk, media)
                group.counts[state] += 1
                total.counts[state] += 1
                if state == State.CONFLICT:
                    latest = table.latest_by_guardian(pupil.pk, info.purpose.pk, media)
                    conflict_guardians.update(latest)
                    conflicts.append(
                        Conflict(
                            pupil,
                            info.purpose.name,
                            media.label,
                            [(gid, d.granted) for gid, d in latest.items()],
                        )
                    )
    names = {}
    if conflict_guardians:
        users = get_user_model().objects.filter(pk__in=conflict_guardians)
        names = dict(users.values_list("pk", "full_name"))
    for conflict in conflicts:
        conflict.answers = [(names.get(gid) or "—", granted) for gid, granted in conflict.answers]
    return SchoolCoverage(school, list(groups.values()), total, conflicts)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading ' stops that."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def coverage_csv(school: School) -> str:
    pupils = school_pupils(school)
    infos = purpose_infos()
    table = consent_table(pupils, infos)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "school",
            "group",
            "leerlingnummer",
            "first_name",
            "last_name",
            "purpose",
            "media",
            "state",
        ]
    )
    for pupil in pupils:
        for info in infos:
            for media in MediaType.values:
                row = [
                    school.code,
                    pupil.group.name if pupil.group else "",
                    pupil.leerlingnummer,
                    pupil.first_name,
                    " ".join(p for p in (pupil.name_prefix, pupil.last_name) if p),
                    info.purpose.code,
                    media,
                    table.state(pupil.pk, info.purpose.pk, media).value,
                ]
                writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    """Everything the portal holds about a parent and their children (AVG right of access).

    Publication checks list only the parent's own children, never other pupils.
    """
    guardianships = list(
        Guardianship.objects.filter(user=user).select_related("pupil__school", "pupil__group")
    )
    children = [g.pupil for g in guardianships]
    child_ids = [c.pk for c in children]
    events = ConsentEvent.objects.filter(pupil_id__in=child_ids).select_related(
        "purpose", "purpose_version", "guardian", "recorded_by"
    )
    checks = (
        PublicationCheck.objects.filter(pupils__in=child_ids)
        .distinct()
        .select_related("purpose", "school", "replaced_by")
    )
    confirmations = ReviewConfirmation.objects.filter(user=user).select_related("review_round")
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "children": [
            {
                "id": c.pk,
                "first_name": c.first_name,
                "name_prefix": c.name_prefix,
                "last_name": c.last_name,
                "leerlingnummer": c.leerlingnummer,
                "birth_date": _iso(c.birth_date),
                "school": c.school.name,
                "group": c.group.name if c.group else None,
                "left_on": _iso(c.left_on),
            }
            for c in children
        ],
        "guardianships": [
            {"child": g.pupil_id, "has_parental_authority": g.has_parental_authority}
            for g in guardianships
        ],
        "consent_history": [
            {
                "child": e.pupil_id,
                "guardian": "you" if e.guardian_id == user.pk else "other_parent",
                "purpose": e.purpose.code,
                "purpose_version": e.purpose_version.number,
                "text_hash": e.text_hash,
                "media_type": e.media_type,
                "granted": e.granted,
                "method": e.method,
                "recorded_by": (e.recorded_by.full_name or e.recorded_by.email)
                if e.recorded_by
                else None,
                "at": _iso(e.created_at),
            }
            for e in events
        ],
        "publication_checks": [
            {
                "at": _iso(check.created_at),
                "school": check.school.name,
                "purpose": check.purpose.code,
                "media_type": check.media_type,
                "results": [r for r in check.results if r["pupil"] in child_ids],
                "replaced_by_newer_check": hasattr(check, "replaced_by"),
            }
            for check in checks
        ],
        "review_confirmations": [
            {
                "child": c.pupil_id,
                "school_year": c.review_round.school_year,
                "at": _iso(c.confirmed_at),
            }
            for c in confirmations
        ],
        "reminders_sent": [
            _iso(at) for at in user.consent_reminders.values_list("sent_at", flat=True)
        ],
    }


def child_history(pupil: Pupil):
    return (
        ConsentEvent.objects.filter(pupil=pupil)
        .select_related("purpose", "purpose_version", "guardian", "recorded_by")
        .order_by("-created_at", "-id")
    )


def readable_personal_data(user) -> dict:
    """The same data as `personal_data`, for the page: Dutch labels, real dates, channel
    and media names instead of codes, and "you" or "the other parent" instead of addresses.
    """
    guardianships = list(
        Guardianship.objects.filter(user=user).select_related("pupil__school", "pupil__group")
    )
    child_ids = [g.pupil_id for g in guardianships]
    names = {g.pupil_id: g.pupil.first_name for g in guardianships}
    events = ConsentEvent.objects.filter(pupil_id__in=child_ids).select_related(
        "purpose", "purpose_version", "recorded_by"
    )
    rows = CheckedPupil.objects.filter(pupil_id__in=child_ids).select_related(
        "publication_check__purpose", "publication_check__school"
    )
    return {
        "account": user,
        "guardianships": guardianships,
        "events": [
            {"event": e, "child": names[e.pupil_id], "by_you": e.guardian_id == user.pk}
            for e in events
        ],
        "checks": [{"row": r, "child": names[r.pupil_id]} for r in rows],
        "confirmations": ReviewConfirmation.objects.filter(user=user).select_related(
            "review_round", "pupil"
        ),
        "reminders": list(user.consent_reminders.values_list("sent_at", flat=True)),
    }
