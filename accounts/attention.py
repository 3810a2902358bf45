""" "Wat vraagt aandacht": what a director (per school) or the board (every school, with a
foundation total) should act on this week, each line pointing to where it is handled.

The home pages are the one place that reads every app, so this module may import consent,
monitoring and policy (the apps themselves never import accounts' pages). Every query is
for all schools at once: the number of queries does not grow with pupils or schools.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from consent.access import by_picture, waits_for_a_leader
from consent.models import MediaType, ReminderSent, ReviewRound, TakedownTask
from consent.reports import (
    PupilRow,
    answer_rows,
    gezag_names,
    pupil_rows,
    review_rounds_with_progress,
)
from consent.rules import State, answers_state, latest_answers, purpose_infos
from consent.services import reminded_since
from monitoring.models import SOURCE_FAILING, FollowUp, Source
from policy.models import ProtocolVersion
from policy.selectors import confirmation_counts
from schools.leaders import directed_school_ids
from schools.models import Guardianship, Pupil, School


@dataclass
class Family:
    guardian_id: int
    name: str
    reminded_on: datetime.date | None  # a reminder in the last 7 days
    active: bool  # False: account deactivated, no reminder reaches them
    reminders_stopped: bool = False  # they stopped reminder e-mails themselves
    # False: the reminder of `reminded_on` (the day it was claimed) is still queued; it
    # counts for the 7-day pause all the same
    reminder_delivered: bool = True
    # True: its e-mail duty gave up; it counts for nothing, and a new one may go at once
    reminder_failed: bool = False


@dataclass
class WaitingPupil:
    pupil: PupilRow
    open_questions: int
    families: list[Family]


@dataclass
class GroupWaiting:
    name: str
    group_id: int | None
    pupils: list[WaitingPupil] = field(default_factory=list)


@dataclass
class SchoolAttention:
    school: School
    has_director: bool
    pupil_count: int = 0
    groups: list[GroupWaiting] = field(default_factory=list)
    conflicts: list[tuple[PupilRow, int]] = field(default_factory=list)
    takedowns: list[TakedownTask] = field(default_factory=list)
    cases: list[FollowUp] = field(default_factory=list)
    protocol_missing: int = 0
    sources_failing: list[Source] = field(default_factory=list)
    # this school year's groups without a teacher (the director's home only: read with the
    # schools, schools.staffing.untaught_group_count)
    untaught_groups: int = 0
    untaught_next_year: int = 0  # the same for next school year, in June and July
    # False: no group of this school year yet (a new school year before this year's pupil
    # list was imported; the director's home only, read with the schools)
    has_groups: bool = True
    # current pupils and no review round of this school year yet (the director's home only,
    # read with the schools: consent.reports.review_round_due)
    review_round_due: bool = False
    # this school year's round once opened, with its `confirmation_count` (the director's
    # home only: consent.reports.review_rounds_with_progress, as the coverage page reads it)
    review_round: ReviewRound | None = None

    @property
    def waiting_pupils(self) -> int:
        return sum(len(g.pupils) for g in self.groups)

    @property
    def urgent_cases(self) -> int:
        return sum(1 for case in self.cases if case.is_urgent)

    @property
    def all_clear(self) -> bool:
        return not (
            self.waiting_pupils
            or self.conflicts
            or self.takedowns
            or self.cases
            or self.protocol_missing
            or self.sources_failing
            or self.untaught_groups
            or self.untaught_next_year
            or self.review_round_due
            or self.groups_missing
        )

    @property
    def groups_missing(self) -> bool:
        """Pupils, but no group of this school year: the list is still to be imported."""
        return bool(self.pupil_count) and not self.has_groups


@dataclass
class Overview:
    schools: list[SchoolAttention]
    foundation_sources: list[Source]  # failing sources of no one school (board only)

    @property
    def total(self) -> dict:
        return {
            "pupil_count": sum(s.pupil_count for s in self.schools),
            "waiting_pupils": sum(s.waiting_pupils for s in self.schools),
            "conflicts": sum(len(s.conflicts) for s in self.schools),
            "takedowns": sum(len(s.takedowns) for s in self.schools),
            "cases": sum(len(s.cases) for s in self.schools),
            "urgent_cases": sum(s.urgent_cases for s in self.schools),
            "protocol_missing": sum(s.protocol_missing for s in self.schools),
            "sources_failing": sum(len(s.sources_failing) for s in self.schools)
            + len(self.foundation_sources),
        }

    @property
    def without_director(self) -> list[SchoolAttention]:
        return [s for s in self.schools if not s.has_director]


def _recent_reminders(school_ids, now) -> dict[int, tuple[datetime.date, bool, bool]]:
    """Parent -> (day, delivered, failed) of their latest reminder of the last 7 days: the
    day the SMTP server accepted it, or, not delivered (yet, or ever: its duty gave up),
    the day it was claimed."""
    holders = Guardianship.objects.filter(pupil__school_id__in=school_ids).values("user_id")
    rows = ReminderSent.objects.filter(
        user_id__in=holders, sent_at__gt=reminded_since(now)
    ).values_list("user_id", "sent_at", "delivered_at", "failed_at")
    latest: dict[int, tuple] = {}
    for row in rows:
        if row[0] not in latest or row[1] > latest[row[0]][1]:
            latest[row[0]] = row
    return {
        user_id: (
            timezone.localdate(delivered_at or sent_at),
            delivered_at is not None,
            failed_at is not None,
        )
        for user_id, sent_at, delivered_at, failed_at in latest.values()
    }


def _add_consent(by_school: dict[int, SchoolAttention], now) -> None:
    """Pupils with open questions per group (with their families) and conflicts.
    4 queries: pupils, purposes, gezag-holders with their names (for the rules and the
    reminder links alike), events; +1 recent reminders."""
    current = Pupil.objects.current().filter(school_id__in=list(by_school))
    pupils = pupil_rows(current)
    infos = purpose_infos()
    # the same pupils as a subquery: PostgreSQL joins, Django need not bind their ids
    pupil_ids = current.values("id")
    guardians, _names = gezag_names(pupil_ids)
    holders = {pupil_id: {h.user_id for h in rows} for pupil_id, rows in guardians.items()}
    answers = latest_answers(
        answer_rows(pupil_ids, infos),
        holders=holders,
        baselines={info.purpose.pk: info.baseline for info in infos},
    )
    # per pupil, how many of its cells are in conflict and how many are answered at all
    counts: dict[int, list[int]] = {}
    for (pupil_id, _purpose, _media), latest in answers.items():
        state = answers_state(latest.values())
        count = counts.get(pupil_id)
        if count is None:
            count = counts[pupil_id] = [0, 0]
        count[0] += state == State.CONFLICT
        count[1] += 1  # a cell with a current gezag-holder's answer is answered
    cells = len(infos) * len(MediaType.values)
    reminded = _recent_reminders(list(by_school), now)
    groups: dict[tuple[int, str], GroupWaiting] = {}
    for pupil in pupils:
        item = by_school[pupil.school_id]
        item.pupil_count += 1
        if pupil.not_in_picture:
            continue  # never in the picture: no question is open, no conflict counts
        conflicts, answered = counts.get(pupil.pk, (0, 0))
        if conflicts:
            item.conflicts.append((pupil, conflicts))
        open_questions = cells - answered
        if not open_questions:
            continue
        name = pupil.group_name or "—"
        key = (pupil.school_id, name)
        if key not in groups:
            groups[key] = GroupWaiting(name, pupil.group_id)
            item.groups.append(groups[key])
        families = []
        for h in guardians.get(pupil.pk, []):
            day, delivered, failed = reminded.get(h.user_id, (None, True, False))
            families.append(
                Family(h.user_id, h.name, day, h.active, h.reminders_stopped, delivered, failed)
            )
        groups[key].pupils.append(WaitingPupil(pupil, open_questions, families))


def _add_work(by_school: dict[int, SchoolAttention]) -> None:
    """Open takedowns (oldest first) and open cases (urgent first). 2 queries."""
    ids = list(by_school)
    takedowns = (
        TakedownTask.objects.filter(publication_check__school_id__in=ids, done_at__isnull=True)
        .select_related("publication_check__purpose", "assigned_to")
        .annotate(waits=waits_for_a_leader())
        .order_by("created_at")
    )
    # one line per publication, however many pupils it lost, with the picture's latest
    # hand-over (`handed_over`) as the takedowns page shows it
    for picture in by_picture(takedowns):
        by_school[picture[0].publication_check.school_id].takedowns.append(picture[0])
    cases = (
        FollowUp.objects.filter(school_id__in=ids, status__in=FollowUp.OPEN_STATUSES)
        .select_related("assigned_to")
        .order_by("priority", "opened_at")
    )
    for case in cases:
        by_school[case.school_id].cases.append(case)


def _add_protocol(by_school: dict[int, SchoolAttention]) -> None:
    """Staff who have not confirmed the current protocol version. 2 queries."""
    version = ProtocolVersion.objects.current()
    if version is None:
        return
    counts = confirmation_counts(list(by_school), version)
    for school_id, attention in by_school.items():
        total, confirmed = counts.get(school_id, (0, 0))
        attention.protocol_missing = total - confirmed


def failing_sources(school_ids, *, foundation: bool):
    """Failing sources of these schools (`foundation`: and those of no one school), most
    failures first; with `school_ids` None, of every school: the foundation's, read from
    the partial index of failing sources (monitoring.Source, `source_failing`)."""
    failing = Source.objects.filter(SOURCE_FAILING)
    if school_ids is not None:
        where = Q(school_id__in=school_ids)
        if foundation:
            where |= Q(school__isnull=True)
        failing = failing.filter(where)
    return failing.order_by("-consecutive_failures", "name")


def _add_review_rounds(by_school: dict[int, SchoolAttention], year: str) -> None:
    """This school year's review rounds opened, with how many parents confirmed. 1 query."""
    for review_round in review_rounds_with_progress(year).filter(school_id__in=list(by_school)):
        by_school[review_round.school_id].review_round = review_round


def attention_overview(
    schools,
    *,
    foundation: bool = False,
    directed: bool = False,
    review_year: str | None = None,
    now=None,
) -> Overview:
    """What needs attention in these schools. `foundation` adds sources of no one school;
    `directed`: every school is known to have a director (the director's own home, whose
    schools are those the logged-in, active user directs), one query fewer. `review_year`:
    the progress of that school year's review rounds too (the director's home), one
    query more."""
    now = now or timezone.now()
    schools = list(schools)
    if directed:
        with_director = {s.pk for s in schools}
    else:
        with_director = directed_school_ids([s.pk for s in schools])
    by_school = {
        s.pk: SchoolAttention(
            s,
            s.pk in with_director,
            untaught_groups=getattr(s, "untaught_groups", 0),
            untaught_next_year=getattr(s, "untaught_next_year", 0),
            has_groups=getattr(s, "has_groups", True),
            review_round_due=getattr(s, "review_round_due", False),
        )
        for s in schools
    }
    overview = Overview(list(by_school.values()), [])
    if not schools:
        return overview
    _add_consent(by_school, now)
    _add_work(by_school)
    _add_protocol(by_school)
    if review_year is not None:
        _add_review_rounds(by_school, review_year)
    for source in failing_sources(list(by_school), foundation=foundation):
        if source.school_id is None:
            overview.foundation_sources.append(source)
        else:
            by_school[source.school_id].sources_failing.append(source)
    return overview
