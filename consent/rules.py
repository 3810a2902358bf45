"""Effective consent: the one place where DESIGN.md's consent rules are decided.

`effective_state` is a pure function over plain values; `consent_table` loads what it
needs for many pupils × purposes × media types in a constant number of queries (three,
written out in SQL) and applies it. Everything that shows or checks consent goes through
here.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import connection, models
from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from consent.history import HistoryEvent
from consent.models import (
    CheckedPupil,
    ConsentEvent,
    MediaType,
    Purpose,
    PurposeVersion,
    TakedownTask,
)
from opo_portal import sql
from schools.models import Guardianship, Pupil


class State(models.TextChoices):
    UNANSWERED = "unanswered", _("unanswered")
    REFUSED = "refused", _("refused")
    CONFLICT = "conflict", _("conflict between parents")
    GRANTED = "granted", _("granted")
    NOT_IN_PICTURE = "not_in_picture", _("never in picture (safeguarding)")


# What a teacher sees: the safeguarding reason is hidden behind "not allowed".
TEACHER_STATES = {
    State.GRANTED: ("✓", "granted", _("allowed")),
    State.REFUSED: ("✗", "refused", _("refused")),
    State.UNANSWERED: ("?", "unanswered", _("unanswered")),
    State.CONFLICT: ("!", "conflict", _("parents disagree")),
    State.NOT_IN_PICTURE: ("✗", "not_allowed", _("not allowed")),
}


def is_allowed(state: State) -> bool:
    return state == State.GRANTED


def shown_state(state: State) -> str:
    """The state as stored in evidence a teacher may read (no safeguarding reason)."""
    return TEACHER_STATES[state][1]


Key = tuple[int, int, str]  # (pupil id, purpose id, media type)


class Decision(NamedTuple):
    """One guardian's answer. A named tuple: a class's worth of them is built per page."""

    guardian_id: int
    version_number: int
    granted: bool
    at: datetime
    seq: int  # the event id: breaks ties between events with the same timestamp


def meaning_baseline(versions: Iterable[tuple[int, str]]) -> int:
    """The number of the purpose's last change of meaning; version 1 always is one.

    `versions` are (number, kind) pairs. Decisions on a version below the baseline no
    longer count; decisions on a later correction do.
    """
    resets = [
        number
        for number, kind in versions
        if number == 1 or kind == PurposeVersion.Kind.CHANGE_OF_MEANING
    ]
    return max(resets, default=1)


def still_counts(version_number: int, baseline: int) -> bool:
    """Whether an answer to text version `version_number` of a purpose still counts: one
    to a text before the purpose's last change of meaning (`baseline`, `meaning_baseline`)
    is kept as evidence but no longer decides anything."""
    return version_number >= baseline


def holds_gezag(guardian_id: int, gezag_holders: Collection[int]) -> bool:
    """Whether a guardian's answers about a pupil count, as far as gezag goes: only those
    of its current gezag-holders do (`gezag_holders`: theirs as `gezag_holders()` reads
    them, or as a page read them with the pupil). An answer of a parent whose gezag ended
    since, or whose link to the pupil was removed, is kept as evidence but no longer
    decides anything."""
    return guardian_id in gezag_holders


def latest_decisions(
    *, gezag_holders: Collection[int], decisions: Iterable[Decision], baseline: int
) -> dict[int, Decision]:
    """Each current gezag-holder's latest decision since the last change of meaning."""
    latest: dict[int, Decision] = {}
    for decision in decisions:
        if not holds_gezag(decision.guardian_id, gezag_holders) or not still_counts(
            decision.version_number, baseline
        ):
            continue
        current = latest.get(decision.guardian_id)
        if current is None or (decision.at, decision.seq) > (current.at, current.seq):
            latest[decision.guardian_id] = decision
    return latest


def effective_state(
    *,
    gezag_holders: Collection[int],
    decisions: Iterable[Decision],
    baseline: int,
    not_in_picture: bool,
) -> State:
    """The effective consent for one pupil, purpose and media type (DESIGN.md, Consent)."""
    if not_in_picture:
        return State.NOT_IN_PICTURE
    latest = latest_decisions(gezag_holders=gezag_holders, decisions=decisions, baseline=baseline)
    return answers_state({decision.granted for decision in latest.values()})


def answers_state(answers: Collection[bool]) -> State:
    """The state from the current gezag-holders' latest answers (`latest_decisions`), for
    a pupil who is not kept out of the picture."""
    if not answers:
        return State.UNANSWERED
    if True in answers:
        return State.CONFLICT if False in answers else State.GRANTED
    return State.REFUSED


AnswerRow = tuple[
    int, int, str, int, int, bool
]  # pupil, purpose, media, guardian, version, granted


def latest_answers(
    rows: Iterable[AnswerRow],
    *,
    holders: Mapping[int, Collection[int]],
    baselines: Mapping[int, int],
) -> dict[Key, dict[int, bool]]:
    """`latest_decisions` for many cells in one pass: per (pupil, purpose, media type) each
    current gezag-holder's latest answer (guardian id -> granted) since the purpose's last
    change of meaning (`baselines`: purpose id -> `meaning_baseline`). Cells without such
    an answer are left out: they are unanswered.

    `rows` must come in the order the decisions were made, (created_at, id) ascending as
    ConsentEvent's ordering: a later answer replaces an earlier one. Plain tuples, no
    Decision per event: the pages about a whole school read thousands of them (so the
    rules of `holds_gezag` and `still_counts` are written out in the loop)."""
    latest: dict[Key, dict[int, bool]] = {}
    nobody: tuple = ()
    for pupil_id, purpose_id, media, guardian_id, number, granted in rows:
        if number < baselines[purpose_id] or guardian_id not in holders.get(pupil_id, nobody):
            continue
        key = (pupil_id, purpose_id, media)
        answers = latest.get(key)
        if answers is None:
            latest[key] = {guardian_id: granted}
        else:
            answers[guardian_id] = granted
    return latest


@dataclass(frozen=True)
class PurposeInfo:
    purpose: Purpose
    current_version: PurposeVersion
    baseline: int


PURPOSE_FIELDS = ["id", "code", "name", "ordering", "active"]
VERSION_FIELDS = ["id", "purpose_id", "number", "text", "text_hash", "kind", "published_at"]
VERSION_FIELDS += ["created_by_id", "parents_emailed_at"]
# PurposeVersion.objects.select_related("purpose").order_by("purpose__ordering",
# "purpose__code", "number"), filtered on active purposes or on codes, written out: every
# consent page runs it, and building it through the ORM cost more CPU than running it
# (tests compare the two, and these fields with the models').
PURPOSE_INFOS_SQL = sql.prepared(
    "SELECT p.id, p.code, p.name, p.ordering, p.active, v.id, v.purpose_id, v.number,"
    " v.text, v.text_hash, v.kind, v.published_at, v.created_by_id, v.parents_emailed_at"
    " FROM consent_purposeversion v JOIN consent_purpose p ON p.id = v.purpose_id"
    " WHERE (p.active OR %s OR p.code = ANY(%s)) AND (%s OR p.code = ANY(%s))"
    " ORDER BY p.ordering, p.code, v.number"
)


def purpose_infos(
    *, codes: Collection[str] | None = None, retired: bool = False
) -> list[PurposeInfo]:
    """Active purposes (or the given codes, active or not) with current version. One query.

    With `retired`, the retired ones (switched off in the admin) too: a change that
    takes down must reach what was published on them."""
    # active purposes: (active) AND (true); given codes: (active OR code) AND (code);
    # retired too: (true) AND (true)
    chosen = list(codes or ())
    params: list = [retired, chosen, codes is None, chosen]
    return _infos(_rows(PURPOSE_INFOS_SQL, params, purpose_info_rows_orm))


# Every purpose with its versions as PURPOSE_INFOS_SQL reads them, and per version row
# the number of publications on that purpose the school was asked to take offline for the
# pupil and has not yet (open takedown tasks), one column per media type (photo, video,
# audio: the page leaves out those whose consent came back, `taking_down`), and whether
# the pupil still appears in something published on a retired purpose
# (CheckedPupil.objects.still_published: in a check not replaced, without a takedown task
# for it that still stands, TakedownTask.objects.standing). The parent's page runs it
# instead of PURPOSE_INFOS_SQL: the same one query.
_OPEN_PER_MEDIA = ", ".join(f"COALESCE(o.{media}, 0)" for media in MediaType.values)
_COUNT_PER_MEDIA = ", ".join(
    f"COUNT(DISTINCT t.publication_check_id) FILTER (WHERE k.media_type = '{media}') AS {media}"
    for media in MediaType.values
)
# (S608: the only text put in is the media types, our own constants)
CHILD_PURPOSE_INFOS_SQL = sql.prepared(
    "SELECT p.id, p.code, p.name, p.ordering, p.active, v.id, v.purpose_id, v.number,"  # noqa: S608
    " v.text, v.text_hash, v.kind, v.published_at, v.created_by_id, v.parents_emailed_at,"
    f" {_OPEN_PER_MEDIA},"
    " CASE WHEN p.active THEN FALSE ELSE EXISTS(SELECT 1 FROM consent_checkedpupil c"
    " JOIN consent_publicationcheck k ON k.id = c.publication_check_id"
    " WHERE c.pupil_id = %s AND c.appearance = 'appears' AND k.purpose_id = p.id"
    " AND NOT EXISTS(SELECT 1 FROM consent_publicationcheck r WHERE r.replaces_id = k.id)"
    " AND NOT EXISTS(SELECT 1 FROM consent_takedowntask t"
    " WHERE t.publication_check_id = k.id AND t.pupil_id = c.pupil_id"
    " AND (t.done_at IS NULL OR (t.closed_reason <> 'not_needed'"
    " AND t.consent_back_at IS NULL)))) END"
    " FROM consent_purposeversion v JOIN consent_purpose p ON p.id = v.purpose_id"
    f" LEFT JOIN (SELECT k.purpose_id, {_COUNT_PER_MEDIA} FROM consent_takedowntask t"
    " JOIN consent_publicationcheck k ON k.id = t.publication_check_id"
    " WHERE t.pupil_id = %s AND t.done_at IS NULL GROUP BY k.purpose_id) o"
    " ON o.purpose_id = p.id"
    " ORDER BY p.ordering, p.code, v.number"
)


def child_purpose_infos(pupil_id: int) -> tuple[list[PurposeInfo], set[int]]:
    """Every purpose, retired ones too, with current version, and the ids of the retired
    ones on which this pupil still appears in something published. One query;
    `purposes_for_parent` picks the ones the parent's page shows."""
    infos, appearing, _open_takedowns = child_page_purposes(pupil_id)
    return infos, appearing


OpenTakedowns = dict[tuple[int, str], int]  # (purpose id, media type) -> publications


def child_page_purposes(pupil_id: int) -> tuple[list[PurposeInfo], set[int], OpenTakedowns]:
    """`child_purpose_infos`, and per channel and media type the number of publications
    the school was asked to take offline for this pupil and has not yet (an open takedown
    task of the pupil), in the same query: `taking_down` says which of them still count."""
    params = [pupil_id, pupil_id]
    rows = _rows(CHILD_PURPOSE_INFOS_SQL, params, child_purpose_info_rows_orm)
    appearing = {row[0] for row in rows if row[-1]}
    media_types = MediaType.values
    split = len(PURPOSE_FIELDS) + len(VERSION_FIELDS)
    open_takedowns = {
        (row[0], media): n
        for row in rows
        for media, n in zip(media_types, row[split : split + len(media_types)], strict=True)
        if n
    }
    return _infos([row[:split] for row in rows]), appearing, open_takedowns


def taking_down(table: "ConsentTable", pupil_id: int, open_takedowns: OpenTakedowns) -> int:
    """How many publications the school is still taking offline for the pupil: those of
    `child_page_purposes` whose channel and media type consent does not allow again. One
    whose consent came back (the parents said yes again before it came down) keeps its
    open task, but the teacher is told taking it down is no longer needed
    (`consent.access.allowed_again`), so the parent is not told it is coming down."""
    return sum(
        n
        for (purpose_id, media), n in open_takedowns.items()
        if not is_allowed(table.state(pupil_id, purpose_id, media))
    )


def purposes_for_parent(
    infos: Sequence[PurposeInfo], *, table: "ConsentTable", pupil_id: int, appearing: set[int]
) -> list[PurposeInfo]:
    """The channels a parent answers on for this child: every active one, and each
    retired one on which a current gezag-holder's "yes" still stands or the child still
    appears in something published (`appearing`). There a parent can only withdraw, and
    the withdrawal takes down what was published, as on any channel."""
    return [
        info
        for info in infos
        if info.purpose.active
        or info.purpose.pk in appearing
        or table.has_standing_yes(pupil_id, info.purpose.pk)
    ]


def _infos(rows: Iterable[Sequence]) -> list[PurposeInfo]:
    """Purposes with current version and baseline from rows of PURPOSE_FIELDS +
    VERSION_FIELDS, ordered by purpose and version number."""
    by_purpose: dict[int, list[PurposeVersion]] = defaultdict(list)
    purposes: dict[int, Purpose] = {}
    split = len(PURPOSE_FIELDS)
    for row in rows:
        purpose = purposes.get(row[0])
        if purpose is None:
            purpose = purposes[row[0]] = Purpose.from_db(
                connection.alias, PURPOSE_FIELDS, row[:split]
            )
        version = PurposeVersion.from_db(connection.alias, VERSION_FIELDS, row[split:])
        version.purpose = purpose
        by_purpose[purpose.pk].append(version)
    return [
        PurposeInfo(
            purpose=items[-1].purpose,
            current_version=items[-1],
            baseline=meaning_baseline((v.number, v.kind) for v in items),
        )
        for items in by_purpose.values()
    ]


@dataclass
class ConsentTable:
    """Decisions and gezag-holders for a set of pupils, loaded once, evaluated on demand."""

    pupils: dict[int, Pupil]
    purposes: dict[int, PurposeInfo]
    holders: dict[int, set[int]]
    decisions: dict[Key, list[Decision]]

    def state(self, pupil_id: int, purpose_id: int, media_type: str) -> State:
        not_in_picture = self.pupils[pupil_id].not_in_picture
        decisions = self.decisions.get((pupil_id, purpose_id, media_type))
        if not decisions and not not_in_picture:
            # what effective_state gives without a decision, without its calls: most
            # cells of a class are unanswered, and a page asks for hundreds
            return State.UNANSWERED
        return effective_state(
            gezag_holders=self.holders.get(pupil_id, set()),
            decisions=decisions or (),
            baseline=self.purposes[purpose_id].baseline,
            not_in_picture=not_in_picture,
        )

    def latest_by_guardian(self, pupil_id: int, purpose_id: int, media_type: str):
        return latest_decisions(
            gezag_holders=self.holders.get(pupil_id, set()),
            decisions=self.decisions.get((pupil_id, purpose_id, media_type), ()),
            baseline=self.purposes[purpose_id].baseline,
        )

    def has_standing_yes(self, pupil_id: int, purpose_id: int) -> bool:
        """Whether a current gezag-holder's latest answer on this purpose is "yes", for
        some media type."""
        return any(
            decision.granted
            for media in MediaType.values
            for decision in self.latest_by_guardian(pupil_id, purpose_id, media).values()
        )


# The two reads of consent_table, written out: the ORM's
# Guardianship.objects.filter(pupil_id__in=…, has_parental_authority=True)
# .values_list("pupil_id", "user_id") and ConsentEvent.objects.filter(pupil_id__in=…,
# purpose_id__in=…, media_type__in=…).values_list("pupil_id", "purpose_id", "media_type",
# "guardian_id", "purpose_version__number", "granted", "created_at", "id"). Every consent
# page runs both; building them cost three times the CPU of running them (2 → 0.7 ms for
# a class in process; tests compare each with its ORM form).
GEZAG_HOLDERS_SQL = sql.prepared(
    "SELECT pupil_id, user_id FROM schools_guardianship"
    " WHERE has_parental_authority AND pupil_id = ANY(%s)"
)
DECISIONS_SQL = sql.prepared(
    "SELECT e.pupil_id, e.purpose_id, e.media_type, e.guardian_id, v.number, e.granted,"
    " e.created_at, e.id FROM consent_consentevent e"
    " JOIN consent_purposeversion v ON v.id = e.purpose_version_id"
    " WHERE e.pupil_id = ANY(%s) AND e.purpose_id = ANY(%s) AND e.media_type = ANY(%s)"
)


_fetch = sql.fetch
_rows = sql.rows  # PostgreSQL runs the SQL, another database its ORM form (opo_portal.sql)


def purpose_info_rows_orm(retired: bool, chosen: list[str], all_active: bool, codes: list[str]):
    """PURPOSE_INFOS_SQL's rows through the ORM."""
    versions = PurposeVersion.objects.all()
    if not retired:
        versions = versions.filter(Q(purpose__active=True) | Q(purpose__code__in=chosen))
    if not all_active:
        versions = versions.filter(purpose__code__in=codes)
    fields = [f"purpose__{name}" for name in PURPOSE_FIELDS] + VERSION_FIELDS
    return versions.order_by("purpose__ordering", "purpose__code", "number").values_list(*fields)


def child_purpose_info_rows_orm(pupil_id: int, _same_pupil_id: int | None = None):
    """CHILD_PURPOSE_INFOS_SQL's rows through the ORM (its parameters: the pupil's id,
    twice)."""
    published = CheckedPupil.objects.still_published().filter(
        pupil_id=pupil_id, publication_check__purpose_id=OuterRef("purpose_id")
    )
    appears = Case(
        When(purpose__active=True, then=Value(False)),
        default=Exists(published),
        output_field=models.BooleanField(),
    )
    fields = [f"purpose__{name}" for name in PURPOSE_FIELDS] + VERSION_FIELDS
    open_per_media = {}
    for media in MediaType.values:
        open_tasks = (
            TakedownTask.objects.filter(
                pupil_id=pupil_id,
                done_at__isnull=True,
                publication_check__purpose_id=OuterRef("purpose_id"),
                publication_check__media_type=media,
            )
            .order_by()
            .values("pupil_id")
            .annotate(n=Count("publication_check_id", distinct=True))
            .values("n")
        )
        open_per_media[f"open_{media}"] = Coalesce(Subquery(open_tasks), Value(0))
    fields += [*open_per_media, "appears"]
    return (
        PurposeVersion.objects.annotate(appears=appears, **open_per_media)
        .order_by("purpose__ordering", "purpose__code", "number")
        .values_list(*fields)
    )


def gezag_holder_rows_orm(pupil_ids: list[int]):
    """GEZAG_HOLDERS_SQL's rows through the ORM."""
    return Guardianship.objects.filter(
        pupil_id__in=pupil_ids, has_parental_authority=True
    ).values_list("pupil_id", "user_id")


def decision_rows_orm(pupil_ids: list[int], purpose_ids: list[int], media_types: list[str]):
    """DECISIONS_SQL's rows through the ORM."""
    return ConsentEvent.objects.filter(
        pupil_id__in=pupil_ids, purpose_id__in=purpose_ids, media_type__in=media_types
    ).values_list(*DECISION_FIELDS)


DECISION_FIELDS = ["pupil_id", "purpose_id", "media_type", "guardian_id"]
DECISION_FIELDS += ["purpose_version__number", "granted", "created_at", "id"]


def gezag_holders(pupil_ids: Collection[int]) -> dict[int, set[int]]:
    """Per pupil id, the user ids of its current gezag-holders, the guardians whose
    answers count (`holds_gezag`); a pupil without one is left out. One query."""
    found: dict[int, set[int]] = defaultdict(set)
    for pupil_id, user_id in _rows(GEZAG_HOLDERS_SQL, [list(pupil_ids)], gezag_holder_rows_orm):
        found[pupil_id].add(user_id)
    return dict(found)


def consent_table(
    pupils: Sequence[Pupil],
    purposes: Sequence[PurposeInfo],
    media_types: Collection[str] = tuple(MediaType.values),
    *,
    holders: Mapping[int, Collection[int]] | None = None,
    events: Iterable[HistoryEvent] | None = None,
) -> ConsentTable:
    """Load gezag-holders and decisions for these pupils in two queries.

    A caller that already read them passes them instead, one query fewer each: `holders`
    (pupil id -> ids of its current gezag-holders, for every pupil) and `events` (the
    pupils' consent events as consent.history reads them; others are ignored here).
    """
    pupil_ids = [p.pk for p in pupils]
    if holders is None:
        holders = gezag_holders(pupil_ids)
    purpose_ids = [info.purpose.pk for info in purposes]
    decisions: dict[Key, list[Decision]] = defaultdict(list)
    if events is None:
        params = [pupil_ids, purpose_ids, list(media_types)]
        rows: Iterable[tuple] = _rows(DECISIONS_SQL, params, decision_rows_orm)
    else:
        wanted = (set(pupil_ids), set(purpose_ids), set(media_types))
        rows = (
            (e.pupil_id, e.purpose_id, e.media_type, e.guardian_id)
            + (e.version_number, e.granted, e.created_at, e.id)
            for e in events
            if e.pupil_id in wanted[0] and e.purpose_id in wanted[1] and e.media_type in wanted[2]
        )
    for pupil_id, purpose_id, media, guardian_id, number, granted, at, seq in rows:
        decisions[(pupil_id, purpose_id, media)].append(
            Decision(guardian_id, number, granted, at, seq)
        )
    return ConsentTable(
        pupils={p.pk: p for p in pupils},
        purposes={info.purpose.pk: info for info in purposes},
        holders={pupil_id: set(ids) for pupil_id, ids in holders.items()},
        decisions=dict(decisions),
    )


# DECISIONS_SQL without the times, in the order the decisions were made, as
# latest_answers reads them: psycopg2's parsing of 300 timestamps and a Decision per event
# were most of a class overview's rules (tests compare it with consent_table's states).
ANSWERS_SQL = sql.prepared(
    "SELECT e.pupil_id, e.purpose_id, e.media_type, e.guardian_id, v.number, e.granted"
    " FROM consent_consentevent e"
    " JOIN consent_purposeversion v ON v.id = e.purpose_version_id"
    " WHERE e.pupil_id = ANY(%s) AND e.purpose_id = ANY(%s) AND e.media_type = ANY(%s)"
    " ORDER BY e.created_at, e.id"
)


@dataclass
class CellStates:
    """The states of a set of pupils' cells for a page that shows only states (the class
    overview): each answered cell's state, worked out once; every other cell unanswered."""

    not_in_picture: set[int]  # pupil ids
    answered: dict[int, dict[tuple[int, str], State]]  # pupil id -> (purpose id, media)

    def row(self, pupil_id: int, cells: Sequence[tuple[int, str]]) -> list[State]:
        """The states of one pupil's cells, (purpose id, media type) pairs, in order: as
        ConsentTable.state gives each."""
        if pupil_id in self.not_in_picture:
            return [State.NOT_IN_PICTURE] * len(cells)
        known = self.answered.get(pupil_id)
        if known is None:
            return [State.UNANSWERED] * len(cells)
        unanswered = State.UNANSWERED
        return [known.get(cell, unanswered) for cell in cells]


def cell_states(
    pupils: Sequence[Pupil], purposes: Sequence[PurposeInfo], media_types: Collection[str]
) -> CellStates:
    """The rules for these pupils, purposes and media types in two queries, as
    consent_table's states, without the decisions themselves."""
    pupil_ids = [p.pk for p in pupils]
    holders: dict[int, set[int]] = defaultdict(set)
    for pupil_id, user_id in _fetch(GEZAG_HOLDERS_SQL, [pupil_ids]):
        holders[pupil_id].add(user_id)
    purpose_ids = [info.purpose.pk for info in purposes]
    rows = _fetch(ANSWERS_SQL, [pupil_ids, purpose_ids, list(media_types)])
    baselines = {info.purpose.pk: info.baseline for info in purposes}
    answered: dict[int, dict[tuple[int, str], State]] = defaultdict(dict)
    for (pupil_id, purpose_id, media), answers in latest_answers(
        rows, holders=holders, baselines=baselines
    ).items():
        answered[pupil_id][(purpose_id, media)] = answers_state(answers.values())
    return CellStates({p.pk for p in pupils if p.not_in_picture}, dict(answered))
