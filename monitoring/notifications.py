"""E-mails from monitoring, through the outbox (outbox/services.py): one duty per recipient.

The ``*_queue`` functions run inside the caller's transaction and record the duties; the
``*_email_send`` handlers send one e-mail each and raise when the SMTP server refuses, so
the outbox retries. None of them contains post text or pupil names.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.languages import in_language_of
from monitoring import reports
from monitoring.models import (
    CASE_CATEGORIES,
    CATEGORY_LABELS,
    FetchRun,
    FollowUp,
    PublicReply,
    Source,
)
from monitoring.sources.explain import fetch_error_explained
from outbox.models import Duty
from outbox.services import (
    duties_enqueue_many,
    duties_for_users,
    duty_enqueue,
    duty_mail,
    duty_readdressed,
    recipient_email,
)
from schools.leaders import acting_pairs, leader_ids
from schools.models import School, StaffMembership

log = logging.getLogger(__name__)
Role = StaffMembership.Role


def _directors(school_id: int) -> list[int]:
    """The school's directors, or the board when the school has none (schools.leaders)."""
    return leader_ids(school_id)


def _board() -> list[int]:
    """Active board members (an inactive account is e-mailed nothing: recipient_email)."""
    members = StaffMembership.objects.filter(role=Role.BOARD, user__is_active=True)
    return sorted(set(members.values_list("user_id", flat=True)))


def _school_directors_seen(school_id: int) -> dict[int, datetime.datetime]:
    """The school's active directors, each with when they were last in the portal: their
    last login, or the day their account was made when they never logged in (a director
    just named is not away). One query."""
    directors = StaffMembership.objects.filter(
        school_id=school_id, role=Role.DIRECTOR, user__is_active=True
    )
    seen = Coalesce("user__last_login", "user__date_joined")
    return dict(directors.values_list("user_id", seen))


def _away_days() -> int:
    return getattr(settings, "MONITORING_DIRECTOR_AWAY_DAYS", 14)


def _away(seen: dict[int, datetime.datetime]) -> bool:
    """Whether the school has directors and none of them has been in the portal for
    MONITORING_DIRECTOR_AWAY_DAYS: on leave, ill, or not using the portal. What would wait
    for their return goes to the board as well (_away_board)."""
    since = timezone.now() - datetime.timedelta(days=_away_days())
    return bool(seen) and all(when < since for when in seen.values())


def _away_board(school_id: int, seen: dict[int, datetime.datetime] | None = None) -> list[int]:
    """The board, when every director of the school is away (_away); else nobody. At a
    school without a director the board is told anyway (schools.leaders)."""
    if seen is None:
        seen = _school_directors_seen(school_id)
    return _board() if _away(seen) else []


def _told_as_board(school_id: int, user_id: int) -> bool:
    """Whether `user_id` gets a school's notice only because its directors are away (the
    e-mail says so): not a director of it, and they are away."""
    seen = _school_directors_seen(school_id)
    return user_id not in seen and _away(seen)


def _send(subject: str, template: str, context: dict, user_id: int) -> None:
    email = recipient_email(user_id)
    if email is not None:
        duty_mail(subject, render_to_string(template, context), email)


# --- Urgent case -------------------------------------------------------------------------


def urgent_case_queue(
    *,
    case: FollowUp,
    again: bool = False,
    excluding: int | None = None,
    edited: bool = False,
    after_conversation: bool = False,
    held: bool = False,
) -> bool:
    """Tell the school's directors, and the case's assignee (who is to act on it), about an
    urgent case, once (a claim on the row); a reopened case's assignee is not: their
    reopen or assignment e-mail says that it is urgent. `excluding`: whoever caused the
    notice (marked, reported or reopened it): they know, and are not told. `again`: the
    case was reopened (followup_update cleared the claim), so the notice goes once more,
    under a key of its own, and says so: by whom (`excluding`), or that the writer edited
    a post in it (`edited`). `case` must carry its `assigned_to_id`.

    `after_conversation`: an urgent post came into a case at "conversation held" whose
    notice went before that conversation: a fresh notice, as for a first one but saying
    that a conversation was held (the flag in the payload), claimed on
    `reopened_at` (set until someone moves the case on: services.followup_update), so a
    burst of such posts, or a second worker, sends it once; the urgent sweep then counts
    the case as waiting from this notice. `held`: a first notice of a case whose
    conversation was held before the urgent post came in; like `after_conversation`, the
    e-mail says that a conversation has been held.

    With nobody to tell (no director, no board member, no assignee) nothing is claimed:
    the notice goes once someone is named (services.followups_urgent_reach)."""
    now = timezone.now()
    recipients = _urgent_recipients(case, assignee=not again)
    if not recipients:
        log.warning(
            "monitoring case %s is urgent but school %s has no director and the foundation "
            "no board member: nobody told yet",
            case.pk,
            case.school_id,
        )
        return False
    if after_conversation:
        claimed = FollowUp.objects.filter(
            pk=case.pk,
            status=FollowUp.Status.CONVERSATION_HELD,
            reopened_at__isnull=True,
            urgent_notified_at__isnull=False,
        ).update(urgent_notified_at=now, reopened_at=now)
    else:
        claimed = FollowUp.objects.filter(pk=case.pk, urgent_notified_at__isnull=True).update(
            urgent_notified_at=now
        )
    if not claimed:
        return False
    payload: dict = {"case_id": case.pk}
    if again or after_conversation or _urgent_written(case.pk):
        # a notice of its own: a reopening, or one written before reached nobody (its
        # duties are done, and a key of theirs would skip whom it was dropped for)
        payload["notice"] = now.strftime("%Y%m%d%H%M%S%f")
    if again:
        payload["reopened"] = "edited" if edited else "by_hand"
    if after_conversation or held:
        payload["after_conversation"] = True  # the e-mail says a conversation was held
    if excluding is not None:
        # "reopened by" names them; otherwise they are only left out (also when readdressed)
        payload["by_id" if again and not edited else "excluding"] = excluding
    duties_for_users(
        key=_urgent_key(case.pk, payload.get("notice", "")),
        handler=URGENT_CASE_EMAIL,
        payload=payload,
        user_ids=[user_id for user_id in recipients if user_id != excluding],
    )
    return True


URGENT_CASE_EMAIL = "monitoring.notifications.urgent_case_email_send"


def _urgent_key(case_id: int, notice: str = "") -> str:
    """One notice per case, and one per reopening (`notice`, when it was claimed)."""
    return f"urgent-case:{case_id}:{notice}" if notice else f"urgent-case:{case_id}"


def _urgent_recipients(case: FollowUp, *, assignee: bool = True) -> list[int]:
    """Who is told of an urgent case: the school's directors (or the board, when it has
    none; and also the board when its directors are away: _away_board) and whoever has
    the case, the person who is to act on it (`assignee`)."""
    recipients = set(_directors(case.school_id)) | set(_away_board(case.school_id))
    if assignee and case.assigned_to_id is not None:
        recipients.add(case.assigned_to_id)
    return sorted(recipients)


def _urgent_written(case_id: int) -> bool:
    """Whether a first notice of the case was written already (it then reached nobody:
    urgent_case_email_send cleared the claim)."""
    return Duty.objects.filter(key__startswith=f"{_urgent_key(case_id)}:user:").exists()


def urgent_told(*, case_id: int, user_id: int) -> bool:
    """Whether an urgent notice of the case was written for the user (sent, or about to be):
    their assignment e-mail need not say the urgency once more."""
    return Duty.objects.filter(
        key__startswith=f"urgent-case:{case_id}:", key__endswith=f":user:{user_id}"
    ).exists()


def urgent_case_email_send(
    *,
    case_id: int,
    user_id: int,
    notice: str = "",
    reopened: str = "",
    by_id: int | None = None,
    excluding: int | None = None,
    after_conversation: bool = False,
) -> None:
    """To a director of the case's school (or the board, when it has none), or its assignee,
    as they are now: one who left the school since is sent nothing, and whoever answers for
    it now is; never to whoever caused the notice (`by_id`, `excluding`). `reopened`
    ("edited", "by_hand"; by `by_id`): the notice of a reopened case says so.
    `after_conversation` (urgent_case_queue): the notice says that a conversation had been
    held in the case before this urgent post came in.

    When nobody at all answers for the school any more (its only leader left before this
    went), the notice reached nobody: the case's claim is cleared, so it goes to whoever is
    named next (services.followups_urgent_reach)."""
    from django.contrib.auth import get_user_model

    case = FollowUp.objects.select_related("school").get(pk=case_id)
    payload = {
        "case_id": case.pk,
        **({"notice": notice} if notice else {}),
        **({"reopened": reopened} if reopened else {}),
        **({"by_id": by_id} if by_id is not None else {}),
        **({"excluding": excluding} if excluding is not None else {}),
        **({"after_conversation": True} if after_conversation else {}),
    }
    # a reopening's assignee is told by their reopen e-mail; any other notice goes to them
    everyone = _urgent_recipients(case, assignee=not reopened)
    if not everyone and case.is_open:
        FollowUp.objects.filter(pk=case.pk, urgent_notified_at__isnull=False).update(
            urgent_notified_at=None
        )
    if duty_readdressed(
        key=_urgent_key(case.pk, notice),
        handler=URGENT_CASE_EMAIL,
        payload=payload,
        user_id=user_id,
        recipients=[uid for uid in everyone if uid not in (by_id, excluding)],
    ):
        return
    by = get_user_model().objects.filter(pk=by_id).first() if by_id is not None else None
    with in_language_of(user_id):
        context = {
            "case": case,
            "url": _case_url(case),
            "reopened": reopened,
            "by": by,
            "after_conversation": after_conversation,
        }
        if user_id != case.assigned_to_id and _told_as_board(case.school_id, user_id):
            context["away_days"] = _away_days()
        subject = (
            _("Urgent: a case of %(school)s was reopened")
            if reopened
            else _("Urgent: a post about %(school)s needs attention")
        )
        _send(
            subject % {"school": case.school.name},
            "monitoring/email/urgent_case.txt",
            context,
            user_id,
        )


# --- An urgent case nobody acts on -------------------------------------------------------


URGENT_STALE_EMAIL = "monitoring.notifications.urgent_stale_email_send"
# Urgent and still untouched (FollowUp.UNTOUCHED): "new" (nobody assigned, or assigned with
# no conversation planned or held), or at "conversation held" with nothing done since it was
# reopened from "closed" or an urgent post came into it (not at "conversation planned": a
# conversation is coming); a move on (planned, held, closed) takes it out. A reopened case
# has a fresh urgent_notified_at (services.followup_update), so it can wait, and be told,
# again.
URGENT_UNTOUCHED = FollowUp.UNTOUCHED & Q(
    priority=FollowUp.Priority.URGENT, urgent_notified_at__isnull=False
)


def _stale_days() -> int:
    return getattr(settings, "MONITORING_URGENT_STALE_DAYS", 2)


def _school_day(when: datetime.datetime) -> datetime.date:
    """The day at the schools (Europe/Amsterdam), whatever time zone is active."""
    return timezone.localdate(when, timezone.get_default_timezone())


def _notice(when: datetime.datetime) -> str:
    """The urgent notice a duty was written for, as its key and payload carry it."""
    return when.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%S%f")


def _first_quiet_day(today: datetime.date, days: int) -> datetime.date:
    """The `days`-th school day (Monday to Friday) counted back from `today`, today
    included when it is one: a notice from before it has waited that many school days by
    this morning. A weekend is no school day (until 2026-12-07 it counted, so a case told
    on Friday reached the board on Sunday); holidays are not known to the portal."""
    day, counted = today, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == days:
                return day
        day -= datetime.timedelta(days=1)


def _directors_of(school_ids: set[int]) -> dict[int, list[int]]:
    """The active directors of each of these schools; one query, none for no school."""
    if not school_ids:
        return {}
    found: dict[int, list[int]] = {}
    rows = StaffMembership.objects.filter(
        school_id__in=school_ids, role=Role.DIRECTOR, user__is_active=True
    ).values_list("school_id", "user_id")
    for school_id, user_id in rows:
        found.setdefault(school_id, []).append(user_id)
    return found


def _urgent_stale_key(case_id: int, notice: str) -> str:
    return f"urgent-stale:{case_id}:{notice}"


def _urgent_stale_recipients(
    holder_id: int | None, board: list[int], directors: Iterable[int] = ()
) -> list[int]:
    """The board, but not the board member who holds the case (it is theirs to act on).
    When that holder is the whole board, the board would tell nobody: then the holder is
    reminded, and the school's `directors` are told (the active ones; at a school without
    a director, the holder alone). Without a board member: the school's directors (empty
    at a school without one)."""
    if not board:
        return sorted(set(directors))
    others = [user_id for user_id in board if user_id != holder_id]
    if others or holder_id not in board:
        return others
    return sorted({holder_id, *directors})


def _holds_the_whole_board(holder_id: int | None, board: list[int]) -> bool:
    return holder_id is not None and board == [holder_id]


def _directors_told(holder_id: int | None, board: list[int]) -> bool:
    """Whether the school's directors are told: nobody else on the board would be."""
    return not board or _holds_the_whole_board(holder_id, board)


def urgent_stale_escalate(*, now: datetime.datetime | None = None) -> int:
    """The daily sweep (beat "monitoring-urgent-stale"): every urgent case still untouched
    (URGENT_UNTOUCHED) MONITORING_URGENT_STALE_DAYS school days after its urgent notice (told on
    Monday, with 2: from Wednesday's sweep; told on Friday: from Tuesday's, _first_quiet_day) is
    e-mailed to each board member but its holder (when the holder is the only board member: to
    the holder, as a reminder, and the school's directors; without a board member: to the
    school's directors, _urgent_stale_recipients), once per case and notice. Untouched: still
    "new", or at "conversation held" with nothing done since it was reopened from "closed" or
    an urgent post came into it (FollowUp.reopened_at). In one transaction the cases are read
    under a row lock, then claimed (urgent_escalated_at) and their duties written, keyed by
    case and notice: a second worker waits for the lock and then finds them claimed, a re-run
    finds them claimed, and a claim lost in a crash finds its duties present (skipped). A case
    with nobody to tell (no board member, no director at its school) is not claimed, and a
    warning logged: tomorrow's sweep tries again. A fixed number of queries however many cases
    (one more, for the directors, when a case's holder is the whole board or there is no board
    member). The number of cases escalated."""
    now = now or timezone.now()
    first_quiet_day = _first_quiet_day(_school_day(now), _stale_days())
    since = datetime.datetime.combine(
        first_quiet_day, datetime.time.min, tzinfo=timezone.get_default_timezone()
    )
    told_of_notice = Q(
        urgent_escalated_at__isnull=False, urgent_escalated_at__gte=F("urgent_notified_at")
    )
    with transaction.atomic():
        waiting = list(
            FollowUp.objects.select_for_update()
            .filter(URGENT_UNTOUCHED, urgent_notified_at__lt=since)
            .exclude(told_of_notice)
            .order_by("pk")
            .values_list("pk", "urgent_notified_at", "assigned_to_id", "school_id")
        )
        if not waiting:
            return 0
        board = _board()
        directors = _directors_of(
            {school for _pk, _when, holder, school in waiting if _directors_told(holder, board)}
        )
        told: list[tuple[int, str, list[int]]] = []
        for pk, when, holder, school in waiting:
            assert when is not None  # URGENT_UNTOUCHED: its urgent notice went
            recipients = _urgent_stale_recipients(holder, board, directors.get(school, ()))
            if recipients:
                told.append((pk, _notice(when), recipients))
            else:
                log.warning(
                    "monitoring case %s is urgent and waits for action, but the foundation has "
                    "no board member and school %s no director: nobody told yet",
                    pk,
                    school,
                )
        if not told:
            return 0
        FollowUp.objects.filter(pk__in=[pk for pk, _notice_, _users in told]).update(
            urgent_escalated_at=now
        )
        duties_enqueue_many(
            duties=[
                (
                    f"{_urgent_stale_key(pk, notice)}:user:{user_id}",
                    URGENT_STALE_EMAIL,
                    {"case_id": pk, "notice": notice, "user_id": user_id},
                )
                for pk, notice, recipients in told
                for user_id in recipients
            ]
        )
    log.info("monitoring: %d urgent cases without action escalated", len(told))
    return len(told)


def urgent_stale_email_send(*, case_id: int, notice: str, user_id: int) -> bool:
    """To a board member as the board is now (one who left is sent nothing, one who joined is:
    duty_readdressed), not to whoever holds the case (but when they are the whole board: to
    them, and the school's directors; without a board member: to the school's directors,
    _urgent_stale_recipients; a holder told so reads it as a reminder to themselves): the
    school, the case number, since when it waits (and that a conversation was held before it
    was reopened or made urgent) and who holds it (and when they were last in the portal), a
    link; no post text, no pupil names. Nothing when someone acted on the case
    meanwhile, or it was closed, or reopened since (`notice`: the urgent notice it was
    written for)."""
    case = (
        FollowUp.objects.select_related("school", "assigned_to")
        .filter(URGENT_UNTOUCHED, pk=case_id)
        .first()
    )
    # URGENT_UNTOUCHED has urgent_notified_at set; its test narrows the type for what follows
    if (
        case is None
        or case.urgent_notified_at is None
        or _notice(case.urgent_notified_at) != notice
    ):
        log.info("monitoring case %s: acted on or closed meanwhile; board not told", case_id)
        return False
    board = _board()
    holder_id = case.assigned_to_id
    directors = _school_directors_seen(case.school_id) if _directors_told(holder_id, board) else {}
    if duty_readdressed(
        key=_urgent_stale_key(case.pk, notice),
        handler=URGENT_STALE_EMAIL,
        payload={"case_id": case.pk, "notice": notice},
        user_id=user_id,
        recipients=_urgent_stale_recipients(holder_id, board, directors),
    ):
        return False
    since = _school_day(case.urgent_notified_at)
    days = max((_school_day(timezone.now()) - since).days, 1)
    holder = case.assigned_to
    with in_language_of(user_id):
        context = {
            "case": case,
            "url": _case_url(case),
            "since": since,
            "days": days,
            "holder": holder,
            "seen": holder.last_login if holder is not None else None,
            # the holder is the whole board, or a director told as there is no board:
            # reminded themselves, not told of themselves by name
            "as_holder": user_id == holder_id
            and (not board or _holds_the_whole_board(holder_id, board)),
            "as_director": user_id not in board,
            "no_board": not board,
            # reopened from "closed", or an urgent post came in: after a conversation (the
            # case does not say which: both set reopened_at)
            "after_conversation": case.status == FollowUp.Status.CONVERSATION_HELD,
        }
        subject = ngettext(
            "Urgent: case #%(number)d of %(school)s has waited %(days)d day",
            "Urgent: case #%(number)d of %(school)s has waited %(days)d days",
            days,
        ) % {"number": case.pk, "school": case.school.name, "days": days}
        _send(subject, "monitoring/email/urgent_stale.txt", context, user_id)
    return True


# --- A new case at a school with a director ----------------------------------------------


NEW_CASE_EMAIL = "monitoring.notifications.new_case_email_send"


def _new_case_recipients(case: FollowUp, left_out: tuple) -> list[int]:
    """The school's directors, except whoever caused the notice and whoever has the case
    (their assignment or reopen e-mail tells them); and the board too when the directors
    are away (_away_board). Not the board otherwise: at a school without a director a new
    case goes to a board member with the assignment e-mail (followups_unassigned_reach)."""
    seen = _school_directors_seen(case.school_id)
    everyone = sorted(set(seen) | set(_away_board(case.school_id, seen)))
    return [user_id for user_id in everyone if user_id not in (*left_out, case.assigned_to_id)]


def _new_case_key(case_id: int, notice: str = "") -> str:
    """One notice per case, and one per reopening (`notice`)."""
    return f"new-case:{case_id}:{notice}" if notice else f"new-case:{case_id}"


def new_case_queue(*, case: FollowUp, excluding: int | None = None, reopened: str = "") -> bool:
    """Inside the opening transaction: tell each director of the school that a case that is
    not urgent was opened (an urgent one has urgent_case_queue), so a complaint is seen
    before their next visit to the dashboard. One duty per case and director: a post
    that joins the open case sends nothing more. `excluding`: who reported or marked the
    post, or reopened the case; they know. `reopened` ("edited", "by_hand"): the case
    was reopened (services.followup_update), told once per reopening, under a key of its
    own, as the urgent notice of a reopening is. At a school without a director nothing
    is queued: the board member the case goes to gets the assignment e-mail. `case` must
    carry its `assigned_to_id`. True when duties were written."""
    recipients = _new_case_recipients(case, (excluding,))
    if not recipients:
        return False
    payload: dict = {"case_id": case.pk}
    if reopened:
        payload |= {"notice": uuid.uuid4().hex, "reopened": reopened}
    if excluding is not None:
        # "reopened by" names them; otherwise they are only left out (also when readdressed)
        payload["by_id" if reopened == "by_hand" else "excluding"] = excluding
    duties_for_users(
        key=_new_case_key(case.pk, payload.get("notice", "")),
        handler=NEW_CASE_EMAIL,
        payload=payload,
        user_ids=recipients,
    )
    return True


def new_case_email_send(
    *,
    case_id: int,
    user_id: int,
    notice: str = "",
    reopened: str = "",
    by_id: int | None = None,
    excluding: int | None = None,
) -> bool:
    """To a director of the case's school as they are now (one who left is sent nothing,
    and a director named since is): the school, the case number, what the case is about
    in words and a link; no post text, no pupil names. Nothing when the case was closed
    meanwhile, when it is theirs now, or when it became urgent and the urgent e-mail
    told them."""
    from django.contrib.auth import get_user_model

    case = (
        FollowUp.objects.select_related("school", "assigned_to")
        .filter(pk=case_id, status__in=FollowUp.OPEN_STATUSES)
        .first()
    )
    if case is None or case.assigned_to_id == user_id:
        return False
    if case.is_urgent and urgent_told(case_id=case.pk, user_id=user_id):
        return False
    payload = {
        "case_id": case.pk,
        **({"notice": notice, "reopened": reopened} if notice else {}),
        **({"by_id": by_id} if by_id is not None else {}),
        **({"excluding": excluding} if excluding is not None else {}),
    }
    if duty_readdressed(
        key=_new_case_key(case.pk, notice),
        handler=NEW_CASE_EMAIL,
        payload=payload,
        user_id=user_id,
        recipients=_new_case_recipients(case, (by_id, excluding)),
    ):
        return False
    categories = set(
        case.flags.filter(
            dismissed_as_false_positive=False, category__in=CASE_CATEGORIES
        ).values_list("category", flat=True)
    )
    by = get_user_model().objects.filter(pk=by_id).first() if by_id is not None else None
    with in_language_of(user_id):
        context = {
            "case": case,
            "url": _case_url(case),
            "reopened": reopened,
            "by": by,
            "about": ", ".join(str(CATEGORY_LABELS[c]) for c in CASE_CATEGORIES if c in categories),
        }
        if _told_as_board(case.school_id, user_id):
            context["away_days"] = _away_days()
        subject = (
            _("A monitoring case of %(school)s is open again")
            if reopened
            else _("A new monitoring case of %(school)s")
        )
        _send(
            subject % {"school": case.school.name},
            "monitoring/email/new_case.txt",
            context,
            user_id,
        )
    return True


# --- A source keeps failing ------------------------------------------------------------


SOURCE_FAILING_EMAIL = "monitoring.notifications.source_failing_email_send"


def _source_failing_key(source_id: int, stamp: int) -> str:
    return f"source-failing:{source_id}:{stamp}"


def source_failing_queue(*, source_id: int, since: datetime.datetime) -> None:
    """Tell the board, once per failure streak (``since`` is the streak's claim time)."""
    stamp = int(since.timestamp())
    duties_for_users(
        key=_source_failing_key(source_id, stamp),
        handler=SOURCE_FAILING_EMAIL,
        payload={"source_id": source_id, "stamp": stamp},
        user_ids=_board(),
    )


def source_failing_email_send(*, source_id: int, user_id: int, stamp: int | None = None) -> None:
    """To the board as it is now: someone who left it since the duty was written is sent
    nothing, and whoever joined is (duty_readdressed). Nothing at all when the streak it
    was written for is over: the source succeeded, was paused or removed meanwhile.
    (``stamp`` None: a duty written before it was in the payload.)"""
    source = Source.objects.filter(pk=source_id).first()
    notified = source.failure_notified_at if source is not None else None
    if (
        source is None
        or notified is None
        or (stamp is not None and int(notified.timestamp()) != stamp)
    ):
        log.info("monitoring source %s: its failure streak is over; board not told", source_id)
        return
    board = _board()
    if stamp is None:
        if user_id not in board:
            return
    elif duty_readdressed(
        key=_source_failing_key(source_id, stamp),
        handler=SOURCE_FAILING_EMAIL,
        payload={"source_id": source_id, "stamp": stamp},
        user_id=user_id,
        recipients=board,
    ):
        return
    with in_language_of(user_id):
        context = {
            "source": source,
            "url": settings.SITE_URL + reverse("monitoring:sources"),
            "problem": fetch_error_explained(_last_error(source)),
        }
        _send(
            _("Monitoring source “%(name)s” keeps failing") % {"name": source.name},
            "monitoring/email/source_failing.txt",
            context,
            user_id,
        )


def _last_error(source: Source) -> str:
    run = source.runs.filter(status=FetchRun.Status.FAILED).order_by("-started_at").first()
    return run.error if run else ""


# --- Monthly digest ----------------------------------------------------------------------


def monthly_digest_send(*, today: datetime.date | None = None) -> int:
    """Queue last month's digest for each director (the board, at a school without one;
    and the board as well at a school whose directors are away: _away); returns how many
    were newly queued. A fixed number of queries however many schools.

    The key (school, month, recipient) claims the period: a second beat, a re-run or a
    standby beat taking over queues nothing twice.
    """
    today = today or timezone.localdate()
    month = f"{reports.add_months(reports.month_start(today), -1):%Y-%m}"
    seen: dict[int, dict[int, datetime.datetime]] = {}
    directors = StaffMembership.objects.filter(role=Role.DIRECTOR, user__is_active=True)
    last = Coalesce("user__last_login", "user__date_joined")
    for school_id, user_id, when in directors.values_list("school_id", "user_id", last):
        seen.setdefault(school_id, {})[user_id] = when
    board = _board()
    duties = [
        (
            f"{_digest_key(school_id, month)}:user:{uid}",
            DIGEST_EMAIL,
            {"school_id": school_id, "month": month, "user_id": uid},
        )
        for school_id in School.objects.order_by("pk").values_list("pk", flat=True)
        for uid in _digest_recipients(seen.get(school_id, {}), board)
    ]
    known = set(Duty.objects.filter(key__in=[d[0] for d in duties]).values_list("key", flat=True))
    new = [duty for duty in duties if duty[0] not in known]
    duties_enqueue_many(duties=new)
    return len(new)


def _digest_recipients(seen: dict[int, datetime.datetime], board: list[int]) -> list[int]:
    """The school's directors (`seen`: _school_directors_seen), or the board when it has
    none (as schools.leaders); the board as well when they are all away (_away)."""
    if not seen:
        return board
    return sorted(set(seen) | (set(board) if _away(seen) else set()))


DIGEST_EMAIL = "monitoring.notifications.digest_email_send"


def _digest_key(school_id: int, month: str) -> str:
    return f"digest:{school_id}:{month}"


def digest_email_send(*, school_id: int, month: str, user_id: int) -> None:
    """Numbers only, no post text; to the school's director (or the board) as they are now,
    as urgent_case_email_send, and to the board as well while they are all away, saying
    so (a director back meanwhile keeps it to themselves)."""
    seen = _school_directors_seen(school_id)
    if duty_readdressed(
        key=_digest_key(school_id, month),
        handler=DIGEST_EMAIL,
        payload={"school_id": school_id, "month": month},
        user_id=user_id,
        recipients=_digest_recipients(seen, _board()),
    ):
        return
    school = School.objects.get(pk=school_id)
    first = datetime.date.fromisoformat(f"{month}-01")
    report = reports.school_report(school=school, month=first)
    with in_language_of(user_id):
        context = {
            "report": report,
            "url": settings.SITE_URL
            + reverse("monitoring:report")
            + f"?school={school.code}&month={month}",
        }
        if user_id not in seen and _away(seen):
            context["away_days"] = _away_days()
        _send(
            _("Monitoring digest %(month)s: %(school)s")
            # as the text names it ("december 2026"), in the reader's language
            % {"month": date_format(first, "F Y"), "school": school.name},
            "monitoring/email/digest.txt",
            context,
            user_id,
        )


# --- A correction waits for approval ---------------------------------------------------


REPLY_DRAFTED_EMAIL = "monitoring.notifications.reply_drafted_email_send"


def _reply_drafted_key(reply_id: int) -> str:
    return f"reply-drafted:{reply_id}"


def _reply_approvers(reply: PublicReply) -> list[int]:
    """Who may approve it (schools.leaders), but not whoever drafted it: they know."""
    return [uid for uid in leader_ids(reply.followup.school_id) if uid != reply.drafted_by_id]


def reply_drafted_queue(*, reply: PublicReply) -> None:
    """Inside the drafting transaction: one e-mail to each who may approve the correction."""
    duties_for_users(
        key=_reply_drafted_key(reply.pk),
        handler=REPLY_DRAFTED_EMAIL,
        payload={"reply_id": reply.pk},
        user_ids=_reply_approvers(reply),
    )


def reply_drafted_email_send(*, reply_id: int, user_id: int) -> None:
    """The school, the case number and a link; no post text, no correction text. Nothing
    once it was approved; to the approvers as they are now (urgent_case_email_send)."""
    reply = PublicReply.objects.select_related("followup__school").get(pk=reply_id)
    if reply.is_approved:
        return
    if duty_readdressed(
        key=_reply_drafted_key(reply.pk),
        handler=REPLY_DRAFTED_EMAIL,
        payload={"reply_id": reply.pk},
        user_id=user_id,
        recipients=_reply_approvers(reply),
    ):
        return
    case = reply.followup
    with in_language_of(user_id):
        _send(
            _("A correction about %(school)s waits for your approval")
            % {"school": case.school.name},
            "monitoring/email/reply_drafted.txt",
            {"case": case, "url": _case_url(case)},
            user_id,
        )


# --- Case assignment -------------------------------------------------------------------


def case_assignment_announce(*, case_id: int, assignee_id: int) -> None:
    """Inside the assigning transaction: queue one e-mail telling the assignee a case is theirs."""
    duty_enqueue(
        key=f"case-assigned:{case_id}:{assignee_id}:{uuid.uuid4().hex}",
        handler="monitoring.notifications.case_assigned_notify",
        payload={"case_id": case_id, "assignee_id": assignee_id},
    )


def case_assigned_notify(*, case_id: int, assignee_id: int) -> bool:
    """E-mail the assignee a link to the case: the school and the case number, no post text,
    no pupil names; that it is urgent, when it is and no urgent e-mail told them. Nothing is
    sent when the case went to someone else meanwhile, or was closed (assigned at closing,
    it records who held the conversation: case_closed_notify tells them when someone else
    closed it)."""
    case = (
        FollowUp.objects.select_related("school", "assigned_to")
        .filter(pk=case_id, assigned_to_id=assignee_id, status__in=FollowUp.OPEN_STATUSES)
        .first()
    )
    # assigned_to is the assignee (the filter): the None test only narrows its type
    if case is None or case.assigned_to is None or not case.assigned_to.email:
        return False
    # an urgent case given to someone told of it by no urgent e-mail: this one says it
    urgent = case.priority == FollowUp.Priority.URGENT and not urgent_told(
        case_id=case.pk, user_id=assignee_id
    )
    with in_language_of(assignee_id):
        context = {"case": case, "url": _case_url(case), "urgent": urgent}
        subject = (
            _("Urgent: a monitoring case of %(school)s was assigned to you")
            if urgent
            else _("A monitoring case of %(school)s was assigned to you")
        )
        _send(
            subject % {"school": case.school.name},
            "monitoring/email/case_assigned.txt",
            context,
            assignee_id,
        )
    return True


def _case_url(case: FollowUp) -> str:
    return settings.SITE_URL + reverse("monitoring:case", args=[case.pk])


def _still_acting(case: FollowUp, user_id: int) -> bool:
    """Whether the user still teaches or directs at the case's school, or is on the board:
    who left it is told nothing more about its cases (logged with ids)."""
    if acting_pairs([user_id], [case.school_id], board_everywhere=True):
        return True
    log.info("monitoring case %s: user %s left its school; not told", case.pk, user_id)
    return False


# --- A case closed or reopened by someone else ------------------------------------------


CASE_CLOSED_EMAIL = "monitoring.notifications.case_closed_notify"


def case_closed_announce(
    *, case: FollowUp, by_id: int | None, no_action_told: bool = False
) -> None:
    """Inside the closing transaction (a dismissal, "no action", "closed"): queue one e-mail
    telling the assignee, unless they closed it themselves. When the assignee is a
    director of the school and its directors are all away (_away), each board member
    but whoever closed it is told as well, saying why; not when the "closed without
    action" e-mail tells them already (`no_action_told`: case_no_action_queue)."""
    holder_id = case.assigned_to_id
    if holder_id is None or holder_id == by_id:
        return
    notice = uuid.uuid4().hex
    duty_enqueue(
        key=f"case-closed:{case.pk}:{holder_id}:{notice}",
        handler=CASE_CLOSED_EMAIL,
        payload={"case_id": case.pk, "user_id": holder_id},
    )
    if no_action_told:
        return
    payload = {"case_id": case.pk, "holder_id": holder_id, "notice": notice}
    duties_for_users(
        key=_case_closed_board_key(case.pk, holder_id, notice),
        handler=CASE_CLOSED_EMAIL,
        payload=payload,
        user_ids=_case_closed_board(case, holder_id, by_id),
    )


def _case_closed_board_key(case_id: int, holder_id: int, notice: str) -> str:
    return f"case-closed:{case_id}:{holder_id}:{notice}:board"


def _case_closed_board(case: FollowUp, holder_id: int, by_id: int | None) -> list[int]:
    """The board, when the case's holder is a director of its school and they are all
    away (_away_board); but not whoever closed it."""
    seen = _school_directors_seen(case.school_id)
    if holder_id not in seen:
        return []
    return [uid for uid in _away_board(case.school_id, seen) if uid not in (by_id, holder_id)]


def case_closed_notify(
    *, case_id: int, user_id: int, holder_id: int | None = None, notice: str = ""
) -> bool:
    """E-mail the assignee that their case was closed, by whom and how (no post text, no
    pupil names, not the notes). Nothing when it was reopened or given to someone else
    meanwhile, or they left the school. `holder_id`: the e-mail goes to a board member
    because the assignee, a director, is away with the school's other directors
    (case_closed_announce); to the board as it is now, and to nobody once a director of
    the school is back."""
    holder = user_id if holder_id is None else holder_id
    case = (
        FollowUp.objects.select_related("school", "closed_by", "assigned_to")
        .filter(pk=case_id, assigned_to_id=holder, status__in=FollowUp.FINISHED_STATUSES)
        .first()
    )
    if case is None:
        return False
    if holder_id is None:
        if not _still_acting(case, user_id):
            return False
    elif duty_readdressed(
        key=_case_closed_board_key(case.pk, holder_id, notice),
        handler=CASE_CLOSED_EMAIL,
        payload={"case_id": case.pk, "holder_id": holder_id, "notice": notice},
        user_id=user_id,
        recipients=_case_closed_board(case, holder_id, case.closed_by_id),
    ):
        return False
    dismissed = (
        case.status == FollowUp.Status.NO_ACTION
        and case.flags.exists()
        and not case.flags.filter(dismissed_as_false_positive=False).exists()
    )
    with in_language_of(user_id):
        context = {"case": case, "dismissed": dismissed, "url": _case_url(case)}
        subject = _("A monitoring case of %(school)s assigned to you was closed")
        if holder_id is not None:
            context |= {"holder": case.assigned_to, "away_days": _away_days()}
            subject = _("A monitoring case of %(school)s was closed")
        _send(
            subject % {"school": case.school.name},
            "monitoring/email/case_closed.txt",
            context,
            user_id,
        )
    return True


def case_reopened_announce(*, case: FollowUp, by_id: int | None, edited: bool = False) -> None:
    """Inside the reopening transaction: queue one e-mail telling the assignee their case is
    open again, unless they reopened it themselves. `edited`: an edit of one of its posts
    brought new terms (no person reopened it)."""
    if case.assigned_to_id is None or case.assigned_to_id == by_id:
        return
    payload = {"case_id": case.pk, "user_id": case.assigned_to_id, "by_id": by_id}
    if edited:
        payload["edited"] = True
    duty_enqueue(
        key=f"case-reopened:{case.pk}:{case.assigned_to_id}:{uuid.uuid4().hex}",
        handler="monitoring.notifications.case_reopened_notify",
        payload=payload,
    )


def case_reopened_notify(
    *, case_id: int, user_id: int, by_id: int | None = None, edited: bool = False
) -> bool:
    """E-mail the assignee that their case is open again and who reopened it (or that an
    edited post reopened it), and that it is urgent when it is. Nothing when it was closed
    again or given to someone else meanwhile, or they left the school."""
    from django.contrib.auth import get_user_model

    case = (
        FollowUp.objects.select_related("school")
        .filter(pk=case_id, assigned_to_id=user_id, status__in=FollowUp.OPEN_STATUSES)
        .first()
    )
    if case is None or not _still_acting(case, user_id):
        return False
    by = get_user_model().objects.filter(pk=by_id).first() if by_id is not None else None
    # the urgent notice of a reopening goes to the directors; the assignee reads it here
    urgent = case.priority == FollowUp.Priority.URGENT
    with in_language_of(user_id):
        context = {
            "case": case,
            "by": by,
            "edited": edited,
            "url": _case_url(case),
            "urgent": urgent,
        }
        subject = (
            _("Urgent: a case of %(school)s was reopened")
            if urgent
            else _("A monitoring case of %(school)s is open again")
        )
        _send(
            subject % {"school": case.school.name},
            "monitoring/email/case_reopened.txt",
            context,
            user_id,
        )
    return True


def case_reassignment_announce(*, case: FollowUp, previous_id: int) -> None:
    """Inside the reassigning transaction: queue one e-mail telling the previous assignee
    the case is no longer theirs, and who has it now."""
    duty_enqueue(
        key=f"case-reassigned:{case.pk}:{previous_id}:{uuid.uuid4().hex}",
        handler="monitoring.notifications.case_reassigned_notify",
        payload={"case_id": case.pk, "user_id": previous_id},
    )


def case_reassigned_notify(*, case_id: int, user_id: int) -> bool:
    """E-mail the previous assignee who has the case now (the school and the case number,
    no post text, no pupil names). Nothing is sent when the case came back to them
    meanwhile, or when they no longer teach or direct at the school and are not on the
    board: the case is none of their business any more."""
    case = FollowUp.objects.select_related("school", "assigned_to").get(pk=case_id)
    if case.assigned_to_id == user_id or not _still_acting(case, user_id):
        return False
    with in_language_of(user_id):
        _send(
            _("A monitoring case of %(school)s is no longer assigned to you")
            % {"school": case.school.name},
            "monitoring/email/case_reassigned.txt",
            {"case": case, "assignee": case.assigned_to},
            user_id,
        )
    return True


# --- A case closed without action by someone who does not answer for the school ---------


CASE_NO_ACTION_EMAIL = "monitoring.notifications.case_no_action_notify"


def _no_action_recipients(case: FollowUp) -> list[int]:
    """The school's directors, or the board when it has none (schools.leaders), and the
    board as well when they are all away (_away_board); but not whoever closed it."""
    everyone = set(leader_ids(case.school_id)) | set(_away_board(case.school_id))
    return sorted(user_id for user_id in everyone if user_id != case.closed_by_id)


def case_no_action_queue(*, case: FollowUp) -> bool:
    """Inside the closing transaction (services.followup_update): the case was closed as
    "no action" by someone who does not answer for the school (its assignee, a teacher);
    queue one e-mail to each of its directors (or board members, when it has none, or
    also when its directors are away), so a complaint about the school is seen by
    someone who answers for it.

    With nobody to tell, the case waits (`no_action_untold`) and is told to whoever is
    named next (services.followups_no_action_reach), once: a waiting case is claimed with
    a conditional UPDATE. `case` carries its `closed_at`, `closed_by_id` and
    `no_action_untold` as stored."""
    recipients = _no_action_recipients(case)
    if not recipients:
        log.warning(
            "monitoring case %s closed without action by user %s: school %s has no "
            "director and the foundation no board member; nobody told yet",
            case.pk,
            case.closed_by_id,
            case.school_id,
        )
        FollowUp.objects.filter(pk=case.pk).update(no_action_untold=True)
        return False
    if case.no_action_untold:
        claimed = FollowUp.objects.filter(pk=case.pk, no_action_untold=True).update(
            no_action_untold=False
        )
        if not claimed:
            return False
    assert case.closed_at is not None  # closed as "no action": followup_update set it
    notice = uuid.uuid4().hex
    duties_for_users(
        key=_no_action_key(case.pk, notice),
        handler=CASE_NO_ACTION_EMAIL,
        payload={"case_id": case.pk, "notice": notice, "closed": case.closed_at.isoformat()},
        user_ids=recipients,
    )
    return True


def _no_action_key(case_id: int, notice: str) -> str:
    return f"case-no-action:{case_id}:{notice}"


def case_no_action_notify(*, case_id: int, user_id: int, notice: str, closed: str) -> bool:
    """E-mail a director of the case's school (or a board member, when it has none, or
    while its directors are away: saying so) that its case was closed without action, by
    whom, with a link: the school and the case
    number, no post text, no pupil names, not the reason (the notes may name people; the
    case page shows them). Nothing when the case was reopened meanwhile (`closed`: the
    closing it was written for). A director who left since is replaced by whoever
    answers for the school now; with nobody at all, the case waits again
    (followups_no_action_reach)."""
    case = (
        FollowUp.objects.select_related("school", "closed_by")
        .filter(pk=case_id, status=FollowUp.Status.NO_ACTION)
        .first()
    )
    if case is None or case.closed_at is None or case.closed_at.isoformat() != closed:
        return False
    everyone = _no_action_recipients(case)
    if not everyone:
        FollowUp.objects.filter(pk=case.pk).update(no_action_untold=True)
        log.warning("monitoring case %s: its no-action notice reached nobody; waits", case.pk)
        return False
    if duty_readdressed(
        key=_no_action_key(case.pk, notice),
        handler=CASE_NO_ACTION_EMAIL,
        payload={"case_id": case.pk, "notice": notice, "closed": closed},
        user_id=user_id,
        recipients=everyone,
    ):
        return False
    with in_language_of(user_id):
        context = {"case": case, "url": _case_url(case)}
        if _told_as_board(case.school_id, user_id):
            context["away_days"] = _away_days()
        _send(
            _("A monitoring case of %(school)s was closed without action")
            % {"school": case.school.name},
            "monitoring/email/case_no_action.txt",
            context,
            user_id,
        )
    return True
