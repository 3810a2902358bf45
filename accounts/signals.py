"""Keep what sessions remember in step with the user: the TOTP check (accounts.middleware)
and the cached user with their memberships (accounts.user_cache). And the one security
notice allauth has no call for: an address added (accounts.notices)."""

from allauth.account.adapter import get_adapter
from allauth.account.signals import email_added
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts import board
from accounts.languages import cookie_is_a_choice, language_remember
from accounts.middleware import TOTP_SESSION_KEY
from accounts.roles import has_totp, requires_mfa
from accounts.user_cache import forget_user, forget_users
from consent.models import ConsentEvent, Purpose, PurposeVersion
from consent.signals import events_written_in_bulk
from policy.models import Acknowledgement, ProtocolVersion
from schools.models import Guardianship, Pupil, StaffMembership
from schools.signals import guardians_linked, pupils_written_in_bulk


@receiver(user_logged_in)
def remember_totp_at_login(sender, request=None, user=None, **kwargs):
    """Ask once, at login, so that no later request needs to (the login writes anyway)."""
    session = getattr(request, "session", None)
    if session is not None and requires_mfa(user) and has_totp(user):
        session[TOTP_SESSION_KEY] = user.pk


@receiver(user_logged_in)
def remember_language_at_login(sender, request=None, user=None, **kwargs):
    """A language set with the switch on the login page is the one the person chose; a
    cookie set from an account (someone else's, on a shared computer) is not."""
    if request is not None and cookie_is_a_choice(request):
        language_remember(user.pk, request.COOKIES[settings.LANGUAGE_COOKIE_NAME])


@receiver(authenticator_added)
def remember_new_totp(sender, request=None, user=None, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and user is not None and has_totp(user):
        session[TOTP_SESSION_KEY] = user.pk


@receiver(authenticator_removed)
def forget_totp(sender, request=None, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(TOTP_SESSION_KEY, None)


@receiver(email_added)
def notify_address_added(sender, request=None, user=None, email_address=None, **kwargs):
    """allauth sends a notice when an address is removed or made the main one, and none
    when one is added (its check goes to the new address only)."""
    context = {"added_email": email_address.email}
    get_adapter(request).send_notification_mail("account/email/email_added", user, context)


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def forget_changed_user(sender, instance, **kwargs):
    """A changed password, a deactivation or a deletion counts from the next request on."""
    forget_user(instance.pk)


@receiver(post_save, sender=StaffMembership)
@receiver(post_delete, sender=StaffMembership)
@receiver(post_save, sender=Guardianship)
@receiver(post_delete, sender=Guardianship)
def forget_changed_membership(sender, instance, **kwargs):
    forget_user(instance.user_id)


@receiver(pre_save, sender=StaffMembership)
@receiver(pre_save, sender=Guardianship)
def forget_previous_member(sender, instance, **kwargs):
    """A membership (or guardianship) moved to another user counts for the one it left too."""
    if instance.pk is not None:
        previous = sender.objects.filter(pk=instance.pk).values_list("user_id", flat=True)
        for user_id in previous:
            if user_id != instance.user_id:
                forget_user(user_id)


@receiver(guardians_linked)
def forget_linked_parents(sender, user_ids, **kwargs):
    forget_users(user_ids)


# --- The board's stored counts (accounts.board): mark what a committed write changed ---


@receiver(post_save, sender=ConsentEvent)
@receiver(post_delete, sender=ConsentEvent)
@receiver(post_save, sender=Guardianship)
@receiver(post_delete, sender=Guardianship)
def count_pupils_school_again(sender, instance, **kwargs):
    board.mark_changed(pupils=[instance.pupil_id])


@receiver(events_written_in_bulk)
def count_decided_pupils_school_again(sender, pupil_ids, **kwargs):
    """A save of several answers writes its events in bulk (no model signals)."""
    board.mark_changed(pupils=pupil_ids)


@receiver(post_save, sender=Pupil)
@receiver(post_delete, sender=Pupil)
def count_school_again(sender, instance, **kwargs):
    board.mark_changed(schools=[instance.school_id])


@receiver(pupils_written_in_bulk)
def count_imported_school_again(sender, school_ids, **kwargs):
    """The pupil import writes in bulk (no model signals): its school is marked too."""
    board.mark_changed(schools=school_ids)


@receiver(post_save, sender=StaffMembership)
@receiver(post_delete, sender=StaffMembership)
def count_staff_school_again(sender, instance, **kwargs):
    if instance.school_id:
        board.mark_changed(schools=[instance.school_id])


@receiver(post_save, sender=Acknowledgement)
@receiver(post_delete, sender=Acknowledgement)
def count_confirming_staff_again(sender, instance, **kwargs):
    board.mark_changed(users=[instance.user_id])


@receiver(post_save, sender=PurposeVersion)
@receiver(post_save, sender=Purpose)
@receiver(post_save, sender=ProtocolVersion)
def count_every_school_again(sender, instance, **kwargs):
    """A new text asks every parent (or all staff) again."""
    board.mark_changed(everything=True)
