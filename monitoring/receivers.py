"""What monitoring does when a staff member leaves a school."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from monitoring.services import followups_hand_over
from schools.models import StaffMembership


@receiver(pre_save, sender=StaffMembership)
def remember_member_before_save(sender, instance, raw=False, **kwargs):
    """The stored user of a membership, for the save's after-effects: the admin can give a
    membership to someone else, and the person it was taken from has left that school."""
    instance._cases_user_before = None
    if instance.pk is not None and not raw:
        stored = sender.objects.filter(pk=instance.pk).values_list("user_id", flat=True)
        instance._cases_user_before = stored.first()


@receiver(post_delete, sender=StaffMembership)
@receiver(post_save, sender=StaffMembership)
def hand_over_cases_of_membership(sender, instance, created=False, raw=False, **kwargs):
    """A membership ended, changed role or went to someone else: cases at schools the
    person (or the one it was taken from) no longer serves."""
    if created or raw:
        return
    before = getattr(instance, "_cases_user_before", None)
    for user_id in {instance.user_id, before} - {None}:
        followups_hand_over(user_id=user_id)


@receiver(post_save, sender=get_user_model())
def hand_over_cases_of_deactivated(sender, instance, raw=False, **kwargs):
    if not (instance.is_active or raw):
        followups_hand_over(user_id=instance.pk)


@receiver(pre_delete, sender=get_user_model())
def hand_over_cases_of_deleted(sender, instance, **kwargs):
    """An account deleted (the admin) leaves as a deactivated one does, before the deletion
    empties `assigned_to` of its cases: they go to a director, who is e-mailed."""
    followups_hand_over(user_id=instance.pk, leaving=True)
