"""Read-only views over consent for directors, the board and parents (no workflows here)."""

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, NamedTuple

from allauth.account.models import EmailAddress
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consent.history import HistoryEvent
from consent.models import (
    CheckedPupil,
    ConsentEvent,
    MediaType,
    PublicationCheck,
    ReminderOptOut,
    ReminderSent,
    ReviewConfirmation,
    ReviewRound,
    TakedownTask,
)
from consent.reminder_stop import reminder_opt_out
from consent.rules import (
    Decision,
    Key,
    PurposeInfo,
    State,
    answers_state,
    effective_state,
    gezag_holders,
    holds_gezag,
    is_allowed,
    latest_answers,
    purpose_infos,
    still_counts,
)
from consent.services import reminded_since
from opo_portal import sql
from schools.access import children_of
from schools.models import Group, Guardianship, Pupil, School
from schools.tabular import csv_bytes_of_lines, csv_cell, csv_piece, csv_text_of_lines


class _PupilRowFields(NamedTuple):
    """PupilRow's columns."""

    pk: int
    first_name: str
    name_prefix: str
    last_name: str
    leerlingnummer: str
    group_id: int | None
    group_name: str | None
    not_in_picture: bool
    school_id: int


class PupilRow(_PupilRowFields):
    """A current pupil as the school-wide pages read them: plain values, no model
    instances (a school's pages read hundreds of pupils). (The columns are a base class:
    a NamedTuple's own class body holds fields only, for the type checker.)"""

    __slots__ = ()

    full_name = Pupil.full_name  # the model's own property: it reads only the name fields

    @property
    def surname(self) -> str:
        return " ".join(p for p in (self.name_prefix, self.last_name) if p)

    @classmethod
    def of(cls, values) -> "PupilRow":
        """A row as read (PUPIL_ROW_FIELDS). A pupil stored in another school's group (a
        row `manage.py check_reach_data` lists) is in no group here, as in reach: the
        group's name is read from the pupil's own school only, and its id goes with it,
        so no page links to a group its reader may not reach or counts the pupil there."""
        row = cls._make(values)
        if row.group_name is None and row.group_id is not None:
            return row._replace(group_id=None)
        return row


PUPIL_ROW_FIELDS = [
    "id",
    "first_name",
    "name_prefix",
    "last_name",
    "leerlingnummer",
    "group_id",
    "group_name",
    "not_in_picture",
    "school_id",
]


def pupil_rows(pupils) -> list[PupilRow]:
    """These pupils (a queryset) ordered by group name and name, as PupilRow. One query.

    The group's name is a subquery per pupil (its primary key, in the pupil's school), not
    a join: for the pupils of a few schools PostgreSQL chose to hash every group of the
    foundation instead (12 ms at national size for 64 pupils; bench/web/explain.py, board
    home). The subquery is unordered: Group's default ordering would join every school into
    it, for each pupil."""
    return list(map(PupilRow.of, pupil_rows_query(pupils)))


def pupil_rows_query(pupils):
    """pupil_rows' query: the fields of PupilRow, in its order."""
    of_group = Group.objects.filter(pk=OuterRef("group_id"), school_id=OuterRef("school_id"))
    group_name = of_group.order_by().values("name")
    return (
        pupils.annotate(group_name=Subquery(group_name))
        .order_by("group_name", "first_name", "last_name")
        .values_list(*PUPIL_ROW_FIELDS)
    )


class Holder(NamedTuple):
    """A gezag-holder as the name lists show them (reminder links, the paper form)."""

    user_id: int
    name: str
    active: bool  # False: the account is deactivated; no reminder e-mail reaches them
    reminders_stopped: bool  # they stopped reminder e-mails themselves (ReminderOptOut)


class Reminded(NamedTuple):
    """A gezag-holder's latest reminder of the last 7 days, as the director's home says
    it: the day the SMTP server accepted it, or (not delivered yet, or never: its duty
    gave up) the day it was claimed."""

    day: datetime.date
    delivered: bool
    failed: bool  # it counts for nothing: a new one may go at once

    @classmethod
    def of(cls, sent_at, delivered_at, failed_at) -> "Reminded":
        return cls(
            timezone.localdate(delivered_at or sent_at),
            delivered_at is not None,
            failed_at is not None,
        )


@dataclass
class PupilCoverage:
    """One pupil's answers in short: what is still open, and who can answer it."""

    pupil: PupilRow
    unanswered: list[tuple[str, list[str]]] = field(default_factory=list)  # (channel, media)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (channel, media)
    not_in_picture: bool = False
    guardians: list[Holder] = field(default_factory=list)  # gezag-holders

    @property
    def complete(self) -> bool:
        return not self.unanswered and not self.conflicts


@dataclass
class GroupCoverage:
    name: str
    group_id: int | None = None
    pupils: int = 0
    counts: Counter = field(default_factory=Counter)
    rows: list[PupilCoverage] = field(default_factory=list)

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

    # Per pupil, next to the per-cell counts above; the page reads each several times.
    @cached_property
    def pupils_complete(self) -> int:
        return sum(1 for r in self.rows if r.complete and not r.not_in_picture)

    @cached_property
    def pupils_waiting(self) -> list[PupilCoverage]:
        return [r for r in self.rows if r.unanswered]

    @cached_property
    def pupils_in_conflict(self) -> list[PupilCoverage]:
        return [r for r in self.rows if r.conflicts]

    @cached_property
    def pupils_never_in_picture(self) -> list[PupilCoverage]:
        return [r for r in self.rows if r.not_in_picture]


@dataclass
class Conflict:
    pupil: PupilRow
    purpose_name: str
    media_label: str
    answers: list[tuple[str, bool]]  # (guardian name, granted)


@dataclass
class SchoolCoverage:
    school: School
    groups: list[GroupCoverage]
    total: GroupCoverage
    conflicts: list[Conflict]
    # gezag-holder id -> their latest reminder of the last 7 days (CoverageInputs.reminded)
    reminded: dict[int, Reminded] = field(default_factory=dict)

    def conflicts_by_pupil(self) -> list[tuple[PupilRow, list[Conflict]]]:
        grouped: dict[int, tuple[PupilRow, list[Conflict]]] = {}
        for conflict in self.conflicts:
            grouped.setdefault(conflict.pupil.pk, (conflict.pupil, []))[1].append(conflict)
        return list(grouped.values())


def gezag_names(pupil_ids) -> tuple[dict[int, list[Holder]], dict[int, str]]:
    """Per pupil its gezag-holders (Holder), and every holder's name. One query."""
    return _named_holders(_holder_name_rows(pupil_ids))


def _holder_name_rows(pupil_ids, reminded_after: datetime.datetime | None = None):
    """(pupil id, user id, full name, e-mail, active, reminders stopped) of these pupils'
    gezag-holders, by name. A stop is the parent's, for every school (one per user).
    With `reminded_after`, each row ends with the sent_at, delivered_at and failed_at of
    the holder's latest reminder since then (None when there is none)."""
    stopped = ReminderOptOut.objects.filter(user_id=OuterRef("user_id"))
    fields = ["pupil_id", "user_id", "user__full_name", "user__email", "user__is_active"]
    fields.append("reminders_stopped")
    rows = Guardianship.objects.filter(
        pupil_id__in=pupil_ids, has_parental_authority=True
    ).annotate(reminders_stopped=Exists(stopped))
    if reminded_after is not None:
        latest = ReminderSent.objects.filter(
            user_id=OuterRef("user_id"), sent_at__gt=reminded_after
        ).order_by("-sent_at", "-id")
        rows = rows.annotate(
            **{f"reminder_{name}": Subquery(latest.values(name)[:1]) for name in REMINDER_TIMES}
        )
        fields += [f"reminder_{name}" for name in REMINDER_TIMES]
    return rows.order_by("user__full_name", "user__email").values_list(*fields)


REMINDER_TIMES = ("sent_at", "delivered_at", "failed_at")


@dataclass
class CoverageInputs:
    """What the coverage page, its chart and its export read, loaded once per request."""

    pupils: list[PupilRow]
    infos: list[PurposeInfo]
    holders: dict[int, set[int]]  # pupil id -> ids of its gezag-holders
    guardians: dict[int, list[Holder]]  # pupil id -> gezag-holders
    names: dict[int, str]  # gezag-holder id -> name
    answers: dict[Key, dict[int, bool]]  # consent.rules.latest_answers
    events: list[tuple]  # the rows read, with their time last (only when asked for)
    # gezag-holder id -> their latest reminder of the last 7 days (only with names)
    reminded: dict[int, Reminded] = field(default_factory=dict)

    @cached_property
    def cells(self) -> list[tuple[PurposeInfo, str, str]]:
        """(purpose info, media type, media label) in the page's order."""
        media = [(value, str(label)) for value, label in MediaType.choices]
        return [(info, value, label) for info in self.infos for value, label in media]

    @cached_property
    def states_by_pupil(self) -> dict[int, dict[tuple[int, str], State]]:
        """The state of every answered cell, once per request: (purpose, media) per pupil."""
        by_pupil: dict[int, dict[tuple[int, str], State]] = {}
        for (pupil_id, purpose_id, media), answers in self.answers.items():
            states = by_pupil.get(pupil_id)
            if states is None:
                states = by_pupil[pupil_id] = {}
            states[(purpose_id, media)] = answers_state(answers.values())
        return by_pupil

    def answered_rows(self, unanswered: list, values: Sequence[Mapping[State, Any]]) -> dict:
        """Per pupil with an answer: `unanswered` (a value per cell, self.cells order) with
        `values[index][state]` in each answered cell. One pass over the answered cells, the
        only ones an export visits one by one (issue 17: a school of 250 pupils has 4,500
        cells, ~1,300 of them answered). A pupil kept out of the picture is not left out
        here: `row` gives its value."""
        index_of = {key: index for index, key in enumerate(self.cell_keys)}
        rows: dict[int, list] = {}
        for (pupil_id, purpose_id, media), answers in self.answers.items():
            index = index_of[(purpose_id, media)]
            row = rows.get(pupil_id)
            if row is None:
                row = rows[pupil_id] = unanswered.copy()
            row[index] = values[index][answers_state(answers.values())]
        return rows

    @staticmethod
    def row(pupil: PupilRow, rows: dict, unanswered: list, never: list) -> list:
        """The pupil's line of `answered_rows`: `never` for a pupil kept out of the
        picture, `unanswered` for one without an answer (silence is never consent)."""
        if pupil.not_in_picture:
            return never
        return rows.get(pupil.pk, unanswered)

    @cached_property
    def cell_keys(self) -> list[tuple[int, str]]:
        return [(info.purpose.pk, media) for info, media, _label in self.cells]


UNANSWERED = State.UNANSWERED
STATE_ITSELF = {state: state for state in State}  # answered_rows' values for the states


def coverage_inputs(school: School, *, times: bool = False, names: bool = True) -> CoverageInputs:
    """Pupils, purposes, gezag-holders and everyone's latest answers: 4 queries. With
    `times`, the events read (their time last, in whole seconds since 1970) are kept for the
    chart; without `names` (the export), the gezag-holders are read without their names.

    With names, the gezag-holders are read once for both the rules and the reminder links.
    The school's pupils, holders and events are read as written out below (SCHOOL_*_SQL):
    through the ORM, building and reading them cost more CPU than PostgreSQL spent."""
    pupils = list(map(PupilRow.of, sql.rows(SCHOOL_PUPILS_SQL, [school.pk], _pupils_orm)))
    infos = purpose_infos()
    guardians: dict[int, list[Holder]] = {}
    holder_names: dict[int, str] = {}
    holders: dict[int, set[int]] = {}
    reminded: dict[int, Reminded] = {}
    if names:
        since = reminded_since(timezone.now())
        rows = sql.rows(SCHOOL_HOLDERS_SQL, [since, school.pk], _holders_orm)
        guardians, holder_names = _named_holders(rows)
        for pupil_id, holders_of_pupil in guardians.items():
            holders[pupil_id] = {holder.user_id for holder in holders_of_pupil}
        for row in rows:
            if row[6] is not None and row[1] not in reminded:
                reminded[row[1]] = Reminded.of(*row[6:9])
    else:
        for pupil_id, user_id in sql.rows(SCHOOL_HOLDER_IDS_SQL, [school.pk], _holder_ids_orm):
            holders.setdefault(pupil_id, set()).add(user_id)
    events = school_answer_rows(school, infos, times=times)
    answers = latest_answers(
        (row[:6] for row in events) if times else events,
        holders=holders,
        baselines={info.purpose.pk: info.baseline for info in infos},
    )
    return CoverageInputs(
        pupils, infos, holders, guardians, holder_names, answers, events if times else [], reminded
    )


# coverage_inputs' reads of one school's current pupils, written out (opo_portal.sql);
# each one's ORM form below reads the same rows (tests compare them).
# The group's name is joined from the school's own groups (pupil_rows reads the same):
# a subquery per pupil seq-scanned a small foundation's groups for every pupil (2.7 ms at
# small, 0.5 joined), a join on every group hashed a large one's (2.8 ms at large, 0.5).
SCHOOL_PUPILS_SQL = sql.prepared(
    "SELECT p.id, p.first_name, p.name_prefix, p.last_name, p.leerlingnummer, p.group_id,"
    " g.name AS group_name, p.not_in_picture, p.school_id FROM schools_pupil p"
    " LEFT JOIN schools_group g ON g.id = p.group_id AND g.school_id = p.school_id"
    " WHERE p.school_id = %s AND p.left_on IS NULL"
    " ORDER BY group_name, p.first_name, p.last_name"
)
# The gezag-holders of the pupils as an array of ids: joined to the pupils, PostgreSQL
# hashed every guardianship of a small foundation (2.0 ms for 250 pupils, 1.0 as below).
# A parent's stop of reminders is joined in (at most one per user: no row is doubled), and
# so is their latest reminder since the first parameter (one row, by the index on its
# user), so the reminder links know both without a query of their own.
SCHOOL_HOLDERS_SQL = sql.prepared(  # gezag_names' rows, then the latest reminder's times
    "SELECT h.pupil_id, h.user_id, u.full_name, u.email, u.is_active,"
    " o.id IS NOT NULL AS reminders_stopped, r.sent_at, r.delivered_at, r.failed_at"
    " FROM schools_guardianship h"
    " JOIN accounts_user u ON u.id = h.user_id"
    " LEFT JOIN consent_reminderoptout o ON o.user_id = h.user_id"
    " LEFT JOIN LATERAL (SELECT r.sent_at, r.delivered_at, r.failed_at"
    " FROM consent_remindersent r WHERE r.user_id = h.user_id AND r.sent_at > %s"
    " ORDER BY r.sent_at DESC, r.id DESC LIMIT 1) r ON true"
    " WHERE h.pupil_id = ANY(ARRAY(SELECT p.id FROM schools_pupil p"
    " WHERE p.school_id = %s AND p.left_on IS NULL)) AND h.has_parental_authority"
    " ORDER BY u.full_name, u.email"
)
SCHOOL_HOLDER_IDS_SQL = sql.prepared(  # the same without names: no user is read
    "SELECT h.pupil_id, h.user_id FROM schools_guardianship h"
    " WHERE h.pupil_id = ANY(ARRAY(SELECT p.id FROM schools_pupil p"
    " WHERE p.school_id = %s AND p.left_on IS NULL)) AND h.has_parental_authority"
)
# answer_rows' rows; with times, the time as whole seconds since 1970, rounded down (an
# integer is written and read faster than a timestamp or a float: 2,500 events a school)
SCHOOL_EVENTS = (
    "SELECT e.pupil_id, e.purpose_id, e.media_type, e.guardian_id, v.number, e.granted{time}"
    " FROM consent_consentevent e"
    " JOIN consent_purposeversion v ON v.id = e.purpose_version_id"
    " WHERE e.pupil_id IN (SELECT p.id FROM schools_pupil p"
    " WHERE p.school_id = %s AND p.left_on IS NULL)"
    " AND e.purpose_id = ANY(%s) AND e.media_type = ANY(%s)"
    " ORDER BY e.created_at, e.id"
)
EVENT_TIME = ", floor(date_part('epoch', e.created_at))::bigint"
SCHOOL_EVENTS_SQL = sql.prepared(SCHOOL_EVENTS.format(time=""))
SCHOOL_EVENTS_WITH_TIMES_SQL = sql.prepared(SCHOOL_EVENTS.format(time=EVENT_TIME))


def _current_of(school_id: int):
    return Pupil.objects.current().filter(school_id=school_id)


def _pupils_orm(school_id: int):
    return pupil_rows_query(_current_of(school_id))


def _holders_orm(reminded_after: datetime.datetime, school_id: int):
    return _holder_name_rows(_current_of(school_id).values("id"), reminded_after)


def _holder_ids_orm(school_id: int):
    return Guardianship.objects.filter(
        pupil_id__in=_current_of(school_id).values("id"), has_parental_authority=True
    ).values_list("pupil_id", "user_id")


def _events_orm(school_id: int, purpose_ids, media, *, times: bool = False):
    rows = _answer_query(_current_of(school_id).values("id"), purpose_ids, media, times=times)
    return [(*row[:-1], math.floor(row[-1].timestamp())) for row in rows] if times else rows


def school_answer_rows(school: School, infos, *, times: bool = False) -> list[tuple]:
    """answer_rows for the school's current pupils; with `times`, each row's time last
    as whole seconds since 1970 (rounded down)."""
    params = [school.pk, [info.purpose.pk for info in infos], MediaType.values]
    text = SCHOOL_EVENTS_WITH_TIMES_SQL if times else SCHOOL_EVENTS_SQL
    return sql.rows(text, params, partial(_events_orm, times=times))


def _named_holders(rows) -> tuple[dict[int, list[Holder]], dict[int, str]]:
    """gezag_names from its rows: (pupil id, user id, full name, e-mail, active,
    reminders stopped, and any columns after those)."""
    per_pupil: dict[int, list[Holder]] = {}
    names: dict[int, str] = {}
    for pupil_id, user_id, full_name, email, active, stopped, *_reminder in rows:
        names[user_id] = full_name or email
        holder = Holder(user_id, names[user_id], active, stopped)
        per_pupil.setdefault(pupil_id, []).append(holder)
    return per_pupil, names


def answer_rows(pupil_ids, infos, *, times: bool = False) -> list[tuple]:
    """These pupils' consent events for these purposes as consent.rules.latest_answers
    reads them, in the order they were made; with `times`, each with its time last."""
    purpose_ids = [info.purpose.pk for info in infos]
    return list(_answer_query(pupil_ids, purpose_ids, MediaType.values, times=times))


def _answer_query(pupil_ids, purpose_ids, media, *, times: bool = False):
    fields = ["pupil_id", "purpose_id", "media_type", "guardian_id", "purpose_version__number"]
    fields += ["granted", "created_at"] if times else ["granted"]
    return (
        ConsentEvent.objects.filter(
            pupil_id__in=pupil_ids, purpose_id__in=purpose_ids, media_type__in=media
        )
        .order_by("created_at", "id")
        .values_list(*fields)
    )


def school_coverage(school: School, inputs: CoverageInputs | None = None) -> SchoolCoverage:
    """Per group the cell counts (pupil × purpose × media type) and a row per pupil with
    names. A constant number of queries (coverage_inputs), none when given the inputs.

    Per pupil only its answered cells are looked at one by one: every other cell of the
    pupil is unanswered (or never in the picture)."""
    inputs = inputs or coverage_inputs(school)
    cells = [
        ((info.purpose.pk, media), info.purpose.name, label) for info, media, label in inputs.cells
    ]
    cell_count = len(cells)
    everything_open: dict[str, list[str]] = {}
    for _key, name, label in cells:
        everything_open.setdefault(name, []).append(label)
    states_of = inputs.states_by_pupil
    groups: dict[str, GroupCoverage] = {}
    conflicts: list[Conflict] = []
    for pupil in inputs.pupils:
        name = pupil.group_name or "—"
        group = groups.get(name)
        if group is None:
            group = groups[name] = GroupCoverage(name=name, group_id=pupil.group_id)
        row = PupilCoverage(pupil, [], [], pupil.not_in_picture, inputs.guardians.get(pupil.pk, []))
        group.rows.append(row)
        group.pupils += 1
        known = states_of.get(pupil.pk)
        if pupil.not_in_picture:
            group.counts[State.NOT_IN_PICTURE] += cell_count
        elif not known:
            group.counts[State.UNANSWERED] += cell_count
            row.unanswered = [
                (purpose, list(labels)) for purpose, labels in everything_open.items()
            ]
        else:
            _add_answered(row, known, cells, inputs, conflicts)
            group.counts[State.UNANSWERED] += cell_count - len(known)
            group.counts.update(known.values())
    total = GroupCoverage(name="")
    for group in groups.values():
        total.counts.update(group.counts)
        total.rows.extend(group.rows)
        total.pupils += group.pupils
    return SchoolCoverage(school, list(groups.values()), total, conflicts, inputs.reminded)


def _add_answered(row: PupilCoverage, known, cells, inputs: CoverageInputs, conflicts) -> None:
    """A pupil's open cells per channel, and its conflicts with each parent's answer."""
    missing: dict[str, list[str]] = {}
    pupil = row.pupil
    for key, purpose_name, label in cells:
        state = known.get(key)
        if state is None:
            labels = missing.get(purpose_name)
            if labels is None:
                missing[purpose_name] = [label]
            else:
                labels.append(label)
        elif state is CONFLICT:
            row.conflicts.append((purpose_name, label))
            latest = inputs.answers[(pupil.pk, *key)]
            answers = [(inputs.names.get(gid) or "—", yes) for gid, yes in latest.items()]
            conflicts.append(Conflict(pupil, purpose_name, label, answers))
    row.unanswered = list(missing.items())


CONFLICT = State.CONFLICT


COVERAGE_HEADERS = [
    _("School"),
    _("Group"),
    _("Pupil number"),
    _("First name"),
    _("Surname"),
    _("Channel"),
    _("Media type"),
    _("Status"),
    _("School year"),  # of the pupil's group; added last, so the columns before keep their place
]


def group_years(school: School, pupils: Sequence[PupilRow]) -> dict[int | None, str]:
    """The school year of each group of the school these pupils are in (a pupil stored in
    another school's group is in none, PupilRow.of). One query, none without a group."""
    ids = {pupil.group_id for pupil in pupils if pupil.group_id is not None}
    if not ids:
        return {}
    groups = Group.objects.filter(school=school, pk__in=ids).order_by()
    return dict(groups.values_list("pk", "school_year"))


def coverage_parts(school: School):
    """The export's rows in two parts, as both writers read them: per pupil its first five
    cells (school, group, number, names) with its states per cell, and per cell and state
    the three after them (channel, media type, state in words), which recur on every
    pupil, and per pupil its last cell (its group's school year, or empty)."""
    inputs = coverage_inputs(school, names=False)
    tails = _export_tails(inputs)
    years = group_years(school, inputs.pupils)
    count = len(inputs.cells)
    unanswered, never = [UNANSWERED] * count, [State.NOT_IN_PICTURE] * count
    rows = inputs.answered_rows(unanswered, [STATE_ITSELF] * count)
    heads = [
        (
            (school.name, p.group_name or "", p.leerlingnummer, p.first_name, p.surname),
            inputs.row(p, rows, unanswered, never),
            years.get(p.group_id, ""),
        )
        for p in inputs.pupils
    ]
    return [str(h) for h in COVERAGE_HEADERS], heads, tails


def _export_tails(inputs: CoverageInputs) -> list[dict[State, tuple[str, str, str]]]:
    """Per cell (inputs.cells order), per state its last three export cells."""
    words = {state: str(word) for state, word in EXPORT_STATES.items()}
    return [
        {state: (info.purpose.name, label, word) for state, word in words.items()}
        for info, _media, label in inputs.cells
    ]


def coverage_table(school: School) -> tuple[list[str], list[list]]:
    """One row per pupil × channel × media type, in Dutch words (shared CSV/xlsx writer)."""
    headers, heads, tails = coverage_parts(school)
    rows = [
        [*head, *tail[state], year]
        for head, states, year in heads
        for tail, state in zip(tails, states, strict=True)
    ]
    return headers, rows


def coverage_csv(school: School) -> str:
    """coverage_table as CSV text (schools.tabular.csv_text)."""
    return csv_text_of_lines([str(h) for h in COVERAGE_HEADERS], _coverage_blocks(school))


def coverage_csv_bytes(school: School) -> bytes:
    """coverage_csv as the UTF-8 bytes the download sends (csv_bytes_of_lines)."""
    return csv_bytes_of_lines([str(h) for h in COVERAGE_HEADERS], _coverage_blocks(school))


def _coverage_blocks(school: School) -> list[str]:
    """coverage_csv's lines, a block per pupil, written in pieces: each recurring run of
    cells (school and group; channel, media type and state; the group's school year) is
    made safe and quoted once, and a pupil's lines are one join of its cells' pieces."""
    inputs = coverage_inputs(school, names=False)
    tails = [
        {state: csv_piece(cells) for state, cells in tail.items()} for tail in _export_tails(inputs)
    ]
    open_line = [tail[UNANSWERED] for tail in tails]
    never_line = [tail[State.NOT_IN_PICTURE] for tail in tails]
    rows = inputs.answered_rows(open_line, tails)
    years = group_years(school, inputs.pupils)
    of_group: dict[int | None, tuple[str, str]] = {}
    blocks = []
    for pupil in inputs.pupils if tails else ():  # no channel: no line
        group = of_group.get(pupil.group_id)
        if group is None:
            group = of_group[pupil.group_id] = (
                csv_piece((school.name, pupil.group_name or "")),
                ";" + csv_cell(years.get(pupil.group_id, "")),
            )
        start, end = group
        start += ";" + csv_piece((pupil.leerlingnummer, pupil.first_name, pupil.surname)) + ";"
        cells = inputs.row(pupil, rows, open_line, never_line)
        blocks.append(start + (end + "\r\n" + start).join(cells) + end)
    return blocks


EXPORT_STATES = {
    State.GRANTED: pgettext_lazy("consent state", "allowed"),
    State.REFUSED: pgettext_lazy("consent state", "refused"),
    State.UNANSWERED: pgettext_lazy("consent state", "unanswered"),
    State.CONFLICT: pgettext_lazy("consent state", "parents disagree"),
    State.NOT_IN_PICTURE: pgettext_lazy("consent state", "never in picture"),
}


def _iso(value) -> str | None:
    """A date as it is; a moment on the schools' clock (Europe/Amsterdam) with its offset:
    a "ja" at 00:30 is of that day here as on the page, not of the day before in UTC."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, timezone.get_default_timezone())
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
    events = list(
        _decisions_to_show(user, child_ids).select_related(
            "purpose", "purpose_version", "guardian", "recorded_by"
        )
    )
    checks = (
        PublicationCheck.objects.filter(pupils__in=child_ids)
        .distinct()
        .select_related("purpose", "school", "replaced_by")
    )
    confirmations = list(
        ReviewConfirmation.objects.filter(user=user).select_related("review_round")
    )
    baselines = meaning_baselines()
    holders = gezag_holders(child_ids)
    takedowns = _takedowns_of(child_ids, _allowed_cells(children, events, holders, baselines))
    return {
        "account": {
            "email": user.email,
            "other_email_addresses": [
                {"email": address.email, "confirmed": address.verified}
                for address in other_addresses(user)
            ],
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
                # true: the channel's text changed in meaning after this answer, which is
                # kept as evidence but no longer counts (parents are asked again). Not
                # "still counts": a later answer of the same parent replaces it too.
                "meaning_changed_since": not still_counts(
                    e.purpose_version.number, baselines[e.purpose_id]
                ),
                # true: the parent who gave it (you or the other parent) no longer holds
                # gezag over the child (ended, or the link removed), so it no longer counts
                "gezag_ended_since": not holds_gezag(e.guardian_id, holders.get(e.pupil_id, ())),
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
                # the parent's "nee" reached this publication: the school was asked to
                # take it offline; "closed": "taken_down", "not_needed" (consent was given
                # again before it came down) or None (still open); "allowed_again": still
                # open, but consent allows it again, so taking it down is no longer needed
                "takedowns": takedowns.get(check.pk, []),
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
        # when a reminder e-mail reached the parent's mail server; one still queued (or
        # that never went) is not listed: the parent did not get it
        "reminders_sent": [_iso(at) for at in delivered_reminders(user)],
        # when the parent stopped reminder e-mails (a reminder's link or "Mijn gegevens");
        # None: they were not stopped
        "reminders_stopped_at": _iso(getattr(reminder_opt_out(user.pk), "created_at", None)),
        # decisions and confirmations of this parent's that are about a child they are no
        # longer linked to: by id only, as earlier downloads named it
        "children_no_longer_linked": sorted(
            ({e.pupil_id for e in events} | {c.pupil_id for c in confirmations}) - set(child_ids)
        ),
    }


def _takedowns_of(child_ids: Sequence[int], allowed: set[Key]) -> dict[int, list[dict]]:
    """Check id -> the takedowns of these children in it, oldest first: when the school
    was asked to take the publication offline and whether and how that was closed, and
    whether an open one is allowed again (its pupil, channel and medium in `allowed`,
    `_allowed_cells`). Not who was asked or closed it (staff), nor why (a safeguarding
    flag is not the parent's to read). One query."""
    rows = (
        TakedownTask.objects.filter(pupil_id__in=child_ids)
        .order_by("created_at", "id")
        .values_list(
            *("publication_check_id", "pupil_id", "created_at", "done_at", "closed_reason"),
            *("publication_check__purpose_id", "publication_check__media_type"),
        )
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for check_id, pupil_id, opened_at, closed_at, closed, purpose_id, media in rows:
        found[check_id].append(
            {
                "child": pupil_id,
                "opened_at": _iso(opened_at),
                "closed_at": _iso(closed_at),
                "closed": closed or None,
                "allowed_again": closed_at is None and (pupil_id, purpose_id, media) in allowed,
            }
        )
    return found


def _allowed_cells(
    children: Sequence[Pupil], events, holders: Mapping[int, set[int]], baselines: dict[int, int]
) -> set[Key]:
    """The (child, purpose, media type) cells the consent rules allow now, from every
    consent event of the children that the page read anyway: no query. An open takedown in
    such a cell is allowed again (the parents said yes again before the picture came
    down): the teacher is told taking it down is no longer needed
    (`consent.access.allowed_again`), and "Mijn gegevens" says the same."""
    decisions: dict[Key, list[Decision]] = defaultdict(list)
    for e in events:
        decisions[(e.pupil_id, e.purpose_id, e.media_type)].append(
            Decision(e.guardian_id, e.purpose_version.number, e.granted, e.created_at, e.pk)
        )
    not_in_picture = {child.pk: child.not_in_picture for child in children}
    return {
        key
        for key, answers in decisions.items()
        if key[0] in not_in_picture
        and is_allowed(
            effective_state(
                gezag_holders=holders.get(key[0], ()),
                decisions=answers,
                baseline=baselines[key[1]],
                not_in_picture=not_in_picture[key[0]],
            )
        )
    }


def _with_latest_takedown(rows):
    """CheckedPupil rows, each with its pupil's latest takedown of that publication
    (`takedown_opened_at`, `takedown_closed_at`, `takedown_closed`; None without one),
    in the rows' own query."""
    latest = TakedownTask.objects.filter(
        publication_check_id=OuterRef("publication_check_id"), pupil_id=OuterRef("pupil_id")
    ).order_by("-created_at", "-id")
    return rows.annotate(
        takedown_opened_at=Subquery(latest.values("created_at")[:1]),
        takedown_closed_at=Subquery(latest.values("done_at")[:1]),
        takedown_closed=Subquery(latest.values("closed_reason")[:1]),
    )


def meaning_baselines() -> dict[int, int]:
    """Per purpose id, retired ones too, the version its answers count from
    (`PurposeInfo.baseline`), as the child's page reads it. One query."""
    return {info.purpose.pk: info.baseline for info in purpose_infos(retired=True)}


def _decisions_to_show(user, child_ids: Sequence[int]):
    """The right of access's decisions: every decision about the parent's children (the
    other parent's too), and the parent's own about a child they are no longer linked to
    (a guardianship removed), which are theirs. Not the other parent's about such a
    child: a parent without a link to the child learns nothing new about them."""
    return ConsentEvent.objects.filter(Q(pupil_id__in=child_ids) | Q(guardian=user))


NO_LONGER_LINKED = _("a child you are no longer linked to")


def other_addresses(user) -> list[EmailAddress]:
    """The account's e-mail addresses besides its main one (added on "Mijn account"; each
    logs in and receives the account's notices), confirmed or not."""
    return list(
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).order_by("email")
    )


def child_history(pupil: Pupil) -> list[HistoryEvent]:
    """The pupil's consent events, newest first, as the parent's history reads them
    (`consent.history.child_events`), each with the name of the parent who answered (else
    their e-mail): staff's `{% history_rows %}` names every parent. One query."""
    rows = (
        ConsentEvent.objects.filter(pupil=pupil)
        .order_by("-created_at", "-id")
        .values_list(
            *("id", "pupil_id", "guardian_id", "purpose_id", "media_type", "granted"),
            *("method", "created_at", "purpose__name", "purpose_version__number"),
            *("recorded_by__full_name", "recorded_by__email"),
            *("guardian__full_name", "guardian__email"),
        )
    )
    return [
        # row[:10] are the fields before `recorder` (mypy counts no slice of a row)
        HistoryEvent(*row[:10], recorder=row[10] or row[11], guardian_name=row[12] or row[13])  # type: ignore[misc]
        for row in rows
    ]


def readable_personal_data(user) -> dict:
    """The same data as `personal_data`, for the page: Dutch labels, real dates, channel
    and media names instead of codes, and "you" or "the other parent" instead of addresses.
    """
    guardianships = list(
        Guardianship.objects.filter(user=user).select_related("pupil__school", "pupil__group")
    )
    child_ids = [g.pupil_id for g in guardianships]
    names: defaultdict[int, str | Promise] = defaultdict(
        lambda: NO_LONGER_LINKED, {g.pupil_id: g.pupil.first_name for g in guardianships}
    )
    events = list(
        _decisions_to_show(user, child_ids).select_related(
            "purpose", "purpose_version", "recorded_by"
        )
    )
    # each with whether the school took the publication offline after a "nee"
    rows = _with_latest_takedown(
        CheckedPupil.objects.filter(pupil_id__in=child_ids).select_related(
            "publication_check__purpose", "publication_check__school"
        )
    )
    baselines = meaning_baselines()
    # the children's gezag-holders as the consent rules read them: an answer of a parent
    # whose gezag ended (or whose link was removed) no longer counts. One query.
    holders = gezag_holders(child_ids)
    children = [g.pupil for g in guardianships]
    allowed = _allowed_cells(children, events, holders, baselines)
    return {
        "account": user,
        "other_addresses": other_addresses(user),
        "guardianships": guardianships,
        "events": [
            {
                "event": e,
                "child": names[e.pupil_id],
                "by_you": e.guardian_id == user.pk,
                "counts": still_counts(e.purpose_version.number, baselines[e.purpose_id]),
                "gezag_held": holds_gezag(e.guardian_id, holders.get(e.pupil_id, ())),
            }
            for e in events
        ],
        "checks": [
            {
                "row": r,
                "child": names[r.pupil_id],
                # an open takedown whose consent came back: no longer needed
                "allowed_again": r.takedown_opened_at is not None
                and r.takedown_closed_at is None
                and (r.pupil_id, r.publication_check.purpose_id, r.publication_check.media_type)
                in allowed,
            }
            for r in rows
        ],
        "confirmations": [
            {"confirmation": c, "child": names[c.pupil_id]}
            for c in ReviewConfirmation.objects.filter(user=user).select_related("review_round")
        ],
        "reminders": list(delivered_reminders(user)),
        "reminders_stopped": reminder_opt_out(user.pk),
        "schools_to_ask": schools_to_ask(guardianships),
    }


def delivered_reminders(user):
    """When each reminder e-mail to the user was accepted by the SMTP server, oldest
    first: what "Mijn gegevens" says was sent to them. A claim whose e-mail is still
    queued, or whose duty gave up, is left out. One query."""
    reminders = user.consent_reminders.filter(delivered_at__isnull=False)
    return reminders.order_by("delivered_at").values_list("delivered_at", flat=True)


def schools_to_ask(guardianships) -> list:
    """The children's schools, each once and by name: where a parent asks to have data
    corrected or removed (AVG articles 16 and 17). The page gives each school's contact
    address for parents, or only its name when it has none. No query: the guardianships
    carry their pupils' schools."""
    schools = {g.pupil.school_id: g.pupil.school for g in guardianships}
    return sorted(schools.values(), key=lambda school: school.name)


def children_for_parent(user, *, year: str) -> list[Pupil]:
    """The parent's children for their home and "Toestemming", in one query, each with
    `decides` (the user holds gezag: a parent without it is not told they decide) and
    `review_year` (`year` when that school year's review round asks the user to look at
    this child's choices, as the review e-mail does; None when there is no round, the user
    confirmed it, holds no gezag or the child left)."""
    own_gezag = Guardianship.objects.filter(
        pupil=OuterRef("pk"), user=user, has_parental_authority=True
    )
    confirmed = ReviewConfirmation.objects.filter(
        review_round=OuterRef("pk"), user=user, pupil=OuterRef(OuterRef("pk"))
    )
    waiting = ReviewRound.objects.filter(school=OuterRef("school_id"), school_year=year).filter(
        ~Exists(confirmed)
    )
    children = list(
        children_of(user)
        .select_related("school", "group")
        .annotate(decides=Exists(own_gezag), review_waiting=Exists(waiting))
    )
    for child in children:  # annotated above, and `review_year` set for the pages
        due = child.decides and child.review_waiting and child.left_on is None  # type: ignore[attr-defined]
        child.review_year = year if due else None  # type: ignore[attr-defined]
    return children


def review_round_due(year: str) -> ExpressionWrapper:
    """For School.objects.annotate(): whether the school has current pupils and no review
    round of school year `year` yet, so that the director's home offers to open it."""
    pupils = Pupil.objects.current().filter(school_id=OuterRef("pk"))
    opened = ReviewRound.objects.filter(school_id=OuterRef("pk"), school_year=year)
    return ExpressionWrapper(Exists(pupils) & ~Exists(opened), output_field=BooleanField())


def review_rounds_with_progress(year: str):
    """The review rounds of school year `year`, each with `confirmation_count`: its
    confirmations that still stand as the coverage page counts the rest, for a current
    pupil by a parent who still holds gezag (not one for a pupil who left since, nor one
    by a parent whose gezag ended). The coverage page and the director's home both read
    the figure here."""
    still = Q(
        confirmations__pupil__left_on__isnull=True,
        confirmations__pupil__guardianships__user=F("confirmations__user"),
        confirmations__pupil__guardianships__has_parental_authority=True,
    )
    return ReviewRound.objects.filter(school_year=year).annotate(
        confirmation_count=Count("confirmations", filter=still, distinct=True)
    )
