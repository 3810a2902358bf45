"""Workflows on the pupil register that are not the import (see importer.py)."""

import datetime
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from opo_portal.counts import count_of
from outbox.models import Duty
from outbox.services import duty_enqueue
from schools import accesslog
from schools.models import (
    ERASED_PREFIX,
    Group,
    Guardianship,
    MembershipChange,
    Pupil,
    School,
    StaffMembership,
    Via,
)
from schools.signals import pupil_erased, retention_term_passed

logger = logging.getLogger(__name__)

SCHOOL_YEAR_STARTS = (8, 1)  # 1 August


def school_year_end(day: datetime.date) -> datetime.date:
    """The last day (31 July) of the school year that `day` falls in."""
    month, first = SCHOOL_YEAR_STARTS
    starts_this_year = (day.month, day.day) >= (month, first)
    return datetime.date(day.year + (1 if starts_this_year else 0), 7, 31)


def erase_after(left_on: datetime.date, *, school_years: int | None = None) -> datetime.date:
    """The first day on which a pupil who left on `left_on` is erased.

    The rest of the school year of leaving, then `school_years` full school years
    (PUPIL_RETENTION_SCHOOL_YEARS, default 2): left 15 July 2024 → erased 1 August 2026.
    """
    years = settings.PUPIL_RETENTION_SCHOOL_YEARS if school_years is None else school_years
    end = school_year_end(left_on)
    return datetime.date(end.year + years, 8, 1)


def retention_kept_from(*, today: datetime.date, school_years: int | None = None) -> datetime.date:
    """The first day whose records retention keeps: a pupil who left before it is erased
    (erase_after(left_on) <= today), and so is anything recorded before it."""
    years = settings.PUPIL_RETENTION_SCHOOL_YEARS if school_years is None else school_years
    # The school year of leaving ended at least `years` school years before the current
    # one started.
    current_start = school_year_end(today).year - 1
    return datetime.date(current_start - years, 8, 1)


def pupils_due_for_erasure(*, today: datetime.date):
    """Pupils who left and whose retention term has passed, not yet erased."""
    return Pupil.objects.filter(
        left_on__isnull=False, left_on__lt=retention_kept_from(today=today)
    ).exclude(leerlingnummer__startswith=ERASED_PREFIX)


@transaction.atomic
def pupil_erase(*, pupil: Pupil) -> None:
    """Remove what identifies the pupil; keep the row and its consent events as proof.

    Consent events (who decided what, when, on which text) are append-only evidence of
    consent; publication checks, takedowns and notices refer to the pupil by id only, and
    the receivers of `pupil_erased` remove free text that may name the pupil (the notes of
    the pupil's publication checks).
    """
    _erase_admin_history(pupil)
    Pupil.objects.filter(pk=pupil.pk).exclude(leerlingnummer__startswith=ERASED_PREFIX).update(
        first_name="",
        name_prefix="",
        last_name="",
        leerlingnummer=f"{ERASED_PREFIX}{pupil.pk}",
        birth_date=datetime.date(pupil.birth_date.year, 1, 1),
        group=None,
        not_in_picture=False,
    )
    # after the record reads as erased: removing the links of an erased pupil withdraws
    # nothing (consent.receivers), other changes of gezag do
    links = accesslog.gezag_state([pupil.pk])
    Guardianship.objects.filter(pupil=pupil).delete()
    accesslog.gezag_changes_record(links, {}, by=None, via=Via.RETENTION)
    pupil_erased.send(sender=Pupil, pupil_id=pupil.pk)


def pupils_erase_left(*, today: datetime.date) -> int:
    """Erase every pupil whose retention term after leaving has passed. Safe to run twice."""
    count = 0
    for pupil in pupils_due_for_erasure(today=today).order_by("pk"):
        pupil_erase(pupil=pupil)
        count += 1
    retention_term_passed.send(
        sender=Pupil, kept_from=retention_kept_from(today=today), today=today
    )
    logger.info("retention: erased %s who left", count_of(count, "pupil", "pupils"))
    return count


# --- Retention of the access history -------------------------------------------------------

RETENTION_BATCH_SIZE = 1000  # rows per DELETE: short transactions, no long lock on the table


def access_history_kept_from(*, today: datetime.date) -> datetime.date:
    """The first day whose access history is kept: the rest of a change's school year, then
    ACCESS_HISTORY_RETENTION_SCHOOL_YEARS (2) full school years, as for pupils who left."""
    return retention_kept_from(
        today=today, school_years=settings.ACCESS_HISTORY_RETENTION_SCHOOL_YEARS
    )


def _access_history_past_term(cutoff: datetime.datetime):
    """The staff roles and groups taught, begun or ended before `cutoff`, whose record is
    past the term: every end, and every start whose end is before `cutoff` too (a role's
    start goes with its end, so a kept end reads from when to when). The start of a role
    or a group still held stays; so does one ended later (the next end of that membership,
    or of that membership's group: the admin moving a membership to another person ends
    one role and begins another on the same row). A start without a recorded end whose
    role or group is gone (deleted from a shell: README "Not recorded") goes."""
    ended, group_ended = MembershipChange.Change.ENDED, MembershipChange.Change.GROUP_ENDED
    later = MembershipChange.objects.filter(
        membership_id=OuterRef("membership_id"), id__gt=OuterRef("id")
    ).order_by("id")
    role_end = later.filter(change=ended).values("at")[:1]
    group_end = later.filter(change=group_ended, group_id=OuterRef("group_id")).values("at")[:1]
    role_held = StaffMembership.objects.filter(pk=OuterRef("membership_id"))
    group_held = StaffMembership.groups.through.objects.filter(
        staffmembership_id=OuterRef("membership_id"), group_id=OuterRef("group_id")
    )
    # said positively: a start with no end yet compares NULL, which a NOT would keep too
    past_term = (
        Q(change__in=(ended, group_ended))
        | Q(
            Q(role_end_at__lt=cutoff) | Q(role_end_at__isnull=True, role_held=False),
            change=MembershipChange.Change.ADDED,
        )
        | Q(
            Q(group_end_at__lt=cutoff) | Q(group_end_at__isnull=True, group_held=False),
            change=MembershipChange.Change.GROUP_ADDED,
        )
    )
    return (
        MembershipChange.objects.filter(at__lt=cutoff)
        .annotate(
            role_end_at=Subquery(role_end),
            group_end_at=Subquery(group_end),
            role_held=Exists(role_held),
            group_held=Exists(group_held),
        )
        .filter(past_term)
    )


def access_history_apply_retention(*, today: datetime.date) -> int:
    """Delete the access history past its term (access_history_kept_from), in batches of
    RETENTION_BATCH_SIZE rows, each its own transaction. The parents' links and gezag
    (GezagChange) stay: they are the pupil's consent file, the proof that whoever decided
    held gezag, kept with the consent events. Safe to run twice. Returns the rows deleted."""
    kept_from = access_history_kept_from(today=today)
    cutoff = timezone.make_aware(
        datetime.datetime.combine(kept_from, datetime.time()), timezone.get_default_timezone()
    )
    deleted = 0
    while True:
        ids = list(
            _access_history_past_term(cutoff)
            .order_by("id")
            .values_list("id", flat=True)[:RETENTION_BATCH_SIZE]
        )
        if ids:
            with transaction.atomic():
                deleted += MembershipChange.objects.filter(id__in=ids).delete()[0]
        if len(ids) < RETENTION_BATCH_SIZE:
            break
    logger.info(
        "retention: deleted %s from before %s",
        count_of(deleted, "access history row", "access history rows"),
        kept_from,
    )
    return deleted


def _erase_admin_history(pupil: Pupil) -> None:
    """The admin's history names each object (the pupil's full name; a parent link as
    "parent → pupil id", also one removed earlier) and what was changed: the entries stay,
    as who did what when, without them."""
    links = Q(object_id__in=[str(pk) for pk in pupil.guardianships.values_list("pk", flat=True)])
    links |= Q(object_repr__endswith=f" → {pupil.pk}")
    LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Pupil), object_id=str(pupil.pk))
        | Q(links, content_type=ContentType.objects.get_for_model(Guardianship))
    ).update(object_repr=f"{ERASED_PREFIX}{pupil.pk}", change_message="")


# --- Teachers and this year's groups ("Leerkrachten en groepen") ---------------------------


@transaction.atomic
def teaching_links_save(
    *,
    school: School,
    year: str,
    teachers: list[int],
    links: list[tuple[int, int]],
    by,
    shown: list[tuple[int, int]] | None = None,
) -> list[int]:
    """Link each listed teacher membership of `school` to exactly its `links` among the
    school's groups of `year`; their links to other years' groups stay (history). With
    `shown` (the links the form showed ticked) only the changes from `shown` to `links`
    are made, to the links as stored now: a form read before a colleague saved keeps the
    colleague's links. A membership or group outside that (another school's, an earlier
    year's, a director's membership) changes nothing. Each changed membership gets an
    entry in the admin's history, as a change made there does, and the log one line with
    ids, and each link added or removed is recorded for the privacy officer
    (schools.accesslog). Returns the ids of the memberships whose links changed."""
    members = {
        m.pk: m
        for m in StaffMembership.objects.select_for_update(of=("self",))
        .select_related("user", "school")
        .filter(school=school, role=StaffMembership.Role.TEACHER, pk__in=teachers)
    }
    groups = {g.pk: g for g in Group.objects.filter(school=school, school_year=year)}
    wanted = {(m, g) for m, g in links if m in members and g in groups}
    through = StaffMembership.groups.through.objects
    stored = {
        (m, g): pk
        for pk, m, g in through.filter(
            staffmembership_id__in=list(members), group_id__in=list(groups)
        ).values_list("pk", "staffmembership_id", "group_id")
    }
    if shown is not None:
        # ticked or unticked on this page: that; anything else as it is stored now
        wanted = (set(stored) - (set(shown) - wanted)) | (wanted - set(shown))
    removed = [pair for pair in stored if pair not in wanted]
    added = sorted(wanted - set(stored))
    if removed:
        through.filter(pk__in=[stored[pair] for pair in removed]).delete()
    if added:
        through.bulk_create(
            StaffMembership.groups.through(staffmembership_id=m, group_id=g) for m, g in added
        )
    accesslog.teaching_changes_record(
        added=[(members[m], groups[g]) for m, g in added],
        ended=[(members[m], groups[g]) for m, g in sorted(removed)],
        by=by,
        via=Via.PAGE,
    )
    changed = sorted({m for m, _g in added + removed})
    _log_teaching_links(school, [members[m] for m in changed], len(added), len(removed), by)
    return changed


def _log_teaching_links(school, changed: list[StaffMembership], added: int, removed: int, by):
    if not changed:
        return
    with translation.override(None):  # as the admin stores its labels, translated when shown
        label = str(capfirst(StaffMembership._meta.get_field("groups").verbose_name))
    message = [{"changed": {"fields": [label]}}]
    LogEntry.objects.log_actions(by.pk, changed, CHANGE, change_message=message)
    logger.info(
        "teaching links: school %s, memberships %s changed (%s added, %s removed) by user %s",
        school.pk,
        [m.pk for m in changed],
        count_of(added, "link", "links"),
        removed,
        by.pk,
    )


# --- Teachers joining and leaving the school ("Leerkrachten en groepen") -------------------


class TeacherAddRefused(Exception):
    """The address cannot become a teacher of the school now; the message is the form's
    error. Nothing was changed."""


class TeacherAddUnconfirmed(TeacherAddRefused):
    """The address has an account under another name than the one typed: a mistyped
    address would give a stranger the groups' pupils. The director confirms it first."""


ALREADY_TEACHER = _("The account of %(email)s is already a teacher of this school.")
ACCOUNT_DEACTIVATED = _(
    "The account of this e-mail address has been deactivated. Ask the board to activate it "
    "again; then you can add the teacher here."
)
OTHER_NAME = _(
    "This e-mail address already has an account, and it is not in the name you typed. "
    "Please check the address: whoever has this account becomes a teacher of this school "
    "and sees the pupils of the groups you tick. If the address is right, confirm it below."
)


@transaction.atomic
def teacher_add(
    *,
    school: School,
    email: str,
    full_name: str,
    groups: list[Group],
    by,
    other_name_confirmed: bool = False,
) -> StaffMembership:
    """Make the account of `email` a teacher of `school`, linked to `groups` (the school's,
    of this year: the form's choices). An address without an account gets one without a
    password and with its address unconfirmed, as the pupil import makes a parent's: the
    first login is by e-mailed code, which confirms the address, then TOTP set-up
    (accounts.middleware). An address an account uses, as its own or as a confirmed extra
    address, whatever its capitals, makes that account a teacher here too (a teacher at
    two schools, a parent who teaches); when that account is not in the typed name, only
    with `other_name_confirmed`. The person gets one e-mail (schools.duties).

    Refused (TeacherAddRefused, nothing changed): a teacher of this school already (also
    the second of a double submit, which waits for the first), a deactivated account, an
    account in another name unconfirmed (TeacherAddUnconfirmed)."""
    email, full_name = email.strip().lower(), full_name.strip()
    user = _existing_account(email)
    new_account = user is None
    if new_account:
        user = _new_account(email, full_name)
    else:
        _check_existing_account(user, school, full_name, by, other_name_confirmed)
    membership, created = StaffMembership.objects.get_or_create(
        user=user, school=school, role=StaffMembership.Role.TEACHER
    )
    if not created:
        raise TeacherAddRefused(ALREADY_TEACHER % {"email": user.email})
    membership.groups.set(groups)
    if user.pk != by.pk:  # who adds themselves (a director who teaches) knows it
        duty_enqueue(
            key=f"teacher-added:{membership.pk}",
            handler="schools.duties.teacher_added_email_send",
            payload={"membership_id": membership.pk, "user_id": user.pk, "by_id": by.pk},
        )
    added: list[dict] = [{"added": {}}]
    if new_account:
        LogEntry.objects.log_actions(by.pk, [user], ADDITION, change_message=added)
    LogEntry.objects.log_actions(by.pk, [membership], ADDITION, change_message=added)
    accesslog.membership_added(membership, by=by, via=Via.PAGE, groups=groups)
    logger.info(
        "teacher added: school %s, membership %s, user %s (new account: %s), %s, by user %s",
        school.pk,
        membership.pk,
        user.pk,
        new_account,
        count_of(len(groups), "group", "groups"),
        by.pk,
    )
    return membership


def _existing_account(email: str):
    """The account whose own address, or a confirmed extra one, is `email` (any
    capitals); None when there is none."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True)
        address = confirmed.select_related("user").first()
        user = address.user if address is not None else None
    return user


def _check_existing_account(user, school, full_name: str, by, other_name_confirmed: bool):
    """Refuse what must not become a teacher of `school` (see teacher_add); an account
    without a name takes the typed one."""
    if not user.is_active:
        raise TeacherAddRefused(ACCOUNT_DEACTIVATED)
    memberships = StaffMembership.objects.filter(user=user, school=school)
    if memberships.filter(role=StaffMembership.Role.TEACHER).exists():
        raise TeacherAddRefused(ALREADY_TEACHER % {"email": user.email})
    in_typed_name = same_name(user.full_name, full_name) or user.pk == by.pk
    if not (in_typed_name or other_name_confirmed):
        raise TeacherAddUnconfirmed(OTHER_NAME)
    if not user.full_name and full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])


def same_name(one: str, other: str) -> bool:
    """The same name, whatever the capitals and spaces."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _new_account(email: str, full_name: str):
    """A new account for `email`. Two requests at once for one new address make one
    account: the second waits for the first's row and takes it."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "password": make_password(None)}
    )
    if created:
        # Unconfirmed until the first login by e-mailed code, which confirms it.
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    return user


@transaction.atomic
def teacher_remove(*, membership: StaffMembership, by, via: str = Via.PAGE) -> bool:
    """End a teacher membership of a school: the person's reach to the school's groups ends
    at their next request (the cached user is dropped with the row). What they leave open
    at the school goes the way every ended membership's does, through the receivers of
    StaffMembership's deletion: takedown tasks (consent.receivers) and monitoring cases
    (monitoring.receivers) to the school's leaders, with their e-mails. The person gets one
    e-mail (schools.duties), unless `_told_of_membership` says otherwise. The account stays
    (other roles, other schools), and so do the checks they made (their history). False
    when it was gone already (the second of a double submit). Recorded for the privacy
    officer (schools.accesslog) as made `via` the page or the admin."""
    locked = (
        StaffMembership.objects.select_for_update(of=("self",))
        .select_related("user", "school")
        .filter(pk=membership.pk, school=membership.school, role=membership.role)
        .first()
    )
    if locked is None:
        return False
    LogEntry.objects.log_actions(by.pk, [locked], DELETION)
    accesslog.membership_ended(locked, by=by, via=via)
    to_be_told = _told_of_membership(locked, by)
    locked.delete()
    if to_be_told:
        duty_enqueue(
            key=f"teacher-removed:{membership.pk}",
            handler="schools.duties.teacher_removed_email_send",
            payload={
                "membership_id": membership.pk,
                "user_id": locked.user_id,
                "school_id": locked.school_id,
            },
        )
    logger.info(
        "teacher removed: school %s, membership %s, user %s, by user %s",
        locked.school_id,
        membership.pk,
        locked.user_id,
        by.pk,
    )
    return True


def _told_of_membership(membership: StaffMembership, by) -> bool:
    """Whether the person whose membership ends is to be told: not who ends their own (a
    director who teaches), nor someone whose e-mail about being added has not gone yet (it
    never will now: a mistyped address is told nothing at all)."""
    if membership.user_id == by.pk:
        return False
    added = Duty.objects.filter(key=f"teacher-added:{membership.pk}")
    return not added.filter(status=Duty.Status.PENDING).exists()


@transaction.atomic
def school_contact_set(*, school: School, address: str, by) -> bool:
    """Set the address parents' replies to e-mails about `school` go to ("" for none);
    recorded in the admin's history as the admin records it. The one column is written:
    a save of the whole row would put back what someone else changed meanwhile. False
    when it was that address already."""
    changed = School.objects.filter(pk=school.pk).exclude(contact_email=address)
    if not changed.update(contact_email=address):
        return False
    school.contact_email = address
    with translation.override(None):
        label = str(capfirst(School._meta.get_field("contact_email").verbose_name))
    message = [{"changed": {"fields": [label]}}]
    LogEntry.objects.log_actions(by.pk, [school], CHANGE, change_message=message)
    logger.info("school %s: contact address changed by user %s", school.pk, by.pk)
    return True
