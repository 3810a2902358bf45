from django import template

from consent.models import TakedownTask

register = template.Library()


@register.inclusion_tag("consent/includes/teacher_takedowns.html")
def open_takedowns(user):
    """The teacher's open takedown tasks, for their home page."""
    tasks = TakedownTask.objects.filter(assigned_to=user, done_at__isnull=True).select_related(
        "publication_check__purpose"
    )
    return {"takedowns": list(tasks)}
