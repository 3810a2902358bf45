"""What monitoring does when a staff member leaves a school, or the board changes."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from monitoring.services import (
    followups_hand_over,
    followups_no_action_reach,
    followups_unassigned_reach,
    followups_urgent_reach,
)
from schools.models import StaffMembership


@receiver(post_delete, sender=StaffMembership)
@receiver(post_save, sender=StaffMembership)
def hand_over_cases_of_membership(sender, instance, created=False, raw=False, **kwargs):
    """A membership ended, changed role or went to someone else: cases at schools the
    person (or the one it was taken from) no longer serves. Any change (a new board member
    too) may leave a school without a director, or give the board its first member: open
    cases nobody has there go to a board member. An urgent case nobody could be told of
    (no director, no board member) is told to whoever answers for its school now, and so
    is a case a teacher closed without action meanwhile."""
    if raw:
        return
    if not created:
        for user_id in instance.people_concerned():
            followups_hand_over(user_id=user_id)
    followups_unassigned_reach()
    followups_urgent_reach()
    followups_no_action_reach()


@receiver(post_save, sender=get_user_model())
def hand_over_cases_of_deactivated(sender, instance, raw=False, **kwargs):
    """Deactivated: their cases go to the school's leaders. Activated again: a director or
    board member may now be whom waiting cases and urgent notices nobody got go to."""
    if raw:
        return
    if not instance.is_active:
        followups_hand_over(user_id=instance.pk)
        followups_unassigned_reach()
    elif instance.activated_again():
        followups_unassigned_reach()
        followups_urgent_reach()
        followups_no_action_reach()


@receiver(pre_delete, sender=get_user_model())
def hand_over_cases_of_deleted(sender, instance, **kwargs):
    """An account deleted (the admin) leaves as a deactivated one does, before the deletion
    empties `assigned_to` of its cases: they go to a director, who is e-mailed."""
    followups_hand_over(user_id=instance.pk, leaving=True)
    followups_unassigned_reach(excluding=instance.pk)
