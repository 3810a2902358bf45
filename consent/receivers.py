"""What consent does when other apps change who decides for a pupil, or who takes down."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from consent.services import takedowns_for_lost_authority, takedowns_hand_over
from schools.models import Guardianship, StaffMembership
from schools.signals import gezag_lost


@receiver(gezag_lost)
def take_down_after_lost_gezag(sender, lost, **kwargs):
    takedowns_for_lost_authority(lost=lost)


@receiver(pre_save, sender=Guardianship)
def remember_gezag_before_save(sender, instance, raw=False, **kwargs):
    """The stored (pupil, user) that held gezag, if any, for the save's after-effects."""
    instance._gezag_before = None
    if instance.pk is None or raw:
        return
    stored = sender.objects.filter(pk=instance.pk, has_parental_authority=True)
    instance._gezag_before = stored.values_list("pupil_id", "user_id").first()


@receiver(post_save, sender=Guardianship)
def take_down_after_gezag_saved_away(sender, instance, raw=False, **kwargs):
    """An edit (the admin) that ends a parent's gezag, or moves the link elsewhere."""
    before = getattr(instance, "_gezag_before", None)
    if raw or before is None:
        return
    if instance.has_parental_authority and before == (instance.pupil_id, instance.user_id):
        return
    pupil_id, user_id = before
    takedowns_for_lost_authority(lost={pupil_id: {user_id}})


@receiver(post_delete, sender=Guardianship)
def take_down_after_gezag_deleted(sender, instance, **kwargs):
    """A gezag-holder's link removed (a parent linked by mistake, say)."""
    if instance.has_parental_authority:
        takedowns_for_lost_authority(lost={instance.pupil_id: {instance.user_id}})


@receiver(post_delete, sender=StaffMembership)
@receiver(post_save, sender=StaffMembership)
def hand_over_takedowns_of_membership(sender, instance, created=False, raw=False, **kwargs):
    """A membership ended or changed role: takedowns at schools the person no longer serves."""
    if not (created or raw):
        takedowns_hand_over(user_id=instance.user_id)


@receiver(post_save, sender=get_user_model())
def hand_over_takedowns_of_deactivated(sender, instance, raw=False, **kwargs):
    if not (instance.is_active or raw):
        takedowns_hand_over(user_id=instance.pk)
