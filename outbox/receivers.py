"""The outbox's part of the daily retention run (schools.tasks.erase_left_pupils)."""

from django.dispatch import receiver

from outbox.services import duties_apply_retention
from schools.signals import retention_term_passed


@receiver(retention_term_passed)
def delete_duties_past_their_term(sender, **kwargs):
    duties_apply_retention()
