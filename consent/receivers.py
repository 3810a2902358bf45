"""What consent does when other apps change who decides for a pupil."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from consent.services import takedowns_for_lost_authority
from schools.models import Guardianship
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
