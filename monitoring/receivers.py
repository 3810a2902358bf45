"""What monitoring does when a staff member leaves a school."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from monitoring.services import followups_hand_over
from schools.models import StaffMembership


@receiver(post_delete, sender=StaffMembership)
@receiver(post_save, sender=StaffMembership)
def hand_over_cases_of_membership(sender, instance, created=False, raw=False, **kwargs):
    """A membership ended or changed role: cases at schools the person no longer serves."""
    if not (created or raw):
        followups_hand_over(user_id=instance.user_id)


@receiver(post_save, sender=get_user_model())
def hand_over_cases_of_deactivated(sender, instance, raw=False, **kwargs):
    if not (instance.is_active or raw):
        followups_hand_over(user_id=instance.pk)
