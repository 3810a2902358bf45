"""How long something has been open, in words that read naturally for a moment ago."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()

JUST_NOW = datetime.timedelta(minutes=1)


@register.filter
def just_now(value: datetime.datetime | None) -> bool:
    """{% if task.created_at|just_now %}: less than a minute ago, where Django's timesince
    writes "0 minutes" ("al 0 minuten open"); a moment ahead (another machine's clock) too.
    The page then says "opened just now" instead, a sentence of its own."""
    if value is None:
        return False
    return timezone.now() - value < JUST_NOW
