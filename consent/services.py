"""Consent workflows: keyword-only, typed, one transaction each (STYLE.md point 3)."""

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from consent.access import allowed_again, waits_for_a_leader
from consent.models import (
    Appearance,
    CheckedPupil,
    ConflictNotice,
    ConsentEvent,
    MediaType,
    PublicationCheck,
    Purpose,
    PurposeVersion,
    ReminderOptOut,
    ReminderSent,
    ReviewConfirmation,
    ReviewRound,
    TakedownTask,
    text_hash,
)
from consent.rules import (
    ConsentTable,
    Decision,
    PurposeInfo,
    State,
    child_purpose_infos,
    consent_table,
    is_allowed,
    latest_decisions,
    purpose_infos,
    purposes_for_parent,
    shown_state,
)
from consent.signals import events_written_in_bulk
from opo_portal.text import without_direction_controls
from outbox.models import Duty
from outbox.services import (
    duties_enqueue_many,
    duty_enqueue,
    duty_running_key,
    emailed_users,
)
from schools.access import fetch_rows, is_staff_member, pupils_for_staff
from schools.leaders import acting_pairs, leader_ids
from schools.models import ERASED_PREFIX, Guardianship, Pupil, School


@dataclass(frozen=True)
class Answer:
    purpose_id: int
    media_type: str
    granted: bool


def lock_pupils(ids) -> None:
    """Serialise decisions and publication checks per pupil (PostgreSQL row locks).

    Without it a check could read "granted" while a withdrawal commits, and the
    withdrawal's takedown lookup would not yet see the check: no takedown task.
    """
    fetch_rows(LOCK_PUPILS_SQL, [list(ids)])


# Pupil.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
# .values_list("pk"), written out: every parent's save runs it (building it cost more CPU
# than running it). In id order, so that two saves over the same pupils cannot deadlock.
# FOR NO KEY UPDATE: two of these still wait for each other, but a transaction that only
# refers to the pupil (a change of meaning's takedown tasks, checked FOR KEY SHARE at its
# commit) does not wait for one that holds the pupil and waits for the same picture.
LOCK_PUPILS_SQL = "SELECT id FROM schools_pupil WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE"


def has_gezag(user, pupil: Pupil) -> bool:
    return Guardianship.objects.filter(user=user, pupil=pupil, has_parental_authority=True).exists()


# --- Decisions ---------------------------------------------------------------


# The order of a decision made in this save but not yet stored: after every stored event
# (ids stay far below), and in the order of the answers among themselves.
UNSAVED_SEQ = 2**62


@transaction.atomic
def consent_decide(
    *,
    pupil: Pupil,
    guardian,
    answers: Iterable[Answer],
    seen_versions: Mapping[int, int | None] | None = None,
    seen_event: int | None = None,
    method: str = ConsentEvent.Method.PORTAL,
    recorded_by=None,
    infos: Sequence[PurposeInfo] | None = None,
) -> list[ConsentEvent]:
    """Record a guardian's answers; only answers that differ from their own current one
    become events. `seen_versions` (purpose id -> version id shown) refuses the whole save
    when a purpose's text changed since the page was rendered. `seen_event` (the id of
    the pupil's latest event when the page was rendered) skips an answer that is the
    guardian's own answer as the page showed it: an older page re-sends its selected
    radios, and must not undo an answer given since (in another tab, say). `infos`: the
    purposes answered on, when the caller has already read them (default: the active
    ones, `purpose_infos()`); a retired one among them takes a "no" but never a "yes".
    `recorded_by` (paper, phone) is never a parent or guardian of the pupil.
    """
    if (method == ConsentEvent.Method.PORTAL) != (recorded_by is None):
        raise ValueError("staff record paper or phone decisions; parents use the portal")
    lock_pupils([pupil.pk])
    if recorded_by is not None and pupil.guardianships.filter(user=recorded_by).exists():
        # the two roles apart: a parent gives their own choices on their parent page, and
        # the other parent's form of their child is recorded by a colleague
        raise PermissionDenied(_("Staff do not record decisions for their own child."))
    infos = purpose_infos() if infos is None else infos
    table = consent_table([pupil], infos)
    # gezag as read under the lock, with the decisions it decides over
    if guardian.pk not in table.holders.get(pupil.pk, ()):
        raise PermissionDenied(_("Only a parent with parental authority can decide."))
    by_purpose = {info.purpose.pk: info for info in infos}
    answers = list(answers)
    _refuse_unknown(answers, by_purpose)
    now = timezone.now()
    created: list[ConsentEvent] = []
    conflict_cause = None  # the first answer of this save that made parents disagree
    turned_allowed: list[tuple[int, int, str]] = []  # cells a "yes" here may allow again
    for answer in answers:
        key = (pupil.pk, answer.purpose_id, answer.media_type)
        own = table.latest_by_guardian(*key).get(guardian.pk)
        if own is not None and own.granted == answer.granted:
            continue
        if seen_event is not None and _shown_answer(table, key, guardian.pk, seen_event) == (
            answer.granted
        ):
            continue  # the page showed this answer; a newer one was given since
        # only a decision is refused on a text changed since it was shown: a radio the
        # page re-sends as it was saved is none (a correction keeps it valid)
        _refuse_stale(answer, by_purpose, seen_versions)
        before = table.state(*key)
        version = by_purpose[answer.purpose_id].current_version
        event = ConsentEvent(
            pupil=pupil,
            guardian=guardian,
            purpose_id=answer.purpose_id,
            purpose_version=version,
            text_hash=version.text_hash,
            media_type=answer.media_type,
            granted=answer.granted,
            method=method,
            recorded_by=recorded_by,
            created_at=now,
        )
        seq = UNSAVED_SEQ + len(created)
        created.append(event)
        table.decisions.setdefault(key, []).append(
            Decision(guardian.pk, version.number, answer.granted, now, seq)
        )
        now_in_conflict = before != State.CONFLICT and table.state(*key) == State.CONFLICT
        if now_in_conflict and conflict_cause is None:
            conflict_cause = event
        if answer.granted and not is_allowed(before):
            turned_allowed.append(key)
    # One INSERT for every changed answer, one takedown lookup for every "no".
    ConsentEvent.objects.bulk_create(created)
    if created:
        events_written_in_bulk.send(sender=ConsentEvent, pupil_ids=[pupil.pk])
    if conflict_cause is not None:
        conflict_notice_create(event=conflict_cause)  # one notice per save, however many cells
    # A "yes" that allows the pupil again (not one that leaves the parents disagreeing):
    # what was taken offline may go back up, so a later "no" takes it down anew. One
    # UPDATE, only on a save that allows a cell again.
    takedowns_consent_back(cells=[key for key in turned_allowed if is_allowed(table.state(*key))])
    withdrawn = [event for event in created if not event.granted]
    if withdrawn:
        takedowns_create_for(events=withdrawn)
    return created


def _shown_answer(table, key: tuple[int, int, str], guardian_id: int, seen_event: int):
    """The guardian's own answer (True/False, None when open) as a page showed it whose
    pupil's latest event was `seen_event`."""
    decisions = [d for d in table.decisions.get(key, ()) if d.seq <= seen_event]
    shown = latest_decisions(
        gezag_holders={guardian_id},
        decisions=decisions,
        baseline=table.purposes[key[1]].baseline,
    ).get(guardian_id)
    return None if shown is None else shown.granted


def _refuse_unknown(answers: Sequence[Answer], by_purpose: Mapping[int, PurposeInfo]) -> None:
    """The whole save is refused for an unknown cell or a "yes" on a retired channel."""
    for answer in answers:
        if answer.purpose_id not in by_purpose or answer.media_type not in MediaType.values:
            raise ValidationError(_("Unknown purpose or media type."))
        purpose = by_purpose[answer.purpose_id].purpose
        if answer.granted and not purpose.active:
            raise ValidationError(retired_yes_message(purpose.name))


def _refuse_stale(
    answer: Answer,
    by_purpose: Mapping[int, PurposeInfo],
    seen_versions: Mapping[int, int | None] | None,
) -> None:
    """The whole save is refused for a decision on a text changed since it was shown."""
    info = by_purpose[answer.purpose_id]
    shown = None if seen_versions is None else seen_versions.get(answer.purpose_id)
    if seen_versions is not None and shown != info.current_version.pk:
        raise ValidationError(
            _("The text of “%(purpose)s” has changed. Please read it and answer again.")
            % {"purpose": info.purpose.name}
        )


def retired_yes_message(channel: str) -> str:
    return _(
        "“%(channel)s” is no longer used for new posts: you can only withdraw your "
        "permission there, not give it."
    ) % {"channel": channel}


def conflict_notice_create(*, event: ConsentEvent) -> ConflictNotice:
    """Parents disagree from now on: tell the school's directors, once, after commit."""
    notice = ConflictNotice.objects.create(
        pupil_id=event.pupil_id,
        purpose_id=event.purpose_id,
        media_type=event.media_type,
        caused_by=event,
    )
    # The school's directors, or the board when the school has none.
    for user_id in leader_ids(event.pupil.school_id):
        duty_enqueue(
            key=f"conflict-notice:{notice.pk}:user:{user_id}",
            handler="consent.duties.conflict_email_send",
            payload={"notice_id": notice.pk, "user_id": user_id},
        )
    return notice


def parent_purposes(pupil: Pupil) -> tuple[list[PurposeInfo], ConsentTable]:
    """The channels a parent answers on for this child (`purposes_for_parent`: the active
    ones, and the retired ones where a "yes" stands or the child still appears in
    something published), with the child's consent table. 3 queries."""
    infos, appearing = child_purpose_infos(pupil.pk)
    table = consent_table([pupil], infos)
    shown = purposes_for_parent(infos, table=table, pupil_id=pupil.pk, appearing=appearing)
    return shown, table


def consent_withdraw(
    *, pupil: Pupil, guardian, purpose_id: int | None = None, media_type: str | None = None
) -> list[ConsentEvent]:
    """Make the guardian's answer "no": one, one purpose, or all of them. Every answer that
    is not "no" yet becomes "no", a question never answered too: after withdrawing, the
    answer is "no" everywhere (as the page promises), so another gezag-holder's "yes"
    no longer lets the school publish on a channel this guardian left open. That includes
    the retired channels the child's page shows (`parent_purposes`)."""
    infos, table = parent_purposes(pupil)
    answers = []
    for info in infos:
        if purpose_id is not None and info.purpose.pk != purpose_id:
            continue
        for media in MediaType.values:
            if media_type is not None and media != media_type:
                continue
            own = table.latest_by_guardian(pupil.pk, info.purpose.pk, media).get(guardian.pk)
            if own is None or own.granted:
                answers.append(Answer(info.purpose.pk, media, False))
    return consent_decide(pupil=pupil, guardian=guardian, answers=answers, infos=infos)


# --- Publication checks and takedowns ------------------------------------------


@transaction.atomic
def publication_check_create(
    *,
    user,
    purpose: Purpose,
    media_type: str,
    pupils: Sequence[Pupil],
    appearances: Mapping[int, str] | None = None,
    note: str = "",
    replaces: PublicationCheck | None = None,
    token: str = "",
) -> PublicationCheck:
    """Check these pupils for this channel and media and store the verdict as evidence.

    `appearances` maps pupil id -> `Appearance`; a pupil not in it appears. The verdict
    ("allowed") is about the pupils who appear: every one of them must be allowed.
    `token`: the check form's one-time token; the same form sent again (a double click,
    Back and send again, also at the same moment: decided under the pupils' locks) returns
    the check it made, while the form sent again with other choices is a new check.
    """
    pupils = list(pupils)
    if not pupils:
        raise ValidationError(_("Choose at least one pupil."))
    if media_type not in MediaType.values:
        raise ValidationError(_("Unknown media type."))
    if len({p.school_id for p in pupils}) != 1:
        raise ValidationError(_("All pupils must be from one school."))
    ids = {p.pk for p in pupils}
    appearances = dict(appearances or {})
    if not set(appearances) <= ids or not set(appearances.values()) <= set(Appearance.values):
        raise ValidationError(_("Unknown pupil or choice for a pupil."))
    if pupils_for_staff(user).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied
    infos = purpose_infos(codes=[purpose.code])
    if not infos or not infos[0].purpose.active:
        raise ValidationError(_("This purpose is not in use."))
    lock_pupils(ids)
    same = _same_form_sent_again(user, token, purpose, media_type, note, ids, appearances, replaces)
    if same is not None:
        return same
    results = check_results(info=infos[0], media_type=media_type, pupils=pupils)
    for result in results:
        result["appearance"] = appearances.get(result["pupil"], Appearance.APPEARS.value)
    check = PublicationCheck.objects.create(
        checked_by=user,
        school_id=pupils[0].school_id,
        purpose=purpose,
        purpose_version=infos[0].current_version,
        media_type=media_type,
        allowed=verdict_allows(results),
        results=results,
        note=note,
        replaces=replaces,
        first_checked_at=(
            None if replaces is None else replaces.first_checked_at or replaces.created_at
        ),
        form_token=token,
    )
    check.pupils.set(pupils)
    CheckedPupil.objects.bulk_create(
        CheckedPupil(
            publication_check=check,
            pupil_id=r["pupil"],
            appearance=r["appearance"],
            state=r["state"],
            allowed=r["allowed"],
        )
        for r in results
    )
    if replaces is not None:
        _open_takedowns_follow(replaces, check, results)
    return check


def _open_takedowns_follow(older: PublicationCheck, newer: PublicationCheck, results) -> None:
    """The newer check describes the same post: the older one's open takedown tasks of the
    pupils who still appear in it move to it, so a later "no" for such a pupil finds the
    task of the post and makes no second card and e-mail (until 2026-12-07 it made one on
    the newer check). A task taken offline stays with the older check: the adjusted post
    may have gone up after it, so a later "no" takes it down on the newer one. One UPDATE,
    only for a check that replaces another."""
    appearing = [r["pupil"] for r in results if r["appearance"] == Appearance.APPEARS]
    TakedownTask.objects.filter(
        publication_check=older, done_at__isnull=True, pupil_id__in=appearing
    ).update(publication_check=newer)


def _same_form_sent_again(
    user, token: str, purpose: Purpose, media_type: str, note: str, ids, appearances, replaces
) -> PublicationCheck | None:
    """The check this user made from the same form with the same choices, if any."""
    if not token or appearances or replaces is not None:
        return None
    made = PublicationCheck.objects.filter(
        checked_by=user, form_token=token, purpose=purpose, media_type=media_type, note=note
    ).prefetch_related("pupils")
    return next((check for check in made if {p.pk for p in check.pupils.all()} == ids), None)


def verdict_allows(results: Sequence[dict]) -> bool:
    """Allowed when every pupil who appears is allowed; blurred or left out do not count."""
    return all(
        r["allowed"] for r in results if r.get("appearance", Appearance.APPEARS) == "appears"
    )


@transaction.atomic
def publication_check_adjust(
    *, user, check: PublicationCheck, appearances: Mapping[int, str]
) -> PublicationCheck:
    """The teacher blurred or left out pupils: a new check replaces this one.

    Consent is checked again (it may have changed since); the first check stays as
    evidence of the first step. Only the teacher who made the check adjusts it, once.
    """
    rows = list(CheckedPupil.objects.filter(publication_check_id=check.pk).select_related("pupil"))
    # the pupils first, then the check: the order of a withdrawal (lock_checks)
    lock_pupils(sorted(row.pupil_id for row in rows))
    locked = PublicationCheck.objects.select_for_update(no_key=True).get(pk=check.pk)
    if locked.checked_by_id != user.pk:
        raise PermissionDenied
    merged = {row.pupil_id: row.appearance for row in rows}
    if not set(appearances) <= set(merged):
        raise ValidationError(_("Unknown pupil or choice for a pupil."))
    merged.update(appearances)
    newer = PublicationCheck.objects.filter(replaces=locked).first()
    if newer is not None:
        _refuse_adjusted_again(newer, merged)
    return publication_check_create(
        user=user,
        purpose=locked.purpose,
        media_type=locked.media_type,
        pupils=[row.pupil for row in rows],
        appearances=merged,
        note=locked.note,
        replaces=locked,
    )


class CheckAdjustedAlready(ValidationError):
    """The check was adjusted with these very choices already (a double click, Back and
    send again): `newer` is that adjustment."""

    def __init__(self, newer: PublicationCheck):
        super().__init__(_("These choices were already saved; this is the newer check."))
        self.newer = newer


def _refuse_adjusted_again(newer: PublicationCheck, merged: Mapping[int, str]) -> None:
    saved = dict(
        CheckedPupil.objects.filter(publication_check=newer).values_list("pupil_id", "appearance")
    )
    if saved == dict(merged):
        raise CheckAdjustedAlready(newer)
    raise ValidationError(_("This check was already adjusted; see the newer check."))


def check_notes_erase_for_pupil(*, pupil_id: int, today: datetime.date) -> int:
    """The pupil's record was erased: empty the notes of the checks that recorded the pupil
    (any appearance), which may name them. The checks and their rows stay, so a later
    "no" for another pupil in the same publication still takes it down."""
    checks = PublicationCheck.objects.filter(checked_pupils__pupil_id=pupil_id)
    return _check_notes_erase(checks, today=today)


def check_notes_erase_before(*, day: datetime.date, today: datetime.date) -> int:
    """Empty the notes of checks made before `day`, the first day whose records retention
    keeps. A note may name a pupil the check does not record (not ticked); such a pupil,
    at school when the check was made, is erased on this day at the earliest."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return _check_notes_erase(PublicationCheck.objects.filter(created_at__lt=start), today=today)


def _check_notes_erase(checks, *, today: datetime.date) -> int:
    return checks.exclude(note="").update(note="", note_erased_on=today)


def reminders_sent_delete_before(*, day: datetime.date) -> int:
    """Delete the records of reminders sent before `day`, the first day whose records
    retention keeps. Only the last 7 days (one reminder a week, the attention list) and 8
    weeks (the coverage chart) are ever read; the week a row claimed is long past."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return ReminderSent.objects.filter(sent_at__lt=start).delete()[0]


def check_results(*, info: PurposeInfo, media_type: str, pupils: Sequence[Pupil]) -> list[dict]:
    """Per pupil: the state a teacher may see and whether it allows publishing. 2 queries."""
    table = consent_table(pupils, [info], [media_type])
    results = []
    for pupil in pupils:
        state = table.state(pupil.pk, info.purpose.pk, media_type)
        results.append(
            {"pupil": pupil.pk, "state": shown_state(state), "allowed": is_allowed(state)}
        )
    return results


def takedowns_create_for(*, events: Sequence[ConsentEvent]) -> list[TakedownTask]:
    """ "No" answers (consent events with granted False) for pupils who appear in checks on
    that channel and media: take them down. One lookup for all of them; each task names
    the answer that caused it."""
    causes = {(e.pupil_id, e.purpose_id, e.media_type): e for e in events}
    return takedowns_create(
        pupil_ids={e.pupil_id for e in events},
        purpose_ids={e.purpose_id for e in events},
        media_types={e.media_type for e in events},
        before=max(e.created_at for e in events),
        reason=TakedownTask.Reason.ANSWER,
        causes=causes,
    )


def takedowns_create(
    *,
    pupil_ids: Collection[int],
    purpose_ids: Collection[int] | None,
    media_types: Collection[str],
    before: datetime.datetime,
    reason: str,
    causes: Mapping[tuple[int, int, str], ConsentEvent] | None = None,
    cells: Collection[tuple[int, int, str]] | None = None,
) -> list[TakedownTask]:
    """Consent for these pupils stopped being granted: every check made before, not
    replaced, in which such a pupil *appears* becomes a takedown task for the teacher who
    made it, whatever the check's verdict was.

    With `causes` ((pupil, purpose, media type) -> the answer that withdrew it), only the
    checks of those cells, each made before its answer, and each task names its answer;
    with `cells`, only the checks of those (pupil, purpose, media type). The lookup reads
    the cross product of the ids and the cells are picked here.

    Idempotent: one task per (check, pupil); e-mails are queued once the row is committed.
    """
    rows = (
        CheckedPupil.objects.filter(
            appearance=Appearance.APPEARS,
            pupil_id__in=list(pupil_ids),
            publication_check__media_type__in=list(media_types),
            publication_check__replaced_by__isnull=True,
            publication_check__created_at__lte=before,
        )
        .select_related("publication_check")
        # The checks stay locked until the new tasks are committed (`lock_checks`).
        .select_for_update(no_key=True, of=("publication_check",))
        .order_by("publication_check_id", "pupil_id")
    )
    if purpose_ids is not None:
        rows = rows.filter(publication_check__purpose_id__in=list(purpose_ids))
    wanted: dict[tuple[int, int], TakedownTask] = {}  # (check, pupil) -> its task
    for row in rows:
        check = row.publication_check
        if cells is not None and (row.pupil_id, check.purpose_id, check.media_type) not in cells:
            continue
        event = None
        if causes is not None:
            event = causes.get((row.pupil_id, check.purpose_id, check.media_type))
            if event is None or check.created_at > event.created_at:
                continue
        wanted[(check.pk, row.pupil_id)] = TakedownTask(
            publication_check=check,
            pupil_id=row.pupil_id,
            assigned_to_id=check.checked_by_id,
            caused_by=event,
            reason=reason,
        )
    found = _takedowns_made(wanted)
    assignees = _takedown_assignees(
        {task.publication_check for task in wanted.values()}, keep=found.assignees()
    )
    waiting = {check_id for check_id, assignee in assignees.items() if assignee is None}
    for task in wanted.values():
        check = task.publication_check
        # nobody can take it down: it waits with its maker, told to nobody, until someone
        # is named (takedowns_hand_over_stuck, takedowns_tell_waiting)
        task.assigned_to_id = assignees[check.pk] or check.checked_by_id
    return _takedown_tasks_create(wanted, found, waiting=waiting)


def lock_checks(ids: Collection[int]) -> None:
    """Serialise the takedowns of these publications: PostgreSQL row locks FOR NO KEY
    UPDATE, in id order, taken after any pupil lock (`takedowns_create` takes them in its
    lookup). Two withdrawals at the same moment of two pupils in one picture, or a
    withdrawal and a change of meaning, each read the picture's tasks after the other
    committed: the teacher gets one e-mail, not one each. NO KEY: a new check replacing
    one of these, or a task pointing at it, is not held up."""
    if ids:
        locking = PublicationCheck.objects.select_for_update(no_key=True).filter(pk__in=ids)
        list(locking.order_by("pk").values_list("pk", flat=True))


def _takedown_assignees(
    checks: Collection[PublicationCheck],
    *,
    gone: int | None = None,
    keep: Mapping[int, Collection[int]] | None = None,
) -> dict[int, int | None]:
    """Check id -> who takes it down, or None when nobody can: whoever already has an
    open takedown of the publication (`keep`: check id -> their ids) while they can act
    on it, so one picture has one person (the maker among them first); else the teacher
    who made it while they still teach or direct at its school (board staff: while on
    the board); else the school's leaders' first (its directors, or the board). With
    neither, None: not the maker who left or was switched off, who would be told of a
    school they no longer work at. `gone`: an account being deleted, which counts as
    none of these. One query for the makers (and `keep`), one per school whose maker
    left."""
    if not checks:
        return {}
    keep = keep or {}
    people = {check.checked_by_id for check in checks}
    people.update(user_id for ids in keep.values() for user_id in ids)
    acting = acting_pairs(
        people - {gone},
        {check.school_id for check in checks},
        board_everywhere=True,
    )
    leaders: dict[int, list[int]] = {}
    assignees: dict[int, int | None] = {}
    for check in checks:
        having = sorted(
            (user_id != check.checked_by_id, user_id)
            for user_id in keep.get(check.pk, ())
            if (user_id, check.school_id) in acting
        )
        if having:
            assignees[check.pk] = having[0][1]
            continue
        if (check.checked_by_id, check.school_id) in acting:
            assignees[check.pk] = check.checked_by_id
            continue
        if check.school_id not in leaders:
            leaders[check.school_id] = leader_ids(check.school_id, excluding=gone)
        assignees[check.pk] = next(iter(leaders[check.school_id]), None)
    return assignees


def _handed_over_from_name(user) -> str:
    """The name a task keeps as handed over from: a copy, so without direction controls
    whatever the account holds (opo_portal.text); U+202E in it would make the task's line
    read as another on every page. A name of controls only is no name: the address, without
    them too (one stored before the forms refused them, opo_portal.fields)."""
    name = without_direction_controls(user.full_name)
    return name if name.strip() else without_direction_controls(user.email)


@transaction.atomic
def takedowns_hand_over(*, user_id: int, leaving: bool = False) -> list[TakedownTask]:
    """This staff member's open takedowns at schools where they no longer teach or direct,
    and are not on the board (a membership ended, the account was deactivated), go to each
    school's leaders' first, each with its e-mail: a picture is not left up for someone
    who cannot take it down. With `leaving` (the account is being deleted, and its tasks
    with it) every task moves, at every school: the open ones each with its e-mail as
    above, the done ones too but without an e-mail, as they are the record that the
    picture was taken down. Each moved task keeps when and from whom it was handed over
    (the last hand-over), which its pages and e-mail show."""
    found = TakedownTask.objects.filter(assigned_to_id=user_id).select_related(
        "publication_check",
        "assigned_to",  # the name the task keeps as handed over from
    )
    if not leaving:
        found = found.filter(done_at__isnull=True)
    lock_checks(set(found.values_list("publication_check_id", flat=True)))
    tasks = list(found)
    checks = {task.publication_check for task in tasks}
    schools = {check.school_id for check in checks}
    still = set()
    if not leaving:
        acting = acting_pairs([user_id], schools, board_everywhere=True)
        still = {school for _user, school in acting}
    assignees = _takedown_assignees(
        {check for check in checks if check.school_id not in still},
        gone=user_id if leaving else None,
    )
    moved = []
    waiting = set()  # moved to nobody who can act: told to nobody
    now = timezone.now()
    for task in tasks:
        assignee = assignees.get(task.publication_check_id, user_id)
        if assignee is None and leaving:
            # an account deleted takes its tasks with it: the task waits with its maker,
            # who cannot be deleted (the check protects them), until someone is named
            assignee = task.publication_check.checked_by_id
            waiting.add(task.pk)
        if assignee is not None and assignee != user_id:
            task.handed_over_from_name = _handed_over_from_name(task.assigned_to)
            task.handed_over_at = now
            task.assigned_to_id = assignee
            if task.is_open:  # `emailed_at`: the assignee was told; the new one is not yet
                task.emailed_at = None
            moved.append(task)
    if not moved:
        return []
    TakedownTask.objects.bulk_update(
        moved, ["assigned_to", "emailed_at", "handed_over_at", "handed_over_from_name"]
    )
    duties_enqueue_many(
        duties=[
            (
                f"takedown-email:{task.pk}:to:{task.assigned_to_id}",
                TAKEDOWN_EMAIL,
                _takedown_email_payload(task),
            )
            for task in _one_per_picture(
                task for task in moved if task.is_open and task.pk not in waiting
            )
        ]
    )
    return moved


def takedowns_nobody_has() -> dict:
    """Open takedowns whose assignee cannot act on them (deactivated, or no longer teaching
    or directing at the picture's school nor on the board): `takedowns_hand_over` gives
    them to the school's leaders, so these are at schools with no director while the
    foundation has no board member. ops.health shows them, as it shows the cases nobody
    answers for, so the IT partner can ask the foundation to name someone. Counts and
    school codes only. One query."""
    rows = (
        _takedowns_stuck()
        .values("publication_check__school__code")
        .annotate(n=Count("pk"))
        .order_by("publication_check__school__code")
        .values_list("publication_check__school__code", "n")
    )
    found = list(rows)
    return {"tasks": sum(n for _code, n in found), "schools": [code for code, _n in found]}


def takedowns_hand_over_stuck(*, school_id: int | None) -> None:
    """A director (of `school_id`) or a board member (None: every school) was named: the
    open takedowns nobody could act on there go to them now, each with its e-mail."""
    stuck = _takedowns_stuck()
    if school_id is not None:
        stuck = stuck.filter(publication_check__school_id=school_id)
    for user_id in set(stuck.values_list("assigned_to_id", flat=True)):
        takedowns_hand_over(user_id=user_id)


@transaction.atomic
def takedowns_for_activated(*, user_id: int) -> None:
    """An account activated again (the admin): a director or board member may now be whom
    the takedowns nobody could act on go to (as when one is named: takedowns_hand_over_stuck),
    and the open takedowns that waited with this account while it was off (its maker,
    with nobody else to answer for the school) are told to it now, one e-mail per picture,
    where it teaches or directs at the picture's school (or is on the board). A picture
    already told to them, or whose e-mail is still waiting in the outbox, gets none."""
    takedowns_hand_over_stuck(school_id=None)
    takedowns_tell_waiting(user_id=user_id)


def takedowns_tell_waiting(*, user_id: int) -> None:
    """The open takedowns that waited with this person untold (switched off, or a maker
    who left a school where nobody else could take them) where they take down now (they
    teach or direct at the picture's school again, or are on the board): one e-mail per
    picture. A picture told to them before, or whose e-mail is still waiting in the
    outbox, gets none. One query when there is none."""
    untold = list(
        TakedownTask.objects.filter(
            assigned_to_id=user_id, done_at__isnull=True, emailed_at__isnull=True
        ).select_related("publication_check")
    )
    if not untold:
        return
    acting = acting_pairs(
        [user_id], {task.publication_check.school_id for task in untold}, board_everywhere=True
    )
    waiting = Duty.objects.filter(
        handler=TAKEDOWN_EMAIL, status=Duty.Status.PENDING, payload__user_id=user_id
    ).values_list("payload__task_id", flat=True)
    told = set(
        TakedownTask.objects.filter(pk__in=list(waiting)).values_list(
            "publication_check_id", flat=True
        )
    )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S.%f")
    duties_enqueue_many(
        duties=[
            (
                f"takedown-email:{task.pk}:to:{user_id}:activated:{stamp}",
                TAKEDOWN_EMAIL,
                _takedown_email_payload(task),
            )
            for task in _one_per_picture(untold)
            if (user_id, task.publication_check.school_id) in acting
            and task.publication_check_id not in told
        ]
    )


def _takedowns_stuck():
    return TakedownTask.objects.filter(waits_for_a_leader())


@dataclass
class _Made:
    """What `_takedowns_made` found on the checks of the wanted tasks."""

    made: set[tuple[int, int]]  # (check, pupil) with its task
    told: set[tuple[int, int]]  # (check, assignee) with an open task they were e-mailed
    # (check, pupil) -> (its open task nobody e-mailed, its assignee)
    untold: dict[tuple[int, int], tuple[int, int]]

    def assignees(self) -> dict[int, set[int]]:
        """Check id -> whom its open tasks are given to."""
        having: dict[int, set[int]] = {}
        for check_id, assignee_id in self.told:
            having.setdefault(check_id, set()).add(assignee_id)
        for (check_id, _pupil), (_pk, assignee_id) in self.untold.items():
            having.setdefault(check_id, set()).add(assignee_id)
        return having


def _takedowns_made(wanted: Mapping[tuple[int, int], TakedownTask]) -> _Made:
    """Of these checks: which (check, pupil) already have their task, which (check,
    assignee) were e-mailed about an open one, and the open tasks not e-mailed. One query,
    after the checks were locked (in a statement of its own: a locking read sees other
    rows as they were when it started, before the transaction it waited for committed)."""
    found = _Made(set(), set(), {})
    if not wanted:
        return found
    rows = (
        # left up (closed as no longer needed, or consent allowed the pupil again since it
        # was taken offline): the task is made anew
        TakedownTask.objects.standing()
        .filter(publication_check_id__in={check_id for check_id, _pupil in wanted})
        .values_list(
            "pk", "publication_check_id", "pupil_id", "assigned_to_id", "done_at", "emailed_at"
        )
    )
    for pk, check_id, pupil_id, assignee_id, done_at, emailed_at in rows.order_by():
        found.made.add((check_id, pupil_id))
        if done_at is None and emailed_at is not None:
            found.told.add((check_id, assignee_id))
        elif done_at is None:
            found.untold[(check_id, pupil_id)] = (pk, assignee_id)
    _still_to_be_told(found)
    return found


def _still_to_be_told(found: _Made) -> None:
    """An open task not e-mailed yet whose e-mail is still waiting in the outbox: its
    picture will be told when it runs (`consent.duties.takedown_email_send` reads the
    tasks then, under the picture's lock), so it counts as told. An e-mail already with
    the SMTP server does not count the task made now; it reads the picture again once
    sent and writes that task's e-mail (`takedowns_mark_told`). One query, only when
    there is such a task."""
    if not found.untold:
        return
    waiting = set(
        Duty.objects.filter(
            handler=TAKEDOWN_EMAIL,
            status=Duty.Status.PENDING,
            payload__task_id__in=[pk for pk, _assignee in found.untold.values()],
        ).values_list("payload__task_id", flat=True)
    )
    for key, (pk, assignee_id) in list(found.untold.items()):
        if pk in waiting:
            found.told.add((key[0], assignee_id))
            del found.untold[key]


def _takedown_tasks_create(
    wanted: Mapping[tuple[int, int], TakedownTask], found: _Made, *, waiting: Collection[int] = ()
) -> list[TakedownTask]:
    """The wanted tasks not made before, in one INSERT, and their e-mails as outbox
    duties in another. A task made meanwhile by a change of meaning (which takes no pupil
    lock) makes the INSERT fail: then each is made, or found, one by one.

    One e-mail per picture: the new tasks of one check for one assignee share it, and a
    check whose assignee was e-mailed about an open task on it (`found.told`) gets none:
    the picture is taken down once, whatever number of pupils it lost. A task still open
    that nobody was e-mailed about (its "no" was taken back before the e-mail went out,
    which then sent nothing) gets an e-mail again now that it is wanted again. A check in
    `waiting` (nobody can take it down) gets none: it waits untold for whoever is named."""
    tasks = [task for key, task in wanted.items() if key not in found.made]
    if tasks:
        try:
            with transaction.atomic():
                TakedownTask.objects.bulk_create(tasks)
        except IntegrityError:
            tasks = [task for task in map(_takedown_task_get_or_create, tasks) if task is not None]
    new_duties = [
        (f"takedown-email:{task.pk}", TAKEDOWN_EMAIL, _takedown_email_payload(task))
        for task in _one_per_picture(tasks)
        if (task.publication_check_id, task.assigned_to_id) not in found.told
        and task.publication_check_id not in waiting
    ]
    again = [duty for duty in _untold_duties(wanted, found) if duty[3] not in waiting]
    duties_enqueue_many(duties=new_duties + [duty[:3] for duty in again])
    return tasks


def _untold_duties(wanted: Mapping[tuple[int, int], TakedownTask], found: _Made) -> list:
    """An e-mail duty per picture with an open task wanted again that nobody was e-mailed
    about, keyed by what wants it again (the "no", or the moment): not the first one's
    key, which is done. Each as (key, handler, payload, check id)."""
    first: dict[tuple[int, int], int] = {}  # (check, assignee) -> the first such task
    for (check_id, pupil_id), (pk, assignee_id) in sorted(found.untold.items()):
        if (check_id, pupil_id) in wanted and (check_id, assignee_id) not in found.told:
            first[(check_id, assignee_id)] = min(pk, first.get((check_id, assignee_id), pk))
    cause = _cause_of(wanted.values())
    return [
        (
            f"takedown-email:{pk}:again:{cause}",
            TAKEDOWN_EMAIL,
            {"task_id": pk, "user_id": assignee_id},
            check_id,
        )
        for (check_id, assignee_id), pk in first.items()
    ]


def _cause_of(tasks: Iterable[TakedownTask]) -> str:
    """What wants these tasks now, for an idempotency key: the latest "no" among them, or
    (a change of meaning, of gezag, a flag) the moment."""
    events = [task.caused_by_id for task in tasks if task.caused_by_id is not None]
    return f"event-{max(events)}" if events else timezone.now().strftime("%Y%m%dT%H%M%S.%f")


def _one_per_picture(tasks: Iterable[TakedownTask]) -> list[TakedownTask]:
    """The first task of each (check, assignee): the one their e-mail is sent for."""
    first: dict[tuple[int, int], TakedownTask] = {}
    for task in sorted(tasks, key=lambda task: task.pk):
        first.setdefault((task.publication_check_id, task.assigned_to_id), task)
    return list(first.values())


def _takedown_email_payload(task: TakedownTask) -> dict:
    return {"task_id": task.pk, "user_id": task.assigned_to_id}


TAKEDOWN_EMAIL = "consent.duties.takedown_email_send"


def _takedown_task_get_or_create(task: TakedownTask) -> TakedownTask | None:
    """`task` saved, or None when its (check, pupil) already has an open one."""
    try:
        with transaction.atomic():
            task.save(force_insert=True)
    except IntegrityError:
        return None
    return task


def takedowns_mark_told(*, check_id: int, assignee_id: int, counted: Collection[int]) -> None:
    """The SMTP server accepted the e-mail to `assignee_id` about picture `check_id` that
    counted the tasks `counted` (`consent.duties.takedown_email_send`, run by the outbox
    after the send, in the duty's done transaction): mark those told that are still
    theirs (one handed over meanwhile waits for its new assignee's own e-mail).

    The e-mail was decided before it went, and the picture's lock was not held while the
    server answered: a takedown made meanwhile counted this e-mail's duty, still pending,
    as telling the picture (`_still_to_be_told`), but it is not in it. Read under the lock
    again, such a task, open, untold and still needed, gets an e-mail of its own, unless
    another pending e-mail will read the picture. A takedown made after this commits sees
    the picture told, as it did when the lock was held to the end."""
    lock_checks([check_id])
    TakedownTask.objects.filter(
        pk__in=list(counted), assigned_to_id=assignee_id, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    joined = _joined_while_sending(check_id, assignee_id, counted)
    if joined:
        first = min(joined, key=lambda task: task.pk)
        duty_enqueue(
            key=f"takedown-email:{first.pk}:joined:{_cause_of(joined)}",
            handler=TAKEDOWN_EMAIL,
            payload=_takedown_email_payload(first),
        )


def _joined_while_sending(
    check_id: int, assignee_id: int, counted: Collection[int]
) -> list[TakedownTask]:
    """The picture's open, untold tasks of the assignee that the sent e-mail did not
    count, still needed, and no other pending e-mail of which reads the picture. One
    query when there is none (the usual case)."""
    left = list(
        TakedownTask.objects.filter(
            publication_check_id=check_id,
            assigned_to_id=assignee_id,
            done_at__isnull=True,
            emailed_at__isnull=True,
        )
        .exclude(pk__in=list(counted))
        .select_related("publication_check", "pupil")
    )
    if not left:
        return []
    again = allowed_again(left)
    left = [task for task in left if task.pk not in again]
    if not left:
        return []
    waiting = Duty.objects.filter(
        handler=TAKEDOWN_EMAIL,
        status=Duty.Status.PENDING,
        payload__task_id__in=[task.pk for task in left],
    ).exclude(key=duty_running_key())  # this e-mail's duty is pending until its commit
    return [] if waiting.exists() else left


@transaction.atomic
def takedowns_for_gezag_change(
    *,
    lost: Mapping[int, Collection[int]] | None = None,
    gained: Mapping[int, Collection[int]] | None = None,
) -> list[TakedownTask]:
    """Who holds gezag over pupils changed (already written; pupil id -> the parents' user
    ids who `lost` or `gained` it). Only current gezag-holders decide: a parent who lost it
    no longer counts, one who gained it back counts with their earlier answers. Every
    channel and media type that was granted before the change and is not after it is
    taken down, as a withdrawal would be, also for a pupil who left (what was published
    while they were at school is still up). Not for an erased pupil: erasing the record
    after the retention term removes the guardianships and withdraws nothing."""
    lost, gained = lost or {}, gained or {}
    pupils = list(
        Pupil.objects.filter(pk__in=[*lost, *gained]).exclude(
            leerlingnummer__startswith=ERASED_PREFIX
        )
    )
    if not pupils:
        return []
    lock_pupils([pupil.pk for pupil in pupils])
    # retired channels too: what was published on them stays up until taken down
    now_table = consent_table(pupils, purpose_infos(retired=True))
    then_holders = {
        pupil.pk: (now_table.holders.get(pupil.pk, set()) - set(gained.get(pupil.pk, ())))
        | set(lost.get(pupil.pk, ()))
        for pupil in pupils
    }
    then_table = replace(now_table, holders=then_holders)
    cells: set[tuple[int, int, str]] = set()
    back: set[tuple[int, int, str]] = set()
    for key in now_table.decisions:
        if key[1] not in now_table.purposes:
            continue
        then, now = is_allowed(then_table.state(*key)), is_allowed(now_table.state(*key))
        if then != now:
            (cells if then else back).add(key)
    takedowns_consent_back(cells=back)
    if not cells:
        return []
    return takedowns_create(
        pupil_ids={pupil_id for pupil_id, _purpose, _media in cells},
        purpose_ids={purpose_id for _pupil, purpose_id, _media in cells},
        media_types={media for _pupil, _purpose, media in cells},
        before=timezone.now(),
        reason=TakedownTask.Reason.AUTHORITY,
        cells=cells,
    )


def takedowns_consent_back(*, cells: Collection[tuple[int, int, str]]) -> int:
    """Consent allows these (pupil, purpose, media type) again: a parent's "yes" that
    allows it (`consent_decide`; not one that leaves the parents disagreeing), a change of
    gezag, the safeguarding flag cleared. A picture of theirs taken offline may go back up
    now (`TakedownTask.objects.standing`), so a later "no" takes it down anew. Marks the
    tasks of those cells taken offline until now; one still open stays as it is (taken
    down after this, it came down after consent came back). One query, none without a
    cell."""
    if not cells:
        return 0
    which = Q()
    for pupil_id, purpose_id, media in cells:
        which |= Q(
            pupil_id=pupil_id,
            publication_check__purpose_id=purpose_id,
            publication_check__media_type=media,
        )
    now = timezone.now()
    return TakedownTask.objects.filter(
        which,
        done_at__lte=now,
        closed_reason=TakedownTask.ClosedReason.TAKEN_DOWN,
        consent_back_at__isnull=True,
    ).update(consent_back_at=now)


@transaction.atomic
def pupil_safeguarding_set(*, pupil: Pupil, not_in_picture: bool) -> list[TakedownTask]:
    """Set or clear the safeguarding flag; setting it takes down every publication the
    pupil appears in, on every channel and media type."""
    lock_pupils([pupil.pk])
    was = Pupil.objects.filter(pk=pupil.pk).values_list("not_in_picture", flat=True).get()
    Pupil.objects.filter(pk=pupil.pk).update(not_in_picture=not_in_picture)
    pupil.not_in_picture = not_in_picture
    if was and not not_in_picture:
        # the parents' answers count again: what they allow may go back up
        table = consent_table([pupil], purpose_infos(retired=True))
        takedowns_consent_back(
            cells={key for key in table.decisions if is_allowed(table.state(*key))}
        )
    if was or not not_in_picture:
        return []
    return takedowns_create(
        pupil_ids=[pupil.pk],
        purpose_ids=None,
        media_types=MediaType.values,
        before=timezone.now(),
        reason=TakedownTask.Reason.SAFEGUARDING,
    )


@transaction.atomic  # the lookup locks the checks (select_for_update needs a transaction)
def takedowns_for_erased_pupil(*, pupil_id: int) -> list[TakedownTask]:
    """The pupil's record was erased after the retention term, their parents unlinked:
    nobody can withdraw for them any more, so what is still published of them (on every
    channel and medium) is taken down now instead of staying up for good."""
    return takedowns_create(
        pupil_ids=[pupil_id],
        purpose_ids=None,
        media_types=MediaType.values,
        before=timezone.now(),
        reason=TakedownTask.Reason.ERASED,
    )


# The publications (checks) with an open task of the user where they take down (a school
# they teach or direct at, any on the board): consent.access.own_takedowns(user).filter(
# done_at__isnull=True).values("publication_check").distinct().count(), written out: it
# runs on every teacher's and director's page, and building it through the ORM cost more
# CPU than running it (tests compare the two).
OPEN_TAKEDOWNS_SQL = (
    "SELECT COUNT(DISTINCT t.publication_check_id) FROM consent_takedowntask t"
    " JOIN consent_publicationcheck c ON c.id = t.publication_check_id"
    " WHERE t.assigned_to_id = %s AND t.done_at IS NULL AND EXISTS ("
    "SELECT 1 FROM schools_staffmembership m WHERE m.user_id = t.assigned_to_id"
    " AND (m.role = 'board' OR (m.role IN ('teacher', 'director') AND m.school_id = c.school_id)))"
)


def open_takedowns_query(user) -> tuple[str, list] | None:
    """The menu's number next to "Take down" (a page scalar, settings.PORTAL_PAGE_SCALARS):
    the publications this staff member still has to take down. Read with the other page
    scalars in one query."""
    if not is_staff_member(user):
        return None
    return OPEN_TAKEDOWNS_SQL, [user.pk]


@transaction.atomic  # the picture's lock, for "no longer needed"
def takedown_complete(
    *,
    task: TakedownTask,
    user=None,
    reach=None,
    closed_reason: str = TakedownTask.ClosedReason.TAKEN_DOWN,
) -> int:
    """Mark the task done (once: a second click changes nothing), by `user`, taken
    offline or closed as no longer needed (`closed_reason`). With `reach` (the tasks the
    user may mark, `consent.access.takedowns_in_reach`), the picture is closed: every
    open task of the same check in reach, the other pupils in it too. "No longer needed"
    only while consent allows every one of those pupils again, read under the picture's
    lock: a "no" given since the page was shown refuses it (ValidationError)."""
    if closed_reason not in TakedownTask.ClosedReason.values:
        raise ValueError(closed_reason)
    tasks = TakedownTask.objects.filter(done_at__isnull=True)
    if reach is None:
        tasks = tasks.filter(pk=task.pk)
    else:
        same_picture = reach.filter(publication_check_id=task.publication_check_id)
        tasks = tasks.filter(pk__in=same_picture.values("pk"))
    if closed_reason == TakedownTask.ClosedReason.NOT_NEEDED:
        lock_checks([task.publication_check_id])
        _refuse_unless_allowed_again(tasks)
    return tasks.update(done_at=timezone.now(), done_by=user, closed_reason=closed_reason)


def _refuse_unless_allowed_again(tasks) -> None:
    found = list(tasks.select_related("publication_check", "pupil"))
    if allowed_again(found) != {each.pk for each in found}:
        raise ValidationError(
            _(
                "Consent was withdrawn again in the meantime: the publication must still be "
                "taken offline. Take it down, then mark it as taken down."
            )
        )


# --- Purposes (board) ------------------------------------------------------------


@transaction.atomic
def purpose_create(*, user, code: str, name: str, text: str) -> Purpose:
    text = normalize_newlines(text)
    taken = ValidationError(_("A purpose with this code already exists."))
    if Purpose.objects.filter(code=code).exists():
        raise taken
    last = Purpose.objects.order_by("-ordering").values_list("ordering", flat=True).first()
    try:
        with transaction.atomic():
            purpose = Purpose.objects.create(code=code, name=name, ordering=(last or 0) + 10)
    except IntegrityError:  # a second click that found no such purpose yet
        raise taken from None
    PurposeVersion.objects.create(
        purpose=purpose,
        number=1,
        text=text,
        text_hash=text_hash(text),
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
        created_by=user,
    )
    return purpose


@transaction.atomic
def purpose_version_publish(
    *, user, purpose: Purpose, text: str, kind: str, based_on: int | None = None
) -> PurposeVersion:
    """A new text for a purpose. A change of meaning asks every parent again (rules.py),
    except on a channel switched off, where no "ja" can be given.
    `based_on`: the number of the version the form showed as current; when another was
    published since (a colleague, another tab, a second click) nothing is published: code
    "already" when that one has this text, "stale" otherwise; "unknown" for a number no
    version has yet (a tool's, or 2**63), which no colleague published meanwhile, and for
    0 and below (PurposeTextForm reads anything that is no number as 0)."""
    if kind not in PurposeVersion.Kind.values:
        raise ValidationError(_("Choose correction or change of meaning."))
    text = normalize_newlines(text)  # stored with \n only, whatever the browser sent
    # FOR NO KEY UPDATE: a "no" saved meanwhile checks its reference to the purpose at
    # its commit (FOR KEY SHARE), after its takedowns locked their checks; a FOR UPDATE
    # here waited for it while it waited for this one's takedowns: a deadlock.
    locked = Purpose.objects.select_for_update(no_key=True).get(pk=purpose.pk)
    last = locked.versions.select_related("created_by").order_by("-number").first()
    if based_on is not None and (last is None or not 1 <= based_on <= last.number):
        raise ValidationError(
            _(
                "This page was sent for a version of this text that does not exist; nothing "
                "was published. The page now shows the current text: read it, and publish "
                "again if needed."
            ),
            code="unknown",
        )
    if last is not None and based_on is not None and last.number != based_on:
        _refuse_over_newer(last, text)
    if last is not None and last.has_text(text):
        raise ValidationError(_("The text is the same as the current version."))
    version = PurposeVersion.objects.create(
        purpose=locked,
        number=(last.number if last else 0) + 1,
        text=text,
        text_hash=text_hash(text),
        kind=kind,
        created_by=user,
    )
    if kind == PurposeVersion.Kind.CHANGE_OF_MEANING:
        # Every earlier answer stops counting: nobody is "granted" on this channel any more.
        takedowns_create(
            pupil_ids=set(
                CheckedPupil.objects.filter(
                    publication_check__purpose=locked, appearance=Appearance.APPEARS
                ).values_list("pupil_id", flat=True)
            ),
            purpose_ids=[locked.pk],
            media_types=MediaType.values,
            before=version.published_at,
            reason=TakedownTask.Reason.CHANGE_OF_MEANING,
        )
    if kind == PurposeVersion.Kind.CHANGE_OF_MEANING and locked.active:
        # A channel switched off takes no "ja": nobody is asked to answer it again.
        duty_enqueue(
            key=f"purpose-changed:{version.pk}",
            handler="consent.duties.purpose_changed_fan_out",
            payload={"version_id": version.pk},
        )
    return version


def _refuse_over_newer(last: PurposeVersion, text: str) -> None:
    """A form read before `last` was published: said who published what, nothing saved."""
    by = last.created_by
    values = {
        "number": last.number,
        "name": (by.full_name or by.email) if by is not None else "?",
        "when": date_format(timezone.localtime(last.published_at), "j F Y H:i"),
    }
    if last.has_text(text):
        raise ValidationError(
            _("This text was already published as version %(number)s by %(name)s on %(when)s.")
            % values,
            code="already",
        )
    raise ValidationError(
        _(
            "Version %(number)s of this text was published meanwhile by %(name)s on "
            "%(when)s; nothing was published. The page now shows it: read it, and publish "
            "again if needed."
        )
        % values,
        code="stale",
    )


# --- Reminders and the yearly review -------------------------------------------------


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def current_school_year(day: datetime.date) -> str:
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def _waiting_holders(pupils: Sequence[Pupil]) -> tuple[set[int], set[int]]:
    """(every gezag-holder of these pupils, those of a pupil with an open question).

    A question is open when no current gezag-holder answered it (DESIGN's "unanswered",
    as the homes and coverage count it): each gezag-holder's answer counts, so once one
    parent answered, the other is not reminded of it ("without an answer the school
    publishes nothing" would be untrue). A pupil never in the picture has no open
    question: their parents are neither counted nor reminded for them."""
    pupils = [pupil for pupil in pupils if not pupil.not_in_picture]
    infos = purpose_infos()
    table = consent_table(pupils, infos)
    holders: set[int] = set()
    waiting: set[int] = set()
    for pupil in pupils:
        pupil_holders = table.holders.get(pupil.pk, ())
        holders.update(pupil_holders)
        if _has_open_question(table, pupil, infos):
            waiting.update(pupil_holders)
    return holders, waiting


def _has_open_question(table, pupil: Pupil, infos) -> bool:
    return _open_question_count(table, pupil, infos) > 0


def _open_question_count(table, pupil: Pupil, infos) -> int:
    return sum(
        table.state(pupil.pk, info.purpose.pk, media) == State.UNANSWERED
        for info in infos
        for media in MediaType.values
    )


def open_questions_per_child(children) -> dict[int, int]:
    """Per child the reminder is about (at school, not kept out of the picture): how many
    questions no parent with gezag has answered, by the reminder's own rule, so the page
    its link opens says which child they are about. Three queries (none without such a
    child): the channels, the children's gezag-holders, their answers."""
    asked = [child for child in children if child.left_on is None and not child.not_in_picture]
    if not asked:
        return {}
    infos = purpose_infos()
    table = consent_table(asked, infos)
    return {child.pk: _open_question_count(table, child, infos) for child in asked}


def open_question_schools(*, user_id: int) -> list[School]:
    """The schools, by name, where a current child this parent holds gezag for has an
    open question (the reminder names them, and their contact addresses). Three queries."""
    pupils = list(
        Pupil.objects.current()
        .filter(
            not_in_picture=False,
            guardianships__user_id=user_id,
            guardianships__has_parental_authority=True,
        )
        .select_related("school")
    )
    infos = purpose_infos()
    table = consent_table(pupils, infos)
    schools = {p.school_id: p.school for p in pupils if _has_open_question(table, p, infos)}
    return sorted(schools.values(), key=lambda school: school.name)


def parents_without_answers(*, school: School) -> set[int]:
    """Gezag-holders of current pupils who have not answered some purpose × media type."""
    return _waiting_holders(list(Pupil.objects.current().filter(school=school)))[1]


REMINDER_PAUSE = datetime.timedelta(days=7)


def reminded_since(now: datetime.datetime) -> datetime.datetime:
    """The moment REMINDER_PAUSE before `now` on the school's clock: Python subtracts days
    from a local time by the wall clock, so Monday 9:00 is a week after last Monday 9:00
    also across a change of summer time (from a UTC time it was 167 hours in March, and
    the parent still "reminded in the last 7 days")."""
    return timezone.localtime(now, timezone.get_default_timezone()) - REMINDER_PAUSE


@dataclass(frozen=True)
class ReminderPlan:
    """Who gets a reminder, and why the others do not. Counts are parents (e-mail addresses)."""

    parents: int
    to_send: tuple[int, ...]
    recently_reminded: int
    all_answered: int
    deactivated: int  # open questions, but no e-mail reaches them (account deactivated)
    declined: int = 0  # open questions, but they stopped reminders (consent.reminder_stop)
    # open questions, but a parent of the sender's own child: a colleague reminds them
    withheld: int = 0


def reminder_plan(
    *,
    school: School,
    group_id: int | None = None,
    guardian_id: int | None = None,
    withheld: frozenset[int] = frozenset(),
    now: datetime.datetime | None = None,
) -> ReminderPlan:
    """The reminders one click would send, for the school, one group or one parent.

    A constant number of queries (pupils, purposes, gezag-holders, events, and the waiting
    parents an e-mail reaches with their recent reminders). Only parents the send e-mails
    (`outbox.services.emailed_users`) are in `to_send`: the preview counts what is sent.
    `withheld`: the sender's own child's family (schools.access.own_family_ids), left for a
    colleague and counted apart.
    """
    now = now or timezone.now()
    pupils = Pupil.objects.current().filter(school=school)
    if group_id is not None:
        pupils = pupils.filter(group_id=group_id)
    if guardian_id is not None:
        pupils = pupils.filter(
            guardianships__user_id=guardian_id, guardianships__has_parental_authority=True
        )
    holders, waiting = _waiting_holders(list(pupils))
    if guardian_id is not None:
        holders &= {guardian_id}
        waiting &= {guardian_id}
    left_out = waiting & withheld
    holders -= withheld
    waiting -= withheld
    reachable = _reminded_lately(waiting, now)
    declined = {user_id for user_id, (_reminded, stopped) in reachable.items() if stopped}
    recent = {user_id for user_id, (reminded, _s) in reachable.items() if reminded} - declined
    return ReminderPlan(
        parents=len(holders),
        to_send=tuple(sorted(reachable.keys() - recent - declined)),
        recently_reminded=len(recent),
        all_answered=len(holders - waiting),
        deactivated=len(waiting - reachable.keys()),
        declined=len(declined),
        withheld=len(left_out),
    )


def _reminded_lately(user_ids: set[int], now: datetime.datetime) -> dict[int, tuple[bool, bool]]:
    """Of these parents, those an e-mail reaches, each with (whether a reminder went out to
    them in the last 7 days, whether they stopped reminders). One query (none for nobody).
    A reminder whose duty gave up never went: it does not count."""
    lately = ReminderSent.objects.filter(
        user_id=OuterRef("pk"), sent_at__gt=reminded_since(now), failed_at__isnull=True
    )
    stopped = ReminderOptOut.objects.filter(user_id=OuterRef("pk"))
    users = emailed_users().filter(pk__in=user_ids)
    users = users.annotate(reminded=Exists(lately), stopped=Exists(stopped))
    rows = users.order_by().values_list("pk", "reminded", "stopped")
    return {pk: (reminded, stopped) for pk, reminded, stopped in rows}


def parents_open_elsewhere(*, school: School, user_ids: Sequence[int]) -> int:
    """Of these parents, how many also have an open question for a child at another
    school: their reminder is about both schools and has no Reply-To
    (consent.duties._replies). A constant number of queries (none for nobody)."""
    if not user_ids:
        return 0
    elsewhere = (
        Pupil.objects.current()
        .filter(guardianships__user_id__in=user_ids, guardianships__has_parental_authority=True)
        .exclude(school=school)
        .distinct()
    )
    _holders, waiting = _waiting_holders(list(elsewhere))
    return len(waiting & set(user_ids))


@transaction.atomic
def reminders_send(
    *,
    school: School,
    group_id: int | None = None,
    guardian_id: int | None = None,
    withheld: frozenset[int] = frozenset(),
    by=None,
    now: datetime.datetime | None = None,
) -> ReminderPlan:
    """Send the reminders of a fresh plan (never the one shown: time passed). Returns the
    plan with `to_send` narrowed to the reminders claimed here; each is one e-mail task.
    `by`: the staff member who clicked, recorded with `school` on each row for their
    "Mijn gegevens" (accounts.staff_data).

    The unique (parent, ISO week) row is the claim, so two clicks at once send once.
    """
    now = now or timezone.now()
    plan = reminder_plan(
        school=school, group_id=group_id, guardian_id=guardian_id, withheld=withheld, now=now
    )
    week = iso_week(timezone.localdate(now))
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(user_id=uid, week=week, sent_at=now, sent_by=by, sent_from=school)
            for uid in plan.to_send
        ],
        ignore_conflicts=True,
    )
    claims = sorted(
        ReminderSent.objects.filter(user_id__in=plan.to_send, week=week, sent_at=now).values_list(
            "user_id", "pk"
        )
    )
    claimed = tuple(user_id for user_id, _pk in claims)
    for user_id, reminder_id in claims:
        # keyed by the claim: a claim given back unsent (consent.duties.reminder_email_send)
        # and made again in the same week gets its own e-mail
        duty_enqueue(
            key=f"consent-reminder:{user_id}:{week}:{reminder_id}",
            handler="consent.duties.reminder_email_send",
            payload={"user_id": user_id, "reminder_id": reminder_id},
        )
    return replace(
        plan,
        to_send=claimed,
        recently_reminded=plan.recently_reminded + len(plan.to_send) - len(claimed),
    )


@transaction.atomic
def review_round_open(*, school: School, user, today: datetime.date | None = None) -> ReviewRound:
    year = current_school_year(today or timezone.localdate())
    already_open = ValidationError(_("The review round for this school year is already open."))
    if ReviewRound.objects.filter(school=school, school_year=year).exists():
        raise already_open
    try:
        with transaction.atomic():
            review_round = ReviewRound.objects.create(
                school=school, school_year=year, opened_by=user
            )
    except IntegrityError:  # a second click that found no round yet: the first opened it
        raise already_open from None
    duty_enqueue(
        key=f"review-round:{review_round.pk}",
        handler="consent.duties.review_round_fan_out",
        payload={"round_id": review_round.pk},
    )
    return review_round


def review_confirm_unchanged(*, review_round: ReviewRound, user, pupil: Pupil):
    """One click: "my choices are unchanged". Recorded as a confirmation, not as events."""
    if not has_gezag(user, pupil) or pupil.school_id != review_round.school_id:
        raise PermissionDenied
    confirmation, _created = ReviewConfirmation.objects.get_or_create(
        review_round=review_round, user=user, pupil=pupil
    )
    return confirmation
