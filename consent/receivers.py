"""What consent does when other apps change who decides for a pupil or who takes down,
erase a pupil's record, or when the outbox gave up on a reminder."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from consent.duties import reminder_email_gave_up
from consent.models import ConsentEvent
from consent.services import (
    check_notes_erase_before,
    check_notes_erase_for_pupil,
    reminders_sent_delete_before,
    takedowns_for_activated,
    takedowns_for_erased_pupil,
    takedowns_for_gezag_change,
    takedowns_hand_over,
    takedowns_hand_over_stuck,
    takedowns_tell_waiting,
)
from outbox.signals import duty_gave_up
from schools.models import Guardianship, StaffMembership
from schools.signals import gezag_changed, pupil_erased, retention_term_passed


@receiver(gezag_changed)
def take_down_after_gezag_changed(sender, lost, gained, **kwargs):
    takedowns_for_gezag_change(lost=lost, gained=gained)


@receiver(pre_delete, sender=Guardianship)
@receiver(pre_save, sender=Guardianship)
def remember_gezag_before(sender, instance, raw=False, **kwargs):
    """The stored (pupil, user) that held gezag, if any, for the save's or the deletion's
    after-effects: the row as stored, not as a form changed it before deleting it."""
    instance._gezag_before = None
    if instance.pk is None or raw:
        return
    stored = sender.objects.filter(pk=instance.pk, has_parental_authority=True)
    instance._gezag_before = stored.values_list("pupil_id", "user_id").first()


@receiver(post_save, sender=Guardianship)
def take_down_after_gezag_saved(sender, instance, raw=False, **kwargs):
    """An edit (the admin) that ends a parent's gezag, moves the link elsewhere, or gives
    gezag to a parent who answered for the pupil before (their answers count again)."""
    if raw:
        return
    before = getattr(instance, "_gezag_before", None)
    now = (instance.pupil_id, instance.user_id) if instance.has_parental_authority else None
    if before == now:
        return
    lost = {before[0]: {before[1]}} if before else {}
    gained = {now[0]: {now[1]}} if now and _has_answered(*now) else {}
    if lost or gained:
        takedowns_for_gezag_change(lost=lost, gained=gained)


def _has_answered(pupil_id: int, user_id: int) -> bool:
    return ConsentEvent.objects.filter(pupil_id=pupil_id, guardian_id=user_id).exists()


@receiver(post_delete, sender=Guardianship)
def take_down_after_gezag_deleted(sender, instance, **kwargs):
    """A gezag-holder's link removed (a parent linked by mistake, say). The admin's pupil
    page deletes the row as its form left it: gezag unticked in the same save still ends
    a gezag that was held."""
    before = getattr(instance, "_gezag_before", None)
    if before:
        takedowns_for_gezag_change(lost={before[0]: {before[1]}})


@receiver(post_delete, sender=StaffMembership)
@receiver(post_save, sender=StaffMembership)
def hand_over_takedowns_of_membership(sender, instance, created=False, raw=False, **kwargs):
    """A membership ended, changed role or went to someone else: takedowns at schools the
    person (or the one it was taken from) no longer serves."""
    if created or raw:
        return
    for user_id in instance.people_concerned():
        takedowns_hand_over(user_id=user_id)


@receiver(post_save, sender=StaffMembership)
def tell_takedowns_that_waited(sender, instance, raw=False, **kwargs):
    """Someone teaching or directing at a school again (or named to the board): the
    takedowns of their own pictures that waited untold with them (they had left, and the
    school had nobody else to take them) are told to them now."""
    if raw or instance.role not in (*StaffMembership.SCHOOL_ROLES, StaffMembership.Role.BOARD):
        return
    takedowns_tell_waiting(user_id=instance.user_id)


@receiver(post_save, sender=StaffMembership)
def hand_over_takedowns_nobody_had(sender, instance, created=False, raw=False, **kwargs):
    """A director or board member named: the takedowns nobody could act on (health's
    unanswered_takedowns) go to them."""
    if raw or instance.role not in (StaffMembership.Role.DIRECTOR, StaffMembership.Role.BOARD):
        return
    board = instance.role == StaffMembership.Role.BOARD
    takedowns_hand_over_stuck(school_id=None if board else instance.school_id)


@receiver(post_save, sender=get_user_model())
def hand_over_takedowns_of_deactivated(sender, instance, raw=False, **kwargs):
    """Deactivated: their open takedowns go to the school's leaders. Activated again: a
    director or board member may now be whom the takedowns nobody could act on go to, and
    a maker is told of the takedowns that waited with them (takedowns_for_activated)."""
    if raw:
        return
    if not instance.is_active:
        takedowns_hand_over(user_id=instance.pk)
    elif instance.activated_again():
        takedowns_for_activated(user_id=instance.pk)


@receiver(pre_delete, sender=get_user_model())
def hand_over_takedowns_of_deleted(sender, instance, **kwargs):
    """An account deleted (the admin) would take its takedown tasks with it: they go to
    whoever answers for each school first, the open ones with their e-mail."""
    takedowns_hand_over(user_id=instance.pk, leaving=True)


@receiver(pupil_erased)
def erase_check_notes_of_erased_pupil(sender, pupil_id, **kwargs):
    check_notes_erase_for_pupil(pupil_id=pupil_id, today=timezone.localdate())


@receiver(pupil_erased)
def take_down_what_is_published_of_erased_pupil(sender, pupil_id, **kwargs):
    takedowns_for_erased_pupil(pupil_id=pupil_id)


@receiver(retention_term_passed)
def erase_check_notes_past_the_term(sender, kept_from, today, **kwargs):
    check_notes_erase_before(day=kept_from, today=today)


@receiver(retention_term_passed)
def delete_reminders_past_the_term(sender, kept_from, **kwargs):
    reminders_sent_delete_before(day=kept_from)


@receiver(duty_gave_up)
def reminder_not_delivered(sender, handler, payload, **kwargs):
    if handler == "consent.duties.reminder_email_send" and payload:
        reminder_email_gave_up(**payload)
