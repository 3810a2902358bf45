"""Accounts and the admin's history are kept for a term, not for good (README "Retention
of pupils who left": "Accounts and the admin's history")."""

import datetime
import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import models, transaction
from django.db.models import Exists, ExpressionWrapper, ForeignObjectRel, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from consent.models import ConsentEvent, TakedownTask
from opo_portal.counts import count_of
from schools.models import (
    ERASED_PREFIX,
    GezagChange,
    Guardianship,
    MembershipChange,
    StaffMembership,
    Via,
)
from schools.services import access_history_kept_from, retention_kept_from

logger = logging.getLogger(__name__)

ACCOUNT_BATCH_SIZE = 200  # accounts per transaction (a deletion sends signals per account)
LOG_ENTRY_BATCH_SIZE = 1000  # admin history rows per DELETE
ERASED_EMAIL_DOMAIN = "erased.invalid"  # an erased account's address: erased-<id>@erased.invalid


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_default_timezone()
    )


def accounts_kept_from(*, today: datetime.date) -> datetime.date:
    """The first day whose logins and link changes keep an account without a child or a
    role: the rest of the school year of the last, then ACCOUNT_RETENTION_SCHOOL_YEARS (1)
    full school year."""
    return retention_kept_from(today=today, school_years=settings.ACCOUNT_RETENTION_SCHOOL_YEARS)


def admin_history_kept_from(*, today: datetime.date) -> datetime.date:
    """The longest term of what the admin's history is about: pupils who left, the access
    history and accounts."""
    years = max(
        settings.PUPIL_RETENTION_SCHOOL_YEARS,
        settings.ACCESS_HISTORY_RETENTION_SCHOOL_YEARS,
        settings.ACCOUNT_RETENTION_SCHOOL_YEARS,
    )
    return retention_kept_from(today=today, school_years=years)


def _kept_pupils_evidence():
    """Consent events of a pupil whose record is kept (not erased) that name the account,
    as the guardian who decided or the staff member who recorded a paper or phone answer."""
    of_account = Q(guardian=OuterRef("pk")) | Q(recorded_by=OuterRef("pk"))
    return ConsentEvent.objects.filter(of_account).exclude(
        pupil__leerlingnummer__startswith=ERASED_PREFIX
    )


def _links_changed_since(cutoff: datetime.datetime):
    """The account's links to pupils changed since `cutoff`, apart from a pupil's erasure:
    that ends the pupil's own term (PUPIL_RETENTION_SCHOOL_YEARS after leaving), already
    kept for the parent too, so a parent whose last child is erased goes the same night."""
    return GezagChange.objects.filter(guardian=OuterRef("pk"), at__gte=cutoff).exclude(
        via=Via.RETENTION
    )


def accounts_due(*, today: datetime.date):
    """Accounts past their term: no child linked, no staff role, no login and no change of
    a link since the term began (a parent's link or login: ACCOUNT_RETENTION_SCHOOL_YEARS;
    a staff role: ACCESS_HISTORY_RETENTION_SCHOOL_YEARS); never a superuser or an account
    with admin access, never one named by the consent events of a kept pupil."""
    cutoff = _midnight(accounts_kept_from(today=today))
    staff_cutoff = _midnight(access_history_kept_from(today=today))
    return (
        User.objects.filter(is_superuser=False, is_staff=False, date_joined__lt=cutoff)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}")
        .exclude(Exists(Guardianship.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(StaffMembership.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(_links_changed_since(cutoff)))
        .exclude(Exists(MembershipChange.objects.filter(user=OuterRef("pk"), at__gte=staff_cutoff)))
        .exclude(Exists(_kept_pupils_evidence()))
    )


def _evidence_relations() -> list[tuple[type[models.Model], str]]:
    """Rows that must keep their account: every reference the database protects (consent
    events, checks before posting, purpose and protocol versions, review rounds) and the
    takedown tasks, which a deletion would take with it."""
    relations: list[tuple[type[models.Model], str]] = [(TakedownTask, "assigned_to")]
    for field in User._meta.get_fields(include_hidden=True):
        if not isinstance(field, ForeignObjectRel) or not field.one_to_many:
            continue
        if field.on_delete in (models.PROTECT, models.RESTRICT):
            relations.append((field.field.model, field.field.name))
    return relations


def _is_evidence():
    """An expression: the account is named by evidence that stays."""
    condition = Q()
    for model, name in _evidence_relations():
        condition |= Q(Exists(model._default_manager.filter(**{name: OuterRef("pk")})))
    return ExpressionWrapper(condition, output_field=models.BooleanField())


def _account_erase(user: User) -> None:
    """Keep the row as the anchor of the evidence naming it (as an erased pupil's row),
    without name, address, password or language; the account can no longer log in. A save,
    so a deactivation hands over what was still assigned (consent and monitoring receivers)."""
    user.full_name = ""
    user.email = f"{ERASED_PREFIX}{user.pk}@{ERASED_EMAIL_DOMAIN}"
    user.language = ""
    user.last_login = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()


def accounts_apply_retention(*, today: datetime.date) -> tuple[int, int]:
    """Delete the accounts past their term (accounts_due), or erase the name and address of
    those that evidence still names, ACCOUNT_BATCH_SIZE accounts per transaction. Safe to
    run twice. Returns (deleted, erased)."""
    deleted = erased = last = 0
    while True:
        ids = list(
            accounts_due(today=today)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:ACCOUNT_BATCH_SIZE]
        )
        with transaction.atomic():
            erased += _accounts_erase(ids, today=today)
            deleted += _accounts_delete(ids, today=today)
        if len(ids) < ACCOUNT_BATCH_SIZE:
            break
        last = ids[-1]
    logger.info(
        "retention: deleted %s, erased %d kept as evidence",
        count_of(deleted, "account", "accounts"),
        erased,
    )
    return deleted, erased


def _still_due(ids: list[int], *, today: datetime.date):
    """Of these accounts, those still due, read again and locked just before they are
    acted on: a child linked or a role given since they were listed (a director making a
    former parent a teacher) keeps the account, and a link made while it is locked waits
    for the run's commit."""
    due = accounts_due(today=today).filter(pk__in=ids).annotate(is_evidence=_is_evidence())
    return due.select_for_update(of=("self",)).order_by("pk")


def _accounts_erase(ids: list[int], *, today: datetime.date) -> int:
    users = list(_still_due(ids, today=today).filter(is_evidence=True))
    for user in users:
        _account_erase(user)
    return len(users)


def _accounts_delete(ids: list[int], *, today: datetime.date) -> int:
    gone = list(_still_due(ids, today=today).filter(is_evidence=False).values_list("pk", flat=True))
    if not gone:
        return 0
    return User.objects.filter(pk__in=gone).delete()[1].get("accounts.User", 0)


def admin_history_apply_retention(*, today: datetime.date) -> int:
    """Delete the admin's history (LogEntry) from before admin_history_kept_from, in batches
    of LOG_ENTRY_BATCH_SIZE rows, each its own transaction. Returns the rows deleted."""
    kept_from = admin_history_kept_from(today=today)
    old = LogEntry.objects.filter(action_time__lt=_midnight(kept_from))
    deleted = 0
    while True:
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:LOG_ENTRY_BATCH_SIZE])
        if ids:
            with transaction.atomic():
                deleted += LogEntry.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < LOG_ENTRY_BATCH_SIZE:
            break
    logger.info("retention: deleted %d admin history entries from before %s", deleted, kept_from)
    return deleted
